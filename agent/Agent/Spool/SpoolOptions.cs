namespace SentinelSync.Agent.Spool;

/// <summary>Where the spool lives and how much disk it may take.</summary>
internal sealed class SpoolOptions
{
    /// <summary>The spool's directory, <c>{state_directory}/spool</c>; created when missing.</summary>
    public string Directory { get; set; } = "/var/lib/sentinel-agent/spool";

    /// <summary>Bound on the segment files' total size; past it the oldest segments are dropped. Default 64 MiB.</summary>
    public long MaxBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Size at which a segment is closed and the next one started. Default 1 MiB; never more than an eighth of <see cref="MaxBytes"/>.</summary>
    public long SegmentBytes { get; set; } = 1024 * 1024;
}
