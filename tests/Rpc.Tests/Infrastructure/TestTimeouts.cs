namespace SentinelSync.Rpc.Tests.Infrastructure;

/// <summary>Every await in these tests is bounded, so a hang fails fast with a message.</summary>
internal static class TestTimeouts
{
    /// <summary>Long enough for a loaded CI machine, short enough to fail fast.</summary>
    public static readonly TimeSpan Default = TimeSpan.FromSeconds(20);

    public static Task<T> WithTimeout<T>(this Task<T> task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task WithTimeout(this Task task, TimeSpan? timeout = null) => task.WaitAsync(timeout ?? Default);

    public static Task<T> WithTimeout<T>(this ValueTask<T> task, TimeSpan? timeout = null) => task.AsTask().WaitAsync(timeout ?? Default);
}
