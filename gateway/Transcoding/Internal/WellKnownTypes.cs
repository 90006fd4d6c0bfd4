using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>The well-known types whose proto3 JSON form is a string, number or boolean.</summary>
internal static class WellKnownTypes
{
    public const string Timestamp = "google.protobuf.Timestamp";
    public const string Duration = "google.protobuf.Duration";
    public const string FieldMask = "google.protobuf.FieldMask";

    private static readonly HashSet<string> ScalarLike = new(StringComparer.Ordinal)
    {
        Timestamp,
        Duration,
        FieldMask,
        "google.protobuf.DoubleValue",
        "google.protobuf.FloatValue",
        "google.protobuf.Int64Value",
        "google.protobuf.UInt64Value",
        "google.protobuf.Int32Value",
        "google.protobuf.UInt32Value",
        "google.protobuf.BoolValue",
        "google.protobuf.StringValue",
        "google.protobuf.BytesValue",
    };

    /// <summary>Whether a message type is written in JSON as one scalar value, so it can come from a path or query.</summary>
    public static bool IsScalarLike(MessageDescriptor message) => ScalarLike.Contains(message.FullName);

    /// <summary>Whether the message is a well-known type at all (package google.protobuf).</summary>
    public static bool IsWellKnown(MessageDescriptor message) => message.File.Package == "google.protobuf";

    /// <summary>The wrapped field of a wrapper type (<c>value</c>), or null for other types.</summary>
    public static FieldDescriptor? WrappedField(MessageDescriptor message) =>
        message.FullName.EndsWith("Value", StringComparison.Ordinal) && IsScalarLike(message) ? message.FindFieldByName("value") : null;
}
