using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>What every call of one method shares, built once when the service is mapped.</summary>
internal sealed class MethodContext
{
    /// <summary>Kestrel's default <c>MaxRequestBodySize</c>: 30,000,000 bytes.</summary>
    private const int KestrelDefaultMaxRequestBodySize = 30_000_000;

    public MethodContext(IMethod method, ServerMethodOptions options, ILogger logger, TimeProvider timeProvider)
    {
        Method = method;
        Options = options;
        Logger = logger;
        TimeProvider = timeProvider;
        ActivityName = method.ServiceName + "/" + method.Name;

        // Requests of streaming calls are long-lived: no body size limit, no minimum data rate. Unary requests
        // keep Kestrel's limits while the message limit stays below them.
        var streamingRequest = method.Type is MethodType.ClientStreaming or MethodType.DuplexStreaming;
        DisableMinRequestBodyDataRate = streamingRequest;
        DisableMaxRequestBodySize = streamingRequest || options.MaxReceiveMessageSize is null or > KestrelDefaultMaxRequestBodySize - 1024;
    }

    public IMethod Method { get; }

    public ServerMethodOptions Options { get; }

    public ILogger Logger { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>The span name: <c>{service}/{method}</c>, as OpenTelemetry names RPC spans.</summary>
    public string ActivityName { get; }

    public bool DisableMinRequestBodyDataRate { get; }

    public bool DisableMaxRequestBodySize { get; }
}
