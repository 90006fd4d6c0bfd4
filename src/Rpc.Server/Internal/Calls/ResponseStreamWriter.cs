using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The response stream of a server-streaming or duplex call.</summary>
/// <remarks>
/// A write with <see cref="WriteFlags.BufferHint"/> is not flushed (until 64 KiB wait); the next unbuffered
/// write, or the end of the call, sends it.
/// </remarks>
internal sealed class ResponseStreamWriter<TResponse> : IServerStreamWriter<TResponse>
    where TResponse : class
{
    private readonly ServerCall _call;
    private readonly Action<TResponse, SerializationContext> _serializer;
    private Task? _pendingWrite;

    public ResponseStreamWriter(ServerCall call, Action<TResponse, SerializationContext> serializer)
    {
        _call = call;
        _serializer = serializer;
    }

    /// <summary>Options of the following writes; falls back to the call's <see cref="ServerCallContext.WriteOptions"/>.</summary>
    public WriteOptions? WriteOptions
    {
        get => _call.WriteOptions;
        set => _call.WriteOptions = value;
    }

    public Task WriteAsync(TResponse message) => WriteCoreAsync(message);

    public Task WriteAsync(TResponse message, CancellationToken cancellationToken)
    {
        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        if (!cancellationToken.CanBeCanceled || cancellationToken == _call.CancellationToken)
        {
            return WriteCoreAsync(message);
        }

        return WriteCancellableAsync(message, cancellationToken);
    }

    private Task WriteCoreAsync(TResponse message)
    {
        if (_pendingWrite is { IsCompleted: false })
        {
            // Interleaved writes would corrupt the framing: refuse, as grpc-dotnet does.
            return Task.FromException(new InvalidOperationException("Can't write the message because the previous write is in progress."));
        }

        if (_call.CancellationToken.IsCancellationRequested)
        {
            return Task.FromException(new OperationCanceledException("The call was cancelled: the response message was not written.", _call.CancellationToken));
        }

        var write = _call.WriteMessageAsync(message, _serializer, _call.WriteOptions, flush: true);
        _pendingWrite = write.IsCompleted ? null : write;
        return write;
    }

    private async Task WriteCancellableAsync(TResponse message, CancellationToken cancellationToken)
    {
        // The write itself is quick; only waiting on flow control can take long, and the caller may give up on it.
        await WriteCoreAsync(message).WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
