using System.Text;
using System.Text.Json;
using Google.Protobuf.Collections;

namespace SentinelSync.Asset.Metrics;

/// <summary>Label sets as the JSON objects stored in <c>metric_series.labels</c> (jsonb).</summary>
internal static class MetricLabels
{
    /// <summary>The empty label set.</summary>
    public const string Empty = "{}";

    /// <summary>A JSON object with the keys in ordinal order, so equal label sets give equal text.</summary>
    public static string ToJson(IEnumerable<KeyValuePair<string, string>> labels)
    {
        var sorted = labels.OrderBy(pair => pair.Key, StringComparer.Ordinal).ToList();
        if (sorted.Count == 0)
        {
            return Empty;
        }

        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (key, value) in sorted)
            {
                writer.WriteString(key, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Fills <paramref name="target"/> from a JSON object of strings read back from the database.</summary>
    public static void Read(string json, MapField<string, string> target)
    {
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            target[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
        }
    }
}
