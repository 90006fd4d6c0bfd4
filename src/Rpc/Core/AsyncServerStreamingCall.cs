using Grpc.Core.Internal;

namespace Grpc.Core;

/// <summary>A server-streaming call in progress.</summary>
/// <remarks>Dispose cancels the call if it has not completed and releases its resources.</remarks>
public sealed class AsyncServerStreamingCall<TResponse> : IDisposable
{
    private readonly AsyncCallState _callState;

    /// <summary>Creates a call object from its parts.</summary>
    public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction)
    {
        ResponseStream = responseStream;
        _callState = new AsyncCallState(responseHeadersAsync, getStatusFunc, getTrailersFunc, disposeAction);
    }

    /// <summary>Creates a call object whose callbacks take one state object (no closure per call).</summary>
    public AsyncServerStreamingCall(IAsyncStreamReader<TResponse> responseStream, Func<object, Task<Metadata>> responseHeadersAsync, Func<object, Status> getStatusFunc, Func<object, Metadata> getTrailersFunc, Action<object> disposeAction, object state)
    {
        ResponseStream = responseStream;
        _callState = new AsyncCallState(responseHeadersAsync, getStatusFunc, getTrailersFunc, disposeAction, state);
    }

    /// <summary>The responses.</summary>
    public IAsyncStreamReader<TResponse> ResponseStream { get; }

    /// <summary>The response headers.</summary>
    public Task<Metadata> ResponseHeadersAsync => _callState.ResponseHeadersAsync();

    /// <summary>The status; only after the call completed.</summary>
    public Status GetStatus() => _callState.GetStatus();

    /// <summary>The trailers; only after the call completed.</summary>
    public Metadata GetTrailers() => _callState.GetTrailers();

    /// <inheritdoc />
    public void Dispose() => _callState.Dispose();
}
