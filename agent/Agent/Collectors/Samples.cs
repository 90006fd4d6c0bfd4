using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors;

/// <summary>Builds metric samples.</summary>
internal static class Samples
{
    public static MetricSample Of(string name, double value) => new() { Name = name, Value = value };

    public static MetricSample Of(string name, double value, string labelName, string labelValue)
    {
        var sample = Of(name, value);
        sample.Labels.Add(labelName, labelValue);
        return sample;
    }
}
