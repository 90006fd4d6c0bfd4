using System.Diagnostics;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The tracing source of the server runtime and the names it uses.</summary>
internal static class GrpcDiagnostics
{
    /// <summary>The name of the <see cref="ActivitySource"/> every call's span comes from.</summary>
    public const string ActivitySourceName = "SentinelSync.Rpc";

    public const string RpcSystemTag = "rpc.system";
    public const string RpcServiceTag = "rpc.service";
    public const string RpcMethodTag = "rpc.method";
    public const string RpcStatusCodeTag = "rpc.grpc.status_code";

    public static readonly ActivitySource ActivitySource = new(ActivitySourceName);
}
