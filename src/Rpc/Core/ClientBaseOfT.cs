namespace Grpc.Core;

/// <summary>The base of generated clients, typed so that copies keep their type.</summary>
public abstract class ClientBase<T> : ClientBase
    where T : ClientBase<T>
{
    /// <summary>For mocking.</summary>
    protected ClientBase()
    {
    }

    /// <summary>A client from a configuration.</summary>
    protected ClientBase(ClientBaseConfiguration configuration)
        : base(configuration)
    {
    }

    /// <summary>A client over a channel.</summary>
    protected ClientBase(ChannelBase channel)
        : base(channel)
    {
    }

    /// <summary>A client over a call invoker.</summary>
    protected ClientBase(CallInvoker callInvoker)
        : base(callInvoker)
    {
    }

    /// <summary>A copy of this client that calls with another <c>:authority</c>.</summary>
    public T WithHost(string host) => NewInstance(Configuration.WithHost(host));

    /// <summary>Creates a client of the concrete type.</summary>
    protected abstract T NewInstance(ClientBaseConfiguration configuration);
}
