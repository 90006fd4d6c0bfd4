namespace SentinelSync.Server.Hosting;

/// <summary>The host's log messages. Event ids 1–99 and 4900–4999 belong to the host.</summary>
internal static partial class ServerLog
{
    [LoggerMessage(1, LogLevel.Information, "SentinelSync started with roles {Roles}; operator {Operator}, internal {Internal}, agent {Agent}, management {Management}")]
    public static partial void Started(ILogger logger, string roles, string @operator, string @internal, string agent, string management);

    [LoggerMessage(2, LogLevel.Information, "Stopping: draining in-flight calls for up to {DrainTimeout}")]
    public static partial void Draining(ILogger logger, TimeSpan drainTimeout);

    [LoggerMessage(4900, LogLevel.Information, "Operator TLS certificate {Path} (self-signed: {SelfSigned}) SHA-256 fingerprint {Fingerprint}")]
    public static partial void Certificate(ILogger logger, string path, bool selfSigned, string fingerprint);
}
