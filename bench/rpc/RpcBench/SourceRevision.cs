namespace SentinelSync.Bench.Rpc;

/// <summary>Which source was measured: the commit, and whether the runtime's files differed from it.</summary>
internal static class SourceRevision
{
    private static readonly string[] RuntimePaths = ["src/Rpc", "src/Rpc.Server"];

    public static async Task<string> DescribeAsync(string? repository, CancellationToken cancellationToken)
    {
        if (repository is null)
        {
            return "unknown (no --repo)";
        }

        try
        {
            var head = await ChildProcess.RunAsync(ChildProcess.Tool("git", "-C", repository, "rev-parse", "--short", "HEAD"), TimeSpan.FromSeconds(10), cancellationToken);
            var status = await ChildProcess.RunAsync(ChildProcess.Tool("git", ["-C", repository, "status", "--porcelain", "--", .. RuntimePaths]), TimeSpan.FromSeconds(10), cancellationToken);
            if (head.ExitCode != 0)
            {
                return "unknown (not a git checkout)";
            }

            var changed = status.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length;
            return changed == 0
                ? $"commit {head.Stdout.Trim()}"
                : $"commit {head.Stdout.Trim()} plus {changed} uncommitted change(s) under {string.Join(", ", RuntimePaths)}";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "unknown (git not found)";
        }
    }
}
