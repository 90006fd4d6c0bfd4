using System.Text.Json;
using Google.Protobuf.Collections;
using Grpc.Core;

namespace SentinelSync.Asset.Agents;

/// <summary>Label maps: Kubernetes-style validation and their jsonb form.</summary>
internal static class Labels
{
    private const int MaxLabels = 64;

    /// <summary>Checks labels like Kubernetes does: keys <c>[prefix/]name</c>, values of at most 63 characters.</summary>
    /// <exception cref="RpcException">INVALID_ARGUMENT naming the field and the offending label.</exception>
    public static void Validate(IReadOnlyDictionary<string, string> labels, string field)
    {
        if (labels.Count > MaxLabels)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: at most {MaxLabels} labels; got {labels.Count}."));
        }

        foreach (var (key, value) in labels)
        {
            if (!IsValidKey(key))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: label key '{key}' is invalid: a key is an optional DNS-subdomain prefix and '/', then a name of 1-63 characters of [A-Za-z0-9._-] starting and ending with an alphanumeric."));
            }

            if (!IsValidValue(value))
            {
                throw new RpcException(new Status(StatusCode.InvalidArgument, $"{field}: value '{value}' of label '{key}' is invalid: at most 63 characters of [A-Za-z0-9._-], starting and ending with an alphanumeric (or empty)."));
            }
        }
    }

    public static bool IsValidKey(string key)
    {
        var slash = key.IndexOf('/', StringComparison.Ordinal);
        if (slash < 0)
        {
            return IsValidName(key);
        }

        var prefix = key[..slash];
        return prefix.Length is > 0 and <= 253
            && prefix.Split('.').All(part => part.Length is > 0 and <= 63 && IsAlphanumeric(part[0]) && IsAlphanumeric(part[^1]) && part.All(c => IsAlphanumeric(c) || c == '-'))
            && prefix.All(c => !char.IsAsciiLetterUpper(c))
            && IsValidName(key[(slash + 1)..]);
    }

    public static bool IsValidValue(string value) => value.Length == 0 || IsValidName(value);

    private static bool IsValidName(string name) =>
        name.Length is > 0 and <= 63
        && IsAlphanumeric(name[0])
        && IsAlphanumeric(name[^1])
        && name.All(c => IsAlphanumeric(c) || c is '-' or '_' or '.');

    private static bool IsAlphanumeric(char c) => char.IsAsciiLetterOrDigit(c);

    public static string ToJson(IReadOnlyDictionary<string, string> labels) =>
        JsonSerializer.Serialize(new SortedDictionary<string, string>(labels.ToDictionary(), StringComparer.Ordinal));

    public static Dictionary<string, string> FromJson(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    public static void CopyTo(string json, MapField<string, string> target)
    {
        foreach (var (key, value) in FromJson(json))
        {
            target[key] = value;
        }
    }
}
