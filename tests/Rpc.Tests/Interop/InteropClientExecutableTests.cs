using System.Diagnostics;
using System.Globalization;
using SentinelSync.InteropClient;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Interop;

/// <summary>The InteropClient executable itself: official flags, output lines, exit code.</summary>
public class InteropClientExecutableTests : IClassFixture<TlsPythonInteropServer>
{
    private readonly TlsPythonInteropServer _server;

    public InteropClientExecutableTests(TlsPythonInteropServer server) => _server = server;

    [Fact]
    public async Task InteropClient_AllCasesOverTls_PrintsPassForEachAndExitsZero()
    {
        var (exitCode, output) = await RunAsync(
            $"--server_host=localhost", $"--server_port={_server.Port.ToString(CultureInfo.InvariantCulture)}",
            "--test_case=all", "--use_tls=true", "--use_test_ca=true", "--server_host_override=foo.test.google.fr");

        Assert.True(exitCode == 0, output);
        Assert.Equal(InteropTestCases.All.Select(c => "PASS " + c), output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
    }

    [Fact]
    public async Task InteropClient_UntrustedCertificate_PrintsFailAndExitsOne()
    {
        var (exitCode, output) = await RunAsync($"--server_port={_server.Port.ToString(CultureInfo.InvariantCulture)}", "--test_case=empty_unary", "--use_tls=true");

        Assert.Equal(1, exitCode);
        Assert.StartsWith("FAIL empty_unary: ", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InteropClient_UnknownFlag_ExitsTwo()
    {
        var (exitCode, _) = await RunAsync("--server_port=1", "--no_such_flag=1");

        Assert.Equal(2, exitCode);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "InteropClient.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start)!;
        try
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync().WithTimeout(TimeSpan.FromSeconds(120));
            return (process.ExitCode, await stdout.WithTimeout() + await stderr.WithTimeout());
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }
}
