using System.IO.Pipelines;
using Grpc.Core;
using Grpc.Core.Internal;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// The request stream of a client- or duplex-streaming call: frames each message into a
/// <see cref="PipeWriter"/> over the HTTP/2 request body and flushes it, unless
/// <see cref="WriteFlags.BufferHint"/> asks to batch.
/// </summary>
/// <remarks>One write at a time, as in grpc-dotnet: a second concurrent write, or a write after
/// <see cref="CompleteAsync"/>, fails with <see cref="InvalidOperationException"/>.</remarks>
internal sealed class ClientStreamWriter<TRequest, TResponse> : IClientStreamWriter<TRequest>
    where TRequest : class
    where TResponse : class
{
    // Buffered (BufferHint) messages are flushed anyway past this size, so a long batch cannot grow without bound.
    private const int MaxUnflushedBytes = 64 * 1024;

    private static readonly StreamPipeWriterOptions PipeOptions = new(minimumBufferSize: 4096, leaveOpen: true);

    private readonly GrpcCall<TRequest, TResponse> _call;
    private readonly MessageWriter _messageWriter;
    private readonly TaskCompletionSource<Stream> _requestStream = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _requestCompletion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PipeWriter? _pipe;
    private Task? _writeTask;
    private bool _completeCalled;

    public ClientStreamWriter(GrpcCall<TRequest, TResponse> call, int? maxSendMessageSize)
    {
        _call = call;
        _messageWriter = new MessageWriter(maxSendMessageSize);
    }

    /// <inheritdoc />
    public WriteOptions? WriteOptions { get; set; }

    /// <summary>Completes when the request body should end: normally after <see cref="CompleteAsync"/>, cancelled when the call ends first.</summary>
    internal Task RequestCompletion => _requestCompletion.Task;

    /// <summary>Whether the request body is still open (the client has not half-closed).</summary>
    internal bool IsOpen => !_requestCompletion.Task.IsCompleted;

    /// <inheritdoc />
    public Task WriteAsync(TRequest message) => WriteAsync(message, CancellationToken.None);

    /// <inheritdoc />
    public Task WriteAsync(TRequest message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_call.IsDisposed)
        {
            return Task.FromException(new ObjectDisposedException(GetType().Name, "The call has been disposed."));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled(cancellationToken);
        }

        lock (this)
        {
            if (_completeCalled)
            {
                return Task.FromException(new InvalidOperationException("Request stream has already been completed."));
            }

            if (_call.IsCompleted)
            {
                return Task.FromException(_call.GetStatus().StatusCode == StatusCode.OK
                    ? new InvalidOperationException("Can't write the message because the call is complete.")
                    : _call.CreateFailureException());
            }

            if (_writeTask is { IsCompleted: false })
            {
                return Task.FromException(new InvalidOperationException("Can't write the message because the previous write is in progress."));
            }

            return _writeTask = WriteCoreAsync(message, cancellationToken);
        }
    }

    /// <inheritdoc />
    public Task CompleteAsync()
    {
        if (_call.IsDisposed)
        {
            return Task.FromException(new ObjectDisposedException(GetType().Name, "The call has been disposed."));
        }

        lock (this)
        {
            if (_writeTask is { IsCompleted: false })
            {
                return Task.FromException(new InvalidOperationException("Can't complete the client stream writer because the previous write is in progress."));
            }

            if (_completeCalled)
            {
                return Task.CompletedTask;
            }

            _completeCalled = true;
            if (_call.IsCompleted)
            {
                // Nothing left to half-close; the call's outcome is reported by its response.
                return Task.CompletedTask;
            }

            return _writeTask = CompleteCoreAsync();
        }
    }

    /// <summary>Called by the request content when the handler hands over the request body.</summary>
    internal void OnRequestStreamAvailable(Stream stream) => _requestStream.TrySetResult(stream);

    /// <summary>Called once when the call ends: a request body still open is abandoned (the stream is reset).</summary>
    internal void OnCallCompleted()
    {
        _requestStream.TrySetCanceled();
        _requestCompletion.TrySetCanceled();
    }

    private async Task WriteCoreAsync(TRequest message, CancellationToken cancellationToken)
    {
        var registration = _call.RegisterCancellation(cancellationToken);
        try
        {
            var pipe = _pipe ?? await GetPipeAsync().ConfigureAwait(false);
            var flags = (WriteOptions ?? _call.Options.WriteOptions)?.Flags ?? default;
            var compressor = (flags & WriteFlags.NoCompress) != 0 ? null : _call.RequestCompressor;
            _messageWriter.Write(pipe, message, _call.Method.RequestMarshaller.ContextualSerializer, compressor, null);
            if ((flags & WriteFlags.BufferHint) == 0 || pipe.UnflushedBytes > MaxUnflushedBytes)
            {
                await FlushAsync(pipe).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            throw _call.ResolveWriteException(ex);
        }
        finally
        {
            registration.Dispose();
        }
    }

    private async Task CompleteCoreAsync()
    {
        try
        {
            if (_pipe is { } pipe)
            {
                if (pipe.UnflushedBytes > 0)
                {
                    await FlushAsync(pipe).ConfigureAwait(false);
                }

                try
                {
                    await pipe.CompleteAsync().ConfigureAwait(false);
                }
                catch (ObjectDisposedException ex)
                {
                    throw RequestBodyClosed(ex);
                }
            }

            _requestCompletion.TrySetResult();
        }
        catch (Exception ex)
        {
            throw _call.ResolveWriteException(ex);
        }
    }

    private async ValueTask FlushAsync(PipeWriter pipe)
    {
        FlushResult result;
        try
        {
            result = await pipe.FlushAsync(_call.CallToken).ConfigureAwait(false);
        }
        catch (ObjectDisposedException ex)
        {
            throw RequestBodyClosed(ex);
        }

        if (result.IsCanceled)
        {
            throw new OperationCanceledException(_call.CallToken);
        }
    }

    /// <summary>
    /// The handler disposes the request body as soon as the HTTP/2 stream is over, so a write that comes
    /// after the connection was lost (or the stream reset) meets a disposed stream, where a write in flight
    /// at that moment gets an <see cref="IOException"/>. Both are the same transport failure, UNAVAILABLE
    /// (as grpc-dotnet maps an IOException); a status the server sent comes from the response.
    /// </summary>
    private static IOException RequestBodyClosed(ObjectDisposedException exception) =>
        new("The request stream is closed: the HTTP/2 stream ended (the connection was lost or the stream was reset).", exception);

    private async ValueTask<PipeWriter> GetPipeAsync()
    {
        // Cancelled by the call when it ends before the handler opened the body.
        var stream = await _requestStream.Task.ConfigureAwait(false);
        return _pipe = PipeWriter.Create(stream, PipeOptions);
    }
}
