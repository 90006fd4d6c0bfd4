namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// The deadline of one call (from <c>grpc-timeout</c>): a timer on the injected <see cref="TimeProvider"/>,
/// the handler's cancellation token (also cancelled when the client resets the stream), and the lock that
/// keeps the deadline's status from interleaving with the handler's writes.
/// </summary>
internal sealed class CallDeadline : IAsyncDisposable
{
    // System.Threading.Timer takes due times up to 0xFFFFFFFE ms (about 49 days); longer deadlines re-arm.
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(uint.MaxValue - 1);

    private const int Running = 0;
    private const int Exceeded = 1;
    private const int Ended = 2;

    private readonly ServerCall _call;
    private readonly TimeProvider _timeProvider;
    private readonly DateTimeOffset _deadline;
    private readonly CancellationTokenSource _cts = new();
    private readonly TaskCompletionSource _exceededDone = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _handlerFinished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ITimer? _timer;
    private CancellationTokenRegistration _abortRegistration;
    private int _state;

    private CallDeadline(ServerCall call, TimeProvider timeProvider, TimeSpan timeout)
    {
        _call = call;
        _timeProvider = timeProvider;
        var now = timeProvider.GetUtcNow();
        _deadline = timeout >= DateTimeOffset.MaxValue - now ? DateTimeOffset.MaxValue : now + timeout;
        Deadline = _deadline.UtcDateTime;
    }

    /// <summary>The deadline in UTC.</summary>
    public DateTime Deadline { get; }

    /// <summary>Fires when the deadline passes or the request is aborted.</summary>
    public CancellationToken Token => _cts.Token;

    /// <summary>Whether the deadline passed before the call ended.</summary>
    public bool IsExceeded => Volatile.Read(ref _state) == Exceeded;

    /// <summary>Held while a message, the headers or the status is written.</summary>
    public SemaphoreSlim WriteLock { get; } = new(1, 1);

    public static CallDeadline Start(ServerCall call, TimeSpan timeout, TimeProvider timeProvider, CancellationToken requestAborted)
    {
        var deadline = new CallDeadline(call, timeProvider, timeout);
        deadline._abortRegistration = requestAborted.UnsafeRegister(static state => ((CallDeadline)state!).OnRequestAborted(), deadline);

        // Created disarmed, then armed: the callback may run at once (a zero timeout) and needs the field.
        deadline._timer = timeProvider.CreateTimer(static state => ((CallDeadline)state!).OnTimer(), deadline, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        deadline._timer.Change(Clamp(timeout), Timeout.InfiniteTimeSpan);
        return deadline;
    }

    /// <summary>Cancels the handler's token.</summary>
    public void Cancel() => _cts.Cancel();

    /// <summary>Records that the handler returned (normally or not).</summary>
    public void OnHandlerFinished() => _handlerFinished.TrySetResult();

    /// <summary>
    /// Waits until the handler has returned or <paramref name="grace"/> has passed on the call's clock; true when
    /// the handler returned.
    /// </summary>
    public async Task<bool> WaitForHandlerAsync(TimeSpan grace)
    {
        if (_handlerFinished.Task.IsCompleted)
        {
            return true;
        }

        using var stopDelay = new CancellationTokenSource();
        var delay = Task.Delay(grace, _timeProvider, stopDelay.Token);
        var first = await Task.WhenAny(_handlerFinished.Task, delay).ConfigureAwait(false);
        await stopDelay.CancelAsync().ConfigureAwait(false);
        return first == _handlerFinished.Task;
    }

    /// <summary>
    /// Ends the deadline: stops the timer, waits for a deadline that is being handled, and releases the token.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        var state = Interlocked.CompareExchange(ref _state, Ended, Running);
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        if (state == Exceeded)
        {
            await _exceededDone.Task.ConfigureAwait(false);
        }

        // The registration first: an abort must not cancel a disposed source.
        await _abortRegistration.DisposeAsync().ConfigureAwait(false);
        _cts.Dispose();
        WriteLock.Dispose();
    }

    private static TimeSpan Clamp(TimeSpan dueTime) =>
        dueTime <= TimeSpan.Zero ? TimeSpan.Zero : dueTime > MaxTimerDueTime ? MaxTimerDueTime : dueTime;

    private void OnRequestAborted()
    {
        try
        {
            _cts.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended at the same moment.
        }
    }

    private void OnTimer()
    {
        var remaining = _deadline - _timeProvider.GetUtcNow();
        if (remaining > TimeSpan.Zero)
        {
            // A deadline beyond the timer's range, or a timer that fired a little early: re-arm.
            try
            {
                _timer?.Change(Clamp(remaining), Timeout.InfiniteTimeSpan);
            }
            catch (ObjectDisposedException)
            {
            }

            return;
        }

        if (Interlocked.CompareExchange(ref _state, Exceeded, Running) != Running)
        {
            return;
        }

        _ = RunExceededAsync();
    }

    private async Task RunExceededAsync()
    {
        try
        {
            await _call.DeadlineExceededAsync(this).ConfigureAwait(false);
        }
        finally
        {
            _exceededDone.TrySetResult();
        }
    }
}
