namespace SentinelSync.Agent.Tests.Commands;

/// <summary>
/// The built <c>sentinel-agent.dll</c> in the agent project's own output, not the copy beside the
/// tests: this test project also references ASP.NET Core (for the fake platform), which changes
/// which assemblies land in its folder, so only the agent's folder matches the agent's deps.json.
/// </summary>
internal static class AgentBinary
{
    public static string DllPath { get; } = Find();

    /// <summary>How to start the agent with <paramref name="arguments"/>, its output redirected.</summary>
    public static System.Diagnostics.ProcessStartInfo StartInfo(IEnumerable<string> arguments)
    {
        var host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } path ? path : "dotnet";
        var start = new System.Diagnostics.ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(DllPath);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    private static string Find()
    {
        // tests/Agent.Tests/bin/{Configuration}/{tfm}/ -> agent/Agent/bin/{Configuration}/{tfm}/
        var tfmDirectory = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = tfmDirectory.Parent!.Name;
        var repository = tfmDirectory.Parent.Parent!.Parent!.Parent!.Parent!.FullName;
        var path = Path.Combine(repository, "agent", "Agent", "bin", configuration, tfmDirectory.Name, "sentinel-agent.dll");
        return File.Exists(path) ? path : throw new FileNotFoundException($"The agent is not built at {path}.", path);
    }
}
