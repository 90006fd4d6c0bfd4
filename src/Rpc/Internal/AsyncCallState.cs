namespace Grpc.Core.Internal;

/// <summary>
/// The callbacks behind a call object (<see cref="AsyncUnaryCall{TResponse}"/> and its siblings): either
/// plain delegates, or static delegates with one state object so a transport allocates no closures per call.
/// </summary>
internal readonly struct AsyncCallState
{
    private readonly object _responseHeadersAsync;
    private readonly Delegate _getStatus;
    private readonly Delegate _getTrailers;
    private readonly Delegate _dispose;
    private readonly object? _state;

    public AsyncCallState(Task<Metadata> responseHeadersAsync, Func<Status> getStatusFunc, Func<Metadata> getTrailersFunc, Action disposeAction)
    {
        _responseHeadersAsync = responseHeadersAsync ?? throw new ArgumentNullException(nameof(responseHeadersAsync));
        _getStatus = getStatusFunc ?? throw new ArgumentNullException(nameof(getStatusFunc));
        _getTrailers = getTrailersFunc ?? throw new ArgumentNullException(nameof(getTrailersFunc));
        _dispose = disposeAction ?? throw new ArgumentNullException(nameof(disposeAction));
        _state = null;
    }

    public AsyncCallState(Func<object, Task<Metadata>> responseHeadersAsync, Func<object, Status> getStatusFunc, Func<object, Metadata> getTrailersFunc, Action<object> disposeAction, object state)
    {
        _responseHeadersAsync = responseHeadersAsync ?? throw new ArgumentNullException(nameof(responseHeadersAsync));
        _getStatus = getStatusFunc ?? throw new ArgumentNullException(nameof(getStatusFunc));
        _getTrailers = getTrailersFunc ?? throw new ArgumentNullException(nameof(getTrailersFunc));
        _dispose = disposeAction ?? throw new ArgumentNullException(nameof(disposeAction));
        _state = state ?? throw new ArgumentNullException(nameof(state));
    }

    public Task<Metadata> ResponseHeadersAsync() => _state is null
        ? (Task<Metadata>)_responseHeadersAsync
        : ((Func<object, Task<Metadata>>)_responseHeadersAsync)(_state);

    public Status GetStatus() => _state is null ? ((Func<Status>)_getStatus)() : ((Func<object, Status>)_getStatus)(_state);

    public Metadata GetTrailers() => _state is null ? ((Func<Metadata>)_getTrailers)() : ((Func<object, Metadata>)_getTrailers)(_state);

    public void Dispose()
    {
        if (_state is null)
        {
            ((Action)_dispose)();
        }
        else
        {
            ((Action<object>)_dispose)(_state);
        }
    }
}
