using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>
/// Counts failed logins per username and per client address in a sliding window; past the limit further
/// attempts are refused until the oldest failure leaves the window. Usernames are counted whether or not the
/// user exists, so the throttle reveals nothing.
/// </summary>
/// <remarks>Per process: replicas of the auth role each throttle on their own. Thread-safe.</remarks>
internal sealed class LoginThrottle
{
    private const int MaxTrackedKeys = 100_000;

    private readonly ConcurrentDictionary<string, Queue<DateTimeOffset>> _failures = new(StringComparer.Ordinal);
    private readonly SecurityOptions _options;
    private readonly TimeProvider _time;

    public LoginThrottle(IOptions<SecurityOptions> options, TimeProvider time)
    {
        _options = options.Value;
        _time = time;
    }

    /// <summary>How long the caller must wait before trying again, or null when it may try now.</summary>
    public TimeSpan? RetryAfter(string username, string address)
    {
        var now = _time.GetUtcNow();
        var byUser = Wait(UserKey(username), _options.MaxFailedLoginsPerUser, now);
        var byAddress = Wait(AddressKey(address), _options.MaxFailedLoginsPerAddress, now);
        return (byUser, byAddress) switch
        {
            (null, null) => null,
            ({ } user, null) => user,
            (null, { } addr) => addr,
            ({ } user, { } addr) => user > addr ? user : addr,
        };
    }

    public void RecordFailure(string username, string address)
    {
        var now = _time.GetUtcNow();
        if (_failures.Count > MaxTrackedKeys)
        {
            Prune(now);
        }

        Add(UserKey(username), now);
        Add(AddressKey(address), now);
    }

    public void RecordSuccess(string username) => _failures.TryRemove(UserKey(username), out _);

    private static string UserKey(string username) => "u:" + username;

    private static string AddressKey(string address) => "a:" + address;

    private void Add(string key, DateTimeOffset now)
    {
        var queue = _failures.GetOrAdd(key, _ => new Queue<DateTimeOffset>());
        lock (queue)
        {
            queue.Enqueue(now);
            while (queue.Count > Math.Max(_options.MaxFailedLoginsPerUser, _options.MaxFailedLoginsPerAddress))
            {
                queue.Dequeue();
            }
        }
    }

    private TimeSpan? Wait(string key, int limit, DateTimeOffset now)
    {
        if (!_failures.TryGetValue(key, out var queue))
        {
            return null;
        }

        lock (queue)
        {
            while (queue.Count > 0 && queue.Peek() <= now - _options.FailedLoginWindow)
            {
                queue.Dequeue();
            }

            if (queue.Count < limit)
            {
                return null;
            }

            // The limit-th most recent failure decides when a slot frees up.
            var deciding = queue.ElementAt(queue.Count - limit);
            return deciding + _options.FailedLoginWindow - now;
        }
    }

    private void Prune(DateTimeOffset now)
    {
        foreach (var (key, queue) in _failures)
        {
            bool stale;
            lock (queue)
            {
                stale = queue.Count == 0 || queue.Last() <= now - _options.FailedLoginWindow;
            }

            if (stale)
            {
                _failures.TryRemove(key, out _);
            }
        }
    }
}
