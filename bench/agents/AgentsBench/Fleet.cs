using System.Globalization;
using System.Net;
using Microsoft.Extensions.Logging.Abstractions;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Connection;
using SentinelSync.Agent.Identity;
using SentinelSync.Agent.Runtime;
using SentinelSync.Agent.Spool;

namespace SentinelSync.Bench.Agents;

/// <summary>
/// <c>run --server URL --work DIR --first I --count N --status FILE [--ramp PER_SECOND]</c>: agents I..I+N-1 of the work
/// directory, each the agent's own <see cref="AgentUplink"/> over its own connection, until SIGTERM.
/// </summary>
/// <remarks>
/// What an agent is here: its enrolled identity, its disk spool and effective configuration in its state directory,
/// and the uplink (Hello, Welcome, spool replay, heartbeats at the platform's interval, pings, config updates,
/// reconnects with backoff and jitter). No collectors: the benchmark measures the platform's cost per connected
/// agent, and reports would only add database work.
/// </remarks>
internal static class Fleet
{
    private static readonly TimeSpan StatusPeriod = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(BenchArguments args)
    {
        var server = args.Url("server");
        var work = args.Text("work");
        var first = args.Number("first");
        var count = args.Number("count");
        var statusFile = args.Text("status");
        var ramp = args.Number("ramp", 100);
        var counters = new FleetCounters();

        using var stopping = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            stopping.Cancel();
        });

        var uplinks = new List<Task>(count);
        var spools = new List<AgentSpool>(count);
        var reporter = ReportAsync(counters, statusFile, count, stopping.Token);
        var started = System.Diagnostics.Stopwatch.StartNew();
        try
        {
            for (var i = first; i < first + count && !stopping.IsCancellationRequested; i++)
            {
                var (uplink, spool) = CreateAgent(server, FleetEnrollment.StateDirectory(work, i), FleetEnrollment.Hostname(i), SourceAddress(i), counters);
                spools.Add(spool);
                uplinks.Add(Task.Run(() => uplink.RunAsync(stopping.Token), CancellationToken.None));

                // Spread the handshakes: at most `ramp` new agents a second from this process.
                var due = TimeSpan.FromSeconds((double)(i - first + 1) / ramp) - started.Elapsed;
                if (due > TimeSpan.Zero)
                {
                    await Task.Delay(due, stopping.Token).ConfigureAwait(false);
                }
            }

            await Task.Delay(Timeout.Infinite, stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }

        await Task.WhenAll(uplinks).WaitAsync(TimeSpan.FromSeconds(10), CancellationToken.None).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        await reporter.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        counters.WriteTo(statusFile, count);
        foreach (var spool in spools)
        {
            spool.Dispose();
        }

        return 0;
    }

    /// <summary>127.0.0.2 to 127.0.0.255 in turn: 254 source addresses, each with its own ephemeral ports.</summary>
    internal static IPAddress SourceAddress(int agent) => new([127, 0, 0, (byte)(2 + (agent % 254))]);

    private static (AgentUplink Uplink, AgentSpool Spool) CreateAgent(Uri server, string stateDirectory, string hostname, IPAddress source, FleetCounters counters)
    {
        var identity = AgentIdentity.Load(stateDirectory)
            ?? throw new InvalidOperationException($"no identity in {stateDirectory}; run.sh enrolls the agents first");
        var options = new AgentOptions { ServerUrl = server, StateDirectory = stateDirectory };
        options.Spool.Directory = Path.Combine(stateDirectory, "spool");
        var configuration = EffectiveConfiguration.Load(options, NullLogger<EffectiveConfiguration>.Instance);
        var spool = AgentSpool.Open(configuration.Current.Spool, NullLogger<AgentSpool>.Instance);
        var trust = ServerCertificatePolicy.TrustOnly(identity.CaCertificate);
        var uplink = new AgentUplink(
            current => SourceAddressChannel.Create(current.ServerUrl!, trust, identity.ClientCertificateContext, current.Reconnect, source),
            spool,
            configuration,
            new WakeSignal(),
            hostname,
            TimeProvider.System,
            new UplinkProbe(counters));
        return (uplink, spool);
    }

    private static async Task ReportAsync(FleetCounters counters, string statusFile, int agents, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(StatusPeriod);
        var ticks = 0;
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            counters.WriteTo(statusFile, agents);
            if (++ticks % 10 == 0)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:HH:mm:ss} connected {counters.ConnectedNow}/{agents}, welcomes {counters.Welcomes}"));
            }
        }
    }
}
