using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>The interop server as a process: flags, the "listening on port N" line, both loopback addresses, SIGTERM.</summary>
public sealed partial class InteropServerProcessTests
{
    [Fact]
    public async Task InteropServer_PortZeroThenSigterm_ServesBothLoopbacksAndExitsZero()
    {
        using var server = StartServer("--port=0");
        var port = await ReadPortAsync(server);

        var v4 = await PythonInteropClient.RunAsync(port, "empty_unary", useTls: false);
        var v6 = await PythonInteropClient.RunAsync(port, "empty_unary", useTls: false, host: "::1");
        await SignalAsync(server, "TERM");
        await server.WaitForExitAsync().WaitAsync(TestTimeouts.Call);

        Assert.True(v4.ExitCode == 0, v4.Stdout + v4.Stderr);
        Assert.True(v6.ExitCode == 0, v6.Stdout + v6.Stderr);
        Assert.Equal(0, server.ExitCode);
    }

    [Fact]
    public async Task InteropServer_UnknownFlag_ExitsTwoWithUsage()
    {
        using var server = StartServer("--colour=blue");

        await server.WaitForExitAsync().WaitAsync(TestTimeouts.Call);

        Assert.Equal(2, server.ExitCode);
        Assert.Contains("--port", await server.StandardError.ReadToEndAsync(), StringComparison.Ordinal);
    }

    private static Process StartServer(params string[] args)
    {
        var start = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "InteropServer.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return Process.Start(start) ?? throw new InvalidOperationException("Could not start the interop server.");
    }

    private static async Task<int> ReadPortAsync(Process server)
    {
        try
        {
            while (await server.StandardOutput.ReadLineAsync().WaitAsync(TestTimeouts.Call) is { } line)
            {
                var match = ListeningLine().Match(line);
                if (match.Success)
                {
                    return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
        }
        catch
        {
            server.Kill(entireProcessTree: true);
            throw;
        }

        throw new InvalidOperationException("The interop server exited before it was listening: " + await server.StandardError.ReadToEndAsync());
    }

    private static async Task SignalAsync(Process process, string signal)
    {
        using var kill = Process.Start("kill", ["-" + signal, process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync().WaitAsync(TestTimeouts.Call);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";

    [GeneratedRegex(@"^listening on port (\d+)$")]
    private static partial Regex ListeningLine();
}
