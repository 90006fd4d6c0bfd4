using System.Text.Json;
using Google.Protobuf;

namespace SentinelSync.Agent.Commands;

/// <summary>Protobuf messages as indented JSON (proto3 JSON mapping, lowerCamelCase names).</summary>
internal static class AgentJson
{
    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatDefaultValues(true));

    /// <summary>Writes <paramref name="message"/> as a JSON value into <paramref name="writer"/>.</summary>
    public static void Write(Utf8JsonWriter writer, IMessage message)
    {
        using var document = JsonDocument.Parse(Formatter.Format(message));
        document.WriteTo(writer);
    }

    /// <summary><paramref name="message"/> as indented JSON ending in a newline.</summary>
    public static string Format(IMessage message)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true }))
        {
            Write(writer, message);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }
}
