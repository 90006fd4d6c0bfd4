using System.Diagnostics;
using System.Text;

namespace SentinelSync.Testing.Internal;

/// <summary>Runs <c>scripts/pg-cluster.sh</c>, the one implementation of a private cluster.</summary>
internal static class ClusterScript
{
    private static readonly TimeSpan StopGracePeriod = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <c>pg-cluster.sh <paramref name="verb"/> <paramref name="dataDirectory"/></c> and returns
    /// the <c>KEY=VALUE</c> lines it printed on stdout.
    /// </summary>
    /// <exception cref="InvalidOperationException">The script failed; the message carries its stderr.</exception>
    public static async Task<IReadOnlyDictionary<string, string>> RunAsync(
        string verb, string dataDirectory, CancellationToken cancellationToken)
    {
        var script = RepositoryRoot.Combine("scripts/pg-cluster.sh");
        if (!File.Exists(script))
        {
            throw new InvalidOperationException($"{script} is missing.");
        }

        var startInfo = new ProcessStartInfo("bash")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        startInfo.ArgumentList.Add(script);
        startInfo.ArgumentList.Add(verb);
        startInfo.ArgumentList.Add(dataDirectory);
        // Test clusters are thrown away: durability buys nothing and costs seconds.
        startInfo.Environment["PG_FAST"] = "1";

        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"Could not start bash {script}.");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);
        try
        {
            await process.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // Killing the tree also takes a postgres that pg_ctl was still waiting for.
            process.Kill(entireProcessTree: true);
            process.WaitForExit(StopGracePeriod);
            throw;
        }

        var output = await stdout;
        var errors = await stderr;
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"scripts/pg-cluster.sh {verb} {dataDirectory} failed with exit code {process.ExitCode}:{Environment.NewLine}{errors}");
        }

        return Parse(output);
    }

    private static Dictionary<string, string> Parse(string output)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = line.IndexOf('=', StringComparison.Ordinal);
            if (separator > 0)
            {
                values[line[..separator]] = line[(separator + 1)..];
            }
        }

        return values;
    }

    /// <summary>Gets a required value from the script's output.</summary>
    public static string Required(IReadOnlyDictionary<string, string> values, string key)
    {
        if (values.TryGetValue(key, out var value) && value.Length > 0)
        {
            return value;
        }

        var printed = new StringBuilder();
        foreach (var (k, v) in values)
        {
            printed.Append(k).Append('=').AppendLine(v);
        }

        throw new InvalidOperationException($"scripts/pg-cluster.sh printed no {key}; it printed:{Environment.NewLine}{printed}");
    }
}
