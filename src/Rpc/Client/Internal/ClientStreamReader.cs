using System.IO.Pipelines;
using Grpc.Core;
using Grpc.Core.Internal;

namespace Grpc.Net.Client.Internal;

/// <summary>The response stream of a server- or duplex-streaming call.</summary>
/// <remarks>
/// One read at a time, as in grpc-dotnet: a <see cref="MoveNext"/> before the previous one completed fails with
/// <see cref="InvalidOperationException"/>. After the last message <see cref="MoveNext"/> returns false (the
/// status was OK) or throws the call's <see cref="RpcException"/>, and keeps doing so. Cancelling the token
/// given to <see cref="MoveNext"/> cancels the call.
/// </remarks>
internal sealed class ClientStreamReader<TRequest, TResponse> : IAsyncStreamReader<TResponse>
    where TRequest : class
    where TResponse : class
{
    private readonly GrpcCall<TRequest, TResponse> _call;
    private readonly Task<HttpResponseMessage?> _responseTask;
    private readonly SequenceDeserializationContext _context = new();
    private PipeReader? _pipe;
    private Task<bool>? _moveNextTask;
    private bool _ended;

    public ClientStreamReader(GrpcCall<TRequest, TResponse> call, Task<HttpResponseMessage?> responseTask)
    {
        _call = call;
        _responseTask = responseTask;
    }

    /// <inheritdoc />
    public TResponse Current { get; private set; } = default!;

    /// <inheritdoc />
    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_call.IsDisposed)
        {
            return Task.FromException<bool>(new ObjectDisposedException(GetType().Name, "The call has been disposed."));
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return Task.FromCanceled<bool>(cancellationToken);
        }

        lock (this)
        {
            if (_moveNextTask is { IsCompleted: false })
            {
                return Task.FromException<bool>(new InvalidOperationException("Can't read the next message because the previous read is still in progress."));
            }

            return _moveNextTask = MoveNextCoreAsync(cancellationToken);
        }
    }

    private async Task<bool> MoveNextCoreAsync(CancellationToken cancellationToken)
    {
        if (_ended)
        {
            return _call.GetStatus().StatusCode == StatusCode.OK ? false : throw _call.CreateFailureException();
        }

        var registration = _call.RegisterCancellation(cancellationToken);
        try
        {
            var pipe = _pipe;
            if (pipe is null)
            {
                var response = await _responseTask.ConfigureAwait(false);
                if (response is null)
                {
                    // The headers ended the call (trailers-only), or it failed before any response.
                    _ended = true;
                    return _call.GetStatus().StatusCode == StatusCode.OK ? false : throw _call.CreateFailureException();
                }

                pipe = _pipe = _call.CreateResponseReader(response);
            }

            var (read, message) = await MessageReader.ReadAsync(
                pipe,
                _call.Method.ResponseMarshaller.ContextualDeserializer,
                _context,
                _call.MaxReceiveMessageSize,
                _call.ResponseDecompressor,
                _call.CallToken).ConfigureAwait(false);
            if (read)
            {
                Current = message!;
                return true;
            }

            _ended = true;
            await pipe.CompleteAsync().ConfigureAwait(false);
            var status = _call.CompleteFromTrailers();
            return status.StatusCode == StatusCode.OK ? false : throw _call.CreateFailureException();
        }
        catch (Exception ex) when (ex is not RpcException || !_call.IsCompleted)
        {
            _ended = true;
            throw _call.ResolveException(ex);
        }
        finally
        {
            registration.Dispose();
        }
    }
}
