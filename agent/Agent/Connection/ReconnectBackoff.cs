namespace SentinelSync.Agent.Connection;

/// <summary>
/// Exponential backoff with full jitter: the n-th retry waits a uniformly random time in
/// [0, min(cap, base · 2ⁿ)), so a fleet that lost its gateway at one instant does not return at one instant.
/// </summary>
/// <remarks>Not thread-safe: one connection loop owns it. <see cref="Reset"/> after a connection succeeded.</remarks>
internal sealed class ReconnectBackoff
{
    private readonly TimeSpan _baseDelay;
    private readonly TimeSpan _maxDelay;
    private readonly Func<double> _random;

    /// <param name="baseDelay">The ceiling of the first retry's wait.</param>
    /// <param name="maxDelay">The cap of every ceiling.</param>
    /// <param name="random">Uniform values in [0, 1); <see cref="Random.Shared"/> when null.</param>
    public ReconnectBackoff(TimeSpan baseDelay, TimeSpan maxDelay, Func<double>? random = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(baseDelay, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxDelay, baseDelay);
        _baseDelay = baseDelay;
        _maxDelay = maxDelay;
        _random = random ?? Random.Shared.NextDouble;
    }

    /// <summary>Retries since the last <see cref="Reset"/>.</summary>
    public int Attempt { get; private set; }

    /// <summary>The wait before the next retry; advances the attempt.</summary>
    public TimeSpan NextDelay() => NextDelay(TimeSpan.Zero);

    /// <summary>
    /// The wait before the next retry, drawn from at least <paramref name="spread"/> (what is left of a window the
    /// platform asked its agents to spread their return over; see GoAway) even when the backoff's own ceiling is
    /// lower; advances the attempt.
    /// </summary>
    public TimeSpan NextDelay(TimeSpan spread)
    {
        var ceiling = Ceiling(_baseDelay, _maxDelay, Attempt++);
        return Jitter(spread > ceiling ? spread : ceiling, _random());
    }

    public void Reset() => Attempt = 0;

    /// <summary>min(cap, base · 2^attempt), without overflowing for any attempt.</summary>
    public static TimeSpan Ceiling(TimeSpan baseDelay, TimeSpan maxDelay, int attempt)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(attempt);
        var ticks = baseDelay.Ticks * Math.Pow(2, Math.Min(attempt, 62));
        return ticks >= maxDelay.Ticks ? maxDelay : TimeSpan.FromTicks((long)ticks);
    }

    /// <summary>Full jitter: <paramref name="unit"/> in [0, 1) scales the ceiling.</summary>
    public static TimeSpan Jitter(TimeSpan ceiling, double unit)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(unit);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(unit, 1.0);
        return TimeSpan.FromTicks((long)(ceiling.Ticks * unit));
    }
}
