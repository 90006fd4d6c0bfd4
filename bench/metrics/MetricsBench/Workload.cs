using Google.Protobuf.WellKnownTypes;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Bench.Metrics;

/// <summary>
/// The samples every method writes: calls of one agent each (as the gateway records one agent's reports per call),
/// made of batches of <see cref="SeriesPerBatch"/> samples (20 metric names x 10 label values) a second apart.
/// </summary>
internal sealed class Workload
{
    public const int SeriesPerBatch = 200;
    public const int Agents = 20;

    public Workload(int samples, int samplesPerCall, DateTimeOffset start)
    {
        var batchesPerCall = samplesPerCall / SeriesPerBatch;
        var calls = samples / samplesPerCall;
        var value = 0L;
        for (var call = 0; call < calls; call++)
        {
            var batches = new List<MetricBatch>(batchesPerCall);
            for (var b = 0; b < batchesPerCall; b++)
            {
                var batch = new MetricBatch { CollectedAt = Timestamp.FromDateTimeOffset(start.AddSeconds((call / Agents * batchesPerCall) + b)) };
                for (var s = 0; s < SeriesPerBatch; s++)
                {
                    var sample = new MetricSample { Name = $"bench.metric_{s / 10}", Value = value++ };
                    sample.Labels["core"] = (s % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
                    batch.Samples.Add(sample);
                }

                batches.Add(batch);
            }

            Calls.Add(new Call(AgentId(call % Agents), batches));
        }

        ValueSum = (double)(value - 1) * value / 2;
    }

    public List<Call> Calls { get; } = [];

    /// <summary>The sum of every value written (0 + 1 + ... + n-1), exact in a double for the sizes used.</summary>
    public double ValueSum { get; }

    public static string AgentId(int index) => $"00000000-0000-0000-0000-{index:D12}";

    public sealed record Call(string AgentId, List<MetricBatch> Batches);
}
