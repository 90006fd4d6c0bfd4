using System.Runtime.CompilerServices;

namespace SentinelSync.Agent.Tests.Support;

/// <summary>
/// Compares output with a file under <c>tests/Agent.Tests/Golden/</c>. With
/// <c>SENTINEL_UPDATE_GOLDEN=1</c> the file is rewritten instead (review the diff, then commit).
/// </summary>
internal static class GoldenFile
{
    public const string UpdateVariable = "SENTINEL_UPDATE_GOLDEN";

    public static void AssertMatches(string name, string actual, [CallerFilePath] string callerPath = "")
    {
        var path = Path.Combine(ProjectDirectory(callerPath), "Golden", name);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            File.WriteAllText(path, actual);
            return;
        }

        Assert.True(File.Exists(path), $"Golden file {path} is missing; run the tests with {UpdateVariable}=1 to create it.");
        var expected = File.ReadAllText(path);
        Assert.True(
            expected == actual,
            $"Output differs from {path}; if the change is intended, run the tests with {UpdateVariable}=1 and review the diff.\n--- actual ---\n{actual}");
    }

    private static string ProjectDirectory(string callerPath)
    {
        var directory = Path.GetDirectoryName(callerPath);
        while (directory is not null && !File.Exists(Path.Combine(directory, "SentinelSync.Agent.Tests.csproj")))
        {
            directory = Path.GetDirectoryName(directory);
        }

        return directory ?? throw new InvalidOperationException($"No test project above {callerPath}.");
    }
}
