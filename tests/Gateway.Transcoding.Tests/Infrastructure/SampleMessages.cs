using System.Collections;
using System.Globalization;
using Google.Protobuf;
using Google.Protobuf.Reflection;
using Google.Protobuf.WellKnownTypes;

namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>
/// Builds messages with every field populated (the first member of each oneof, two elements per repeated
/// field, one entry per map, nested messages to a bounded depth) from descriptors alone, with values that
/// stress the JSON mapping: 64-bit integers beyond double precision, strings with '/', '%', spaces and
/// non-ASCII, the last enum value, sub-second timestamps and durations.
/// </summary>
public static class SampleMessages
{
    private const int MaxDepth = 3;

    public static IMessage Create(MessageDescriptor descriptor) => Create(descriptor, 0);

    private static IMessage Create(MessageDescriptor descriptor, int depth)
    {
        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        if (WellKnown(descriptor) is { } wellKnown)
        {
            return wellKnown;
        }

        foreach (var field in descriptor.Fields.InDeclarationOrder())
        {
            if (field.RealContainingOneof is { } oneof && oneof.Fields[0] != field)
            {
                continue;
            }

            if (field.IsMap)
            {
                var keyField = field.MessageType.FindFieldByNumber(1);
                var valueField = field.MessageType.FindFieldByNumber(2);
                if (valueField.FieldType == FieldType.Message && depth >= MaxDepth)
                {
                    continue;
                }

                var map = (IDictionary)field.Accessor.GetValue(message);
                map[Value(keyField, depth, 0)] = Value(valueField, depth, 0);
            }
            else if (field.IsRepeated)
            {
                if (field.FieldType == FieldType.Message && depth >= MaxDepth)
                {
                    continue;
                }

                var list = (IList)field.Accessor.GetValue(message);
                list.Add(Value(field, depth, 0));
                list.Add(Value(field, depth, 1));
            }
            else
            {
                if (field.FieldType == FieldType.Message && depth >= MaxDepth)
                {
                    continue;
                }

                field.Accessor.SetValue(message, Value(field, depth, 0));
            }
        }

        return message;
    }

    /// <summary>A sample value of a field's type; <paramref name="variant"/> tells repeated elements apart.</summary>
    public static object Value(FieldDescriptor field, int depth, int variant) => field.FieldType switch
    {
        FieldType.Double => 1.5 + variant,
        FieldType.Float => 2.25f + variant,
        FieldType.Int64 or FieldType.SInt64 or FieldType.SFixed64 => -9_007_199_254_740_993L - variant,
        FieldType.UInt64 or FieldType.Fixed64 => ulong.MaxValue - (ulong)variant,
        FieldType.Int32 or FieldType.SInt32 or FieldType.SFixed32 => -7 - variant,
        FieldType.UInt32 or FieldType.Fixed32 => 4_000_000_000u + (uint)variant,
        FieldType.Bool => true,
        FieldType.String => field.ContainingType.GetOptions()?.MapEntry == true ? "k-" + field.Name + variant : $"{field.Name} v/{variant}% ü",
        FieldType.Bytes => ByteString.CopyFrom(1, 2, 250, (byte)variant),
        FieldType.Enum => System.Enum.ToObject(field.EnumType.ClrType, field.EnumType.Values[field.EnumType.Values.Count - 1 - (variant % field.EnumType.Values.Count)].Number),
        // Wrapper fields read and write as nullable primitives in C#.
        FieldType.Message when field.MessageType.File.Package == "google.protobuf" && field.MessageType.Name.EndsWith("Value", StringComparison.Ordinal) && field.MessageType.FindFieldByName("value") is { } inner
            => Value(inner, depth, variant),
        FieldType.Message => Create(field.MessageType, depth + 1),
        _ => throw new NotSupportedException(field.FieldType.ToString()),
    };

    /// <summary>The text a path or query parameter carries for a scalar value.</summary>
    public static string Text(FieldDescriptor field, object value) => value switch
    {
        string text => text,
        bool flag => flag ? "true" : "false",
        ByteString bytes => bytes.ToBase64(),
        System.Enum => field.EnumType.FindValueByNumber(Convert.ToInt32(value, CultureInfo.InvariantCulture)).Name,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => throw new NotSupportedException(value.GetType().Name),
    };

    private static IMessage? WellKnown(MessageDescriptor descriptor)
    {
        switch (descriptor.FullName)
        {
            case "google.protobuf.Timestamp":
                return new Timestamp { Seconds = 1_767_322_800, Nanos = 123_000_000 };
            case "google.protobuf.Duration":
                return new Duration { Seconds = 3_600, Nanos = 500_000_000 };
            case "google.protobuf.FieldMask":
                return new FieldMask { Paths = { "shelf_id", "reading_time" } };
        }

        if (descriptor.File.Package != "google.protobuf")
        {
            return null;
        }

        var message = descriptor.Parser.ParseFrom(ByteString.Empty);
        if (descriptor.FindFieldByName("value") is { } value && descriptor.FullName.EndsWith("Value", StringComparison.Ordinal) && descriptor.Fields.InDeclarationOrder().Count == 1)
        {
            value.Accessor.SetValue(message, Value(value, MaxDepth, 0));
        }

        return message;
    }
}
