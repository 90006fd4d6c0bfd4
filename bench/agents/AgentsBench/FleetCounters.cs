using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;

namespace SentinelSync.Bench.Agents;

/// <summary>What the agents of one process saw: streams up now, Welcomes, and every stream end by reason.</summary>
/// <remarks>Thread-safe. Reasons are kept with digits masked, so one kind of failure is one line however many agents hit it.</remarks>
internal sealed class FleetCounters
{
    private const int MaxReasonLength = 160;

    private readonly ConcurrentDictionary<string, long> _ends = new(StringComparer.Ordinal);
    private long _connected;
    private long _welcomes;

    public long ConnectedNow => Interlocked.Read(ref _connected);

    public long Welcomes => Interlocked.Read(ref _welcomes);

    public void OnWelcome()
    {
        Interlocked.Increment(ref _connected);
        Interlocked.Increment(ref _welcomes);
    }

    public void OnStreamEnd(string reason, bool wasConnected)
    {
        if (wasConnected)
        {
            Interlocked.Decrement(ref _connected);
        }

        _ends.AddOrUpdate(Mask(reason), 1, (_, count) => count + 1);
    }

    /// <summary>Writes the counters as one JSON object, atomically (temp file and rename), for run.sh to sum.</summary>
    public void WriteTo(string path, int agents)
    {
        var status = new Dictionary<string, object>
        {
            ["agents"] = agents,
            ["connected"] = ConnectedNow,
            ["welcomes"] = Welcomes,
            ["ends"] = _ends.ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal),
        };
        var temporary = path + ".tmp";
        File.WriteAllText(temporary, JsonSerializer.Serialize(status));
        File.Move(temporary, path, overwrite: true);
    }

    private static string Mask(string reason)
    {
        var text = new StringBuilder(Math.Min(reason.Length, MaxReasonLength));
        foreach (var c in reason.AsSpan(0, Math.Min(reason.Length, MaxReasonLength)))
        {
            text.Append(char.IsAsciiDigit(c) ? '#' : c == '\n' ? ' ' : c);
        }

        return text.ToString();
    }
}
