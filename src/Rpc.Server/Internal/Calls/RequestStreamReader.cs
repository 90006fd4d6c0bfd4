using Grpc.Core;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The request stream of a client-streaming or duplex call.</summary>
internal sealed class RequestStreamReader<TRequest> : IAsyncStreamReader<TRequest>
    where TRequest : class
{
    private static readonly Task<bool> True = Task.FromResult(true);
    private static readonly Task<bool> False = Task.FromResult(false);

    private readonly ServerCall _call;
    private readonly Func<DeserializationContext, TRequest> _deserializer;
    private TRequest? _current;
    private bool _completed;
    private Task<bool>? _pendingRead;

    public RequestStreamReader(ServerCall call, Func<DeserializationContext, TRequest> deserializer)
    {
        _call = call;
        _deserializer = deserializer;
    }

    public TRequest Current => _current ?? throw new InvalidOperationException("No message has been read: call MoveNext first.");

    public Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        if (_pendingRead is { IsCompleted: false })
        {
            return Task.FromException<bool>(new InvalidOperationException("Can't read messages because the previous read is still in progress."));
        }

        if (_completed)
        {
            return False;
        }

        // A reset ends a read by itself; the deadline's token (TransportToken) and the caller's are honoured too. With
        // both, they are linked for the read; with one, the read waits on that one alone. No linked token source for
        // a call without a deadline: a long stream whose handler reads with its own token (the agent gateway's, one
        // read per agent every heartbeat) would otherwise make one per message and keep it for as long as the read
        // waits, seconds, long enough for the collector to promote it and find it dead in its oldest generation.
        var transportToken = _call.TransportToken;
        var readToken = transportToken;
        if (cancellationToken.CanBeCanceled && cancellationToken != _call.CancellationToken)
        {
            if (transportToken.CanBeCanceled)
            {
                return _pendingRead = MoveNextLinkedAsync(transportToken, cancellationToken);
            }

            readToken = cancellationToken;
        }

        var read = _call.ReadMessageAsync(_call.HttpContext.Request.BodyReader, _deserializer, readToken);
        if (read.IsCompletedSuccessfully)
        {
            return Complete(read.Result);
        }

        return _pendingRead = MoveNextAsync(read);
    }

    private async Task<bool> MoveNextAsync(ValueTask<(bool Read, TRequest? Message)> read) => Complete(await read.ConfigureAwait(false)).Result;

    private async Task<bool> MoveNextLinkedAsync(CancellationToken transportToken, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(transportToken, cancellationToken);
        var result = await _call.ReadMessageAsync(_call.HttpContext.Request.BodyReader, _deserializer, linked.Token).ConfigureAwait(false);
        return Complete(result).Result;
    }

    private Task<bool> Complete((bool Read, TRequest? Message) result)
    {
        if (!result.Read)
        {
            _completed = true;
            _current = null;
            return False;
        }

        _current = result.Message;
        return True;
    }
}
