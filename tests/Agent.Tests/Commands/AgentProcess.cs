using System.Diagnostics;

namespace SentinelSync.Agent.Tests.Commands;

/// <summary>Runs the built <c>sentinel-agent</c> (copied beside the tests) as a real process.</summary>
internal static class AgentProcess
{
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(TimeSpan timeout, params string[] arguments)
    {
        var start = AgentBinary.StartInfo(arguments);

        using var process = Process.Start(start) ?? throw new InvalidOperationException("sentinel-agent did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"sentinel-agent {string.Join(' ', arguments)} did not exit within {timeout}.");
        }

        return (process.ExitCode, await stdout.WaitAsync(timeout), await stderr.WaitAsync(timeout));
    }
}
