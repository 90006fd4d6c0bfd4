using System.Globalization;
using SentinelSync.Agent.Connection;
using SentinelSync.Agent.Identity;

namespace SentinelSync.Bench.Agents;

/// <summary>
/// <c>enroll --server URL --token T --fingerprint F --work DIR --count N [--parallel P]</c>: enrolls agents 0..N-1 with the
/// agent's own <see cref="Enrollment"/> (trust bundle, pinned CA, CSR, Enroll); those already enrolled under the work
/// directory are kept, so a rerun against the same database costs nothing.
/// </summary>
internal static class FleetEnrollment
{
    private const int Attempts = 5;

    public static string StateDirectory(string work, int agent) => Path.Combine(work, "agents", agent.ToString("D5", CultureInfo.InvariantCulture));

    public static string Hostname(int agent) => string.Create(CultureInfo.InvariantCulture, $"bench-agent-{agent:D5}");

    public static async Task<int> RunAsync(BenchArguments args)
    {
        var server = args.Url("server");
        var token = args.Text("token");
        var fingerprint = args.Text("fingerprint");
        var work = args.Text("work");
        var missing = Enumerable.Range(0, args.Number("count")).Where(i => !AgentIdentity.Exists(StateDirectory(work, i))).ToArray();
        var enrolled = 0;
        var started = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(missing, new ParallelOptions { MaxDegreeOfParallelism = args.Number("parallel", 16) }, async (agent, cancellationToken) =>
        {
            for (var attempt = 1; ; attempt++)
            {
                try
                {
                    await Enrollment.EnrollAsync(server, token, fingerprint, StateDirectory(work, agent), Hostname(agent), force: false, new ReconnectOptions(), cancellationToken).ConfigureAwait(false);
                    break;
                }
                catch (EnrollmentException ex) when (attempt < Attempts && ex.ExitCode == Agent.Commands.ExitCodes.Unreachable)
                {
                    await Task.Delay(TimeSpan.FromSeconds(attempt), cancellationToken).ConfigureAwait(false);
                }
            }

            if (Interlocked.Increment(ref enrolled) % 500 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"enrolled {enrolled}/{missing.Length} in {started.Elapsed.TotalSeconds:F0} s"));
            }
        }).ConfigureAwait(false);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"enrolled {enrolled} new agents in {started.Elapsed.TotalSeconds:F1} s ({missing.Length - enrolled} failed)"));
        return 0;
    }
}
