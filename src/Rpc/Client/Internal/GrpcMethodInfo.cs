namespace Grpc.Net.Client.Internal;

/// <summary>What a channel computes once per method: the request URI and the names for tracing.</summary>
internal sealed class GrpcMethodInfo
{
    public GrpcMethodInfo(Uri callUri, string serviceName, string methodName)
    {
        CallUri = callUri;
        ServiceName = serviceName;
        MethodName = methodName;
        ActivityName = serviceName + "/" + methodName;
    }

    public Uri CallUri { get; }

    public string ServiceName { get; }

    public string MethodName { get; }

    /// <summary>The span name of the OpenTelemetry RPC conventions: <c>{service}/{method}</c>.</summary>
    public string ActivityName { get; }
}
