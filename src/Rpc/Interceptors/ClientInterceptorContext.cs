namespace Grpc.Core.Interceptors;

/// <summary>The call an interceptor sees on the client: method, host and options.</summary>
public readonly struct ClientInterceptorContext<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    /// <summary>Creates a context.</summary>
    public ClientInterceptorContext(Method<TRequest, TResponse> method, string? host, CallOptions options)
    {
        Method = method;
        Host = host;
        Options = options;
    }

    /// <summary>The method called.</summary>
    public Method<TRequest, TResponse> Method { get; }

    /// <summary>The host override, if any.</summary>
    public string? Host { get; }

    /// <summary>The call options.</summary>
    public CallOptions Options { get; }
}
