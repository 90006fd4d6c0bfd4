using System.Diagnostics;
using System.Text;
using SentinelSync.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Runs tests/Interop/python/interop_client.py (grpcio) against a port, one case per process.</summary>
public static class PythonInteropClient
{
    private const string Python = "/usr/bin/python3";

    public static async Task<PythonRun> RunAsync(int port, string testCase, bool useTls, string host = "127.0.0.1")
    {
        var start = new ProcessStartInfo(Python)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = RepositoryRoot.Path,
        };
        start.ArgumentList.Add(RepositoryRoot.Combine("tests/Interop/python/interop_client.py"));
        start.ArgumentList.Add($"--server_host={host}");
        start.ArgumentList.Add($"--server_port={port}");
        start.ArgumentList.Add($"--test_case={testCase}");
        if (useTls)
        {
            start.ArgumentList.Add("--use_tls=true");
            start.ArgumentList.Add("--use_test_ca=true");
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TestTimeouts.Process);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"interop_client.py --test_case={testCase} did not finish within {TestTimeouts.Process}. Output so far:\n{stdout}\n{stderr}");
        }

        // WaitForExitAsync returns once the streams are drained as well.
        return new PythonRun(process.ExitCode, stdout.ToString(), stderr.ToString());
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.AppendLine(line);
        }
    }
}
