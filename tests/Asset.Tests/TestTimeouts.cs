namespace SentinelSync.Asset.Tests;

/// <summary>How long any await of a test may take before the test fails.</summary>
internal static class TestTimeouts
{
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan Start = TimeSpan.FromSeconds(60);
}
