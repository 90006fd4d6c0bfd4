using System.Globalization;
using System.Text.Json;
using SentinelSync.Agent.Collectors;

namespace SentinelSync.Agent.Commands;

/// <summary>Prints what <c>collect --once</c> gathered: as one JSON document, or as lines for a person.</summary>
internal static class CollectionOutput
{
    public static void WriteJson(Stream output, InventoryCollection inventory, MetricCollection metrics)
    {
        using var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Indented = true });
        writer.WriteStartObject();
        writer.WritePropertyName("inventory");
        AgentJson.Write(writer, inventory.Inventory);
        writer.WritePropertyName("metrics");
        AgentJson.Write(writer, metrics.Batch);
        writer.WriteStartArray("collectors");
        foreach (var report in inventory.Reports.Concat(metrics.Reports))
        {
            writer.WriteStartObject();
            writer.WriteString("name", report.Name);
            writer.WriteNumber("durationMs", Math.Round(report.Duration.TotalMilliseconds, 3));
            if (report.Error is not null)
            {
                writer.WriteString("error", report.Error.Message);
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        writer.Flush();
        output.WriteByte((byte)'\n');
    }

    public static void WriteText(TextWriter output, InventoryCollection inventory, MetricCollection metrics)
    {
        var host = inventory.Inventory;
        output.WriteLine($"host      {host.Hostname} ({host.Os?.PrettyName}, kernel {host.Os?.KernelRelease}, {host.Os?.Architecture})");
        output.WriteLine($"cpu       {host.Cpu?.Model}: {host.Cpu?.LogicalCores} logical, {host.Cpu?.PhysicalCores} physical cores");
        output.WriteLine($"memory    {host.Memory?.TotalBytes} bytes, swap {host.Memory?.SwapTotalBytes} bytes");
        foreach (var sample in metrics.Batch.Samples)
        {
            var labels = string.Join(",", sample.Labels.Select(label => $"{label.Key}={label.Value}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{sample.Name}{(labels.Length > 0 ? "{" + labels + "}" : string.Empty)} {sample.Value:0.###}"));
        }

        foreach (var report in inventory.Reports.Concat(metrics.Reports).Where(report => !report.Succeeded))
        {
            output.WriteLine($"FAILED    {report.Name} after {report.Duration.TotalMilliseconds:F1} ms: {report.Error!.Message}");
        }
    }
}
