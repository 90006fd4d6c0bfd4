namespace SentinelSync.Agent.Collectors;

/// <summary>Turns monotonically increasing counters into per-second rates between two rounds.</summary>
/// <remarks>Keeps the previous round; the first round yields nothing. Not thread-safe.</remarks>
internal sealed class CounterRates(TimeProvider timeProvider)
{
    private IReadOnlyDictionary<string, ulong>? _previous;
    private long _previousTimestamp;

    /// <summary>Records this round's counters and returns the rates of the keys the previous round had too, ordered by key.</summary>
    public IReadOnlyList<KeyValuePair<string, double>> Update(IReadOnlyDictionary<string, ulong> counters)
    {
        var now = timeProvider.GetTimestamp();
        var rates = new List<KeyValuePair<string, double>>();
        if (_previous is not null)
        {
            var seconds = timeProvider.GetElapsedTime(_previousTimestamp, now).TotalSeconds;
            foreach (var (key, value) in counters.OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                // A counter that went backwards was reset (device re-attached, driver reloaded): skip one round.
                if (seconds > 0 && _previous.TryGetValue(key, out var before) && value >= before)
                {
                    rates.Add(new(key, (value - before) / seconds));
                }
            }
        }

        _previous = counters;
        _previousTimestamp = now;
        return rates;
    }
}
