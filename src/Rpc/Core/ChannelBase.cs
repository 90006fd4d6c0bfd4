namespace Grpc.Core;

/// <summary>A channel: a target and the call invoker that reaches it.</summary>
public abstract class ChannelBase
{
    /// <summary>Creates a channel for a target.</summary>
    protected ChannelBase(string target) => Target = target;

    /// <summary>The target, e.g. <c>http://127.0.0.1:7400</c>.</summary>
    public string Target { get; }

    /// <summary>Creates the call invoker of this channel.</summary>
    public abstract CallInvoker CreateCallInvoker();

    /// <summary>Shuts the channel down.</summary>
    public Task ShutdownAsync() => ShutdownAsyncCore();

    /// <summary>Shuts the channel down; nothing to do by default.</summary>
    protected virtual Task ShutdownAsyncCore() => Task.CompletedTask;
}
