using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Once a wave of agent connections is over (at least <see cref="AgentGatewayOptions.HeapCompactionMinWave"/> new
/// streams, then none for <see cref="QuietTicks"/> checks in a row), compacts the managed heap once and gives the
/// freed memory back to the system. Start-up counts as a wave: its garbage (migrations, models, the first requests'
/// code paths) is given back at the first quiet moment too.
/// </summary>
/// <remarks>
/// <para>A fleet connecting or reconnecting at once makes thousands of TLS handshakes and Hellos overlap; their
/// objects live across awaits, get promoted, and die in generation 2. The collector sizes its next full collection by
/// what survived, so that garbage stays committed for a long time: a census of the server at 10,000 agents, 60 s
/// after the fleet connected, found 453 MB of GC heap committed around 302 MB of live objects. One blocking,
/// compacting, aggressive collection (<see cref="GCCollectionMode.Aggressive"/>: it also decommits the space it
/// frees) right after the wave gives that back. It pauses the process once per wave (a few hundred milliseconds at
/// 10,000 agents), which agents heartbeating every few seconds do not notice.</para>
/// <para>Waves are rare (a restart of this process or of a peer replica, a network partition healing), so this runs
/// rarely; a steady trickle of reconnects never becomes quiet long enough to add up to a wave without a pause
/// between.</para>
/// </remarks>
internal sealed class HeapCompaction : BackgroundService
{
    /// <summary>How often the connection counter is looked at.</summary>
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Checks in a row without a new stream that end a wave (10 s).</summary>
    internal const int QuietTicks = 2;

    private readonly AgentSessionRegistry _sessions;
    private readonly AgentGatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<HeapCompaction> _logger;
    private readonly TimeSpan _interval;
    private readonly Action _compact;
    private long _compactedAt;
    private long _lastSeen;
    private int _quiet;
    private bool _startedUp;

    public HeapCompaction(AgentSessionRegistry sessions, IOptions<AgentGatewayOptions> options, TimeProvider timeProvider, ILogger<HeapCompaction> logger)
        : this(sessions, options, timeProvider, logger, CheckInterval, CompactManagedHeap)
    {
    }

    /// <param name="sessions">The sessions, whose counter of added streams tells the waves.</param>
    /// <param name="options">The smallest wave; zero turns the compaction off.</param>
    /// <param name="timeProvider">The timer's clock.</param>
    /// <param name="logger">Where each compaction is logged.</param>
    /// <param name="interval">How often to check (tests shorten it).</param>
    /// <param name="compact">The compaction (tests count it).</param>
    internal HeapCompaction(AgentSessionRegistry sessions, IOptions<AgentGatewayOptions> options, TimeProvider timeProvider, ILogger<HeapCompaction> logger, TimeSpan interval, Action compact)
    {
        _sessions = sessions;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
        _interval = interval;
        _compact = compact;
        _compactedAt = _lastSeen = sessions.Added;
    }

    /// <summary>One check: compacts when a wave of at least the configured size just ended.</summary>
    /// <returns>Whether it compacted.</returns>
    internal bool Check()
    {
        var added = _sessions.Added;
        if (added != _lastSeen)
        {
            _lastSeen = added;
            _quiet = 0;
            return false;
        }

        if (++_quiet < QuietTicks || (_startedUp && added - _compactedAt < _options.HeapCompactionMinWave))
        {
            return false;
        }

        var wave = _startedUp ? added - _compactedAt : -1;
        _startedUp = true;
        var before = GC.GetGCMemoryInfo().TotalCommittedBytes;
        var started = _timeProvider.GetTimestamp();
        _compact();
        _compactedAt = added;
        AgentGatewayLog.HeapCompacted(_logger, wave, before >> 20, GC.GetGCMemoryInfo().TotalCommittedBytes >> 20, _timeProvider.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (_options.HeapCompactionMinWave <= 0)
        {
            return;
        }

        using var timer = new PeriodicTimer(_interval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private static void CompactManagedHeap() => GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
}
