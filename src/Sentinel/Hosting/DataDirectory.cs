namespace SentinelSync.Server.Hosting;

/// <summary>The single-node data directory: <c>$SENTINEL_DATA</c>, else <c>.data</c> under the content root.</summary>
internal static class DataDirectory
{
    public static string Resolve(string contentRoot)
    {
        var data = Environment.GetEnvironmentVariable("SENTINEL_DATA");
        return string.IsNullOrWhiteSpace(data) ? Path.Combine(contentRoot, ".data") : Path.GetFullPath(data);
    }
}
