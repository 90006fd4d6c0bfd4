using Grpc.Core;
using Grpc.Core.Interceptors;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// How the gateway identifies itself to the other roles: the one place to change when internal calls carry a
/// signed principal instead of this header.
/// </summary>
internal static class InternalCaller
{
    /// <summary>The metadata key naming an internal caller.</summary>
    public const string HeaderName = "x-sentinel-internal";

    /// <summary>This role's name as an internal caller.</summary>
    public const string Identity = "agent-gateway";

    /// <summary>An invoker whose every call carries the gateway's internal identity.</summary>
    public static CallInvoker Attach(CallInvoker invoker) => invoker.Intercept(metadata =>
    {
        metadata.Add(HeaderName, Identity);
        return metadata;
    });
}
