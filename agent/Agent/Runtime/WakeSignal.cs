namespace SentinelSync.Agent.Runtime;

/// <summary>
/// An auto-resetting wake-up for one waiting loop: <see cref="Notify"/> completes the task that
/// <see cref="WaitAsync"/> handed out. Take the task before checking for work, then await it, so a
/// notification between the check and the wait is never lost.
/// </summary>
/// <remarks>Thread-safe; notifications while nobody waits collapse into one.</remarks>
internal sealed class WakeSignal
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A task that completes at the next <see cref="Notify"/>.</summary>
    public Task WaitAsync() => Volatile.Read(ref _next).Task;

    public void Notify() =>
        Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
}
