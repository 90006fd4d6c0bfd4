namespace SentinelSync.Security.Tests;

/// <summary>Bounds for every await in the tests, so a hang fails fast with a message.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(20);
}
