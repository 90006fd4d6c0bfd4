using System.Text.Json;

namespace SentinelSync.Security.Internal;

/// <summary>Reads and writes the principal's fields in the compact JSON shared by tokens and the signed principal.</summary>
internal static class PrincipalJson
{
    public static string KindName(PrincipalKind kind) => kind switch
    {
        PrincipalKind.Person => "person",
        PrincipalKind.ApiKey => "apikey",
        PrincipalKind.Service => "service",
        PrincipalKind.Agent => "agent",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public static bool TryParseKind(string? name, out PrincipalKind kind)
    {
        (var ok, kind) = name switch
        {
            "person" => (true, PrincipalKind.Person),
            "apikey" => (true, PrincipalKind.ApiKey),
            "service" => (true, PrincipalKind.Service),
            "agent" => (true, PrincipalKind.Agent),
            _ => (false, PrincipalKind.Person),
        };
        return ok;
    }

    public static void WriteStrings(Utf8JsonWriter writer, string name, IEnumerable<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values.Order(StringComparer.Ordinal))
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    public static bool TryReadStrings(JsonElement root, string name, out List<string> values)
    {
        values = [];
        if (!root.TryGetProperty(name, out var array) || array.ValueKind != JsonValueKind.Array)
        {
            return false;
        }

        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                return false;
            }

            values.Add(item.GetString()!);
        }

        return true;
    }

    public static string? ReadString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    public static long? ReadInt64(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var number) ? number : null;
}
