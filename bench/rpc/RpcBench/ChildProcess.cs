using System.Diagnostics;
using System.Text;

namespace SentinelSync.Bench.Rpc;

/// <summary>Starts the tools and the RpcBench processes the benchmark drives.</summary>
internal static class ChildProcess
{
    /// <summary>The output of a process that ran to its end.</summary>
    public sealed record Output(int ExitCode, string Stdout, string Stderr);

    /// <summary>Start info for this program itself with another command (<c>serve</c>, <c>stream-client</c>).</summary>
    public static ProcessStartInfo Self(params string[] args)
    {
        var path = Environment.ProcessPath ?? throw new InvalidOperationException("No process path.");
        var info = new ProcessStartInfo(path);
        if (Path.GetFileNameWithoutExtension(path) == "dotnet")
        {
            info.ArgumentList.Add(typeof(ChildProcess).Assembly.Location);
        }

        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    public static ProcessStartInfo Tool(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file);
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        return info;
    }

    /// <summary>Runs a process to its end, capturing both outputs; kills it when the timeout passes.</summary>
    public static async Task<Output> RunAsync(ProcessStartInfo info, TimeSpan timeout, CancellationToken cancellationToken)
    {
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"Could not start {info.FileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{Describe(info)} did not finish within {timeout.TotalSeconds:0} s.");
        }

        return new Output(process.ExitCode, await stdout, await stderr);
    }

    public static string Describe(ProcessStartInfo info)
    {
        var text = new StringBuilder(Path.GetFileName(info.FileName));
        foreach (var arg in info.ArgumentList)
        {
            text.Append(' ').Append(arg.Contains(' ', StringComparison.Ordinal) ? $"'{arg}'" : arg);
        }

        return text.ToString();
    }
}
