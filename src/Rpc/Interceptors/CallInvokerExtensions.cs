namespace Grpc.Core.Interceptors;

/// <summary>Adds interceptors to a call invoker or channel.</summary>
public static class CallInvokerExtensions
{
    /// <summary>Wraps an invoker so every call passes through an interceptor.</summary>
    public static CallInvoker Intercept(this CallInvoker invoker, Interceptor interceptor)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(interceptor);
        return new InterceptingCallInvoker(invoker, interceptor);
    }

    /// <summary>
    /// Wraps an invoker with several interceptors; the first in the list sees the call first, as in
    /// grpc-dotnet.
    /// </summary>
    public static CallInvoker Intercept(this CallInvoker invoker, params Interceptor[] interceptors)
    {
        ArgumentNullException.ThrowIfNull(invoker);
        ArgumentNullException.ThrowIfNull(interceptors);
        for (var i = interceptors.Length - 1; i >= 0; i--)
        {
            invoker = invoker.Intercept(interceptors[i]);
        }

        return invoker;
    }

    /// <summary>Wraps an invoker so every call's request headers pass through a function first.</summary>
    public static CallInvoker Intercept(this CallInvoker invoker, Func<Metadata, Metadata> interceptor)
    {
        ArgumentNullException.ThrowIfNull(interceptor);
        return invoker.Intercept(new MetadataInterceptor(interceptor));
    }

    /// <summary>A channel's invoker wrapped with interceptors.</summary>
    public static CallInvoker Intercept(this ChannelBase channel, params Interceptor[] interceptors)
    {
        ArgumentNullException.ThrowIfNull(channel);
        return channel.CreateCallInvoker().Intercept(interceptors);
    }
}
