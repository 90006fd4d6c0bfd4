namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>Bounds for every await in the tests, so a hang fails fast with a message.</summary>
internal static class TestTimeouts
{
    /// <summary>For one call or one step of a call.</summary>
    public static readonly TimeSpan Call = TimeSpan.FromSeconds(15);

    /// <summary>For a process (the OpenAPI validator).</summary>
    public static readonly TimeSpan Process = TimeSpan.FromSeconds(60);
}
