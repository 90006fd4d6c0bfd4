using System.Collections.Concurrent;
using System.Diagnostics.Tracing;
using System.Text;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// Samples what the process allocates, by type, from the runtime's GCAllocationTick events (one about
/// every 100 KB allocated, naming the type that crossed the threshold): a profile of allocations
/// without dotnet-trace. Only on when a server is started with <c>--sample-allocations</c>.
/// </summary>
internal sealed class AllocationSampler : EventListener
{
    private const EventKeywords GcKeyword = (EventKeywords)0x1;
    private readonly ConcurrentDictionary<string, long> _bytesByType = new(StringComparer.Ordinal);

    public void Reset() => _bytesByType.Clear();

    /// <summary>The types that account for most sampled bytes, one per line with their share.</summary>
    public string Top(int count)
    {
        var total = Math.Max(1, _bytesByType.Values.Sum());
        var text = new StringBuilder();
        foreach (var (type, bytes) in _bytesByType.OrderByDescending(entry => entry.Value).Take(count))
        {
            text.AppendLine($"{100.0 * bytes / total,5:0.0}%  {bytes / 1024 / 1024,8:N0} MiB  {type}");
        }

        return text.ToString();
    }

    protected override void OnEventSourceCreated(EventSource eventSource)
    {
        if (eventSource.Name == "Microsoft-Windows-DotNETRuntime")
        {
            EnableEvents(eventSource, EventLevel.Verbose, GcKeyword);
        }
    }

    protected override void OnEventWritten(EventWrittenEventArgs eventData)
    {
        if (eventData.EventName is null || !eventData.EventName.StartsWith("GCAllocationTick", StringComparison.Ordinal) || eventData.PayloadNames is null)
        {
            return;
        }

        var typeIndex = eventData.PayloadNames.IndexOf("TypeName");
        var amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount64");
        if (amountIndex < 0)
        {
            amountIndex = eventData.PayloadNames.IndexOf("AllocationAmount");
        }

        if (typeIndex < 0 || amountIndex < 0 || eventData.Payload is null)
        {
            return;
        }

        var type = eventData.Payload[typeIndex] as string ?? "?";
        var amount = Convert.ToInt64(eventData.Payload[amountIndex], System.Globalization.CultureInfo.InvariantCulture);
        _bytesByType.AddOrUpdate(type, amount, (_, sum) => sum + amount);
    }
}
