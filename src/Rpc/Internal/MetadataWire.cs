using System.Buffers.Text;

namespace Grpc.Core.Internal;

/// <summary>Converts between <see cref="Metadata"/> and HTTP/2 header fields.</summary>
internal static class MetadataWire
{
    /// <summary>
    /// Headers the protocol itself uses; they never appear in, and cannot be sent as, custom metadata.
    /// </summary>
    public static bool IsReserved(string key) =>
        key.Length == 0
        || key[0] == ':'
        || key is "content-type" or "te" or "host" or "user-agent" or "connection" or "keep-alive" or "transfer-encoding" or "upgrade" or "proxy-connection"
        || key is GrpcProtocol.TimeoutHeader or GrpcProtocol.EncodingHeader or GrpcProtocol.AcceptEncodingHeader or GrpcProtocol.StatusHeader or GrpcProtocol.MessageHeader;

    /// <summary>The header value for an entry: unpadded base64 for binary entries.</summary>
    public static string EncodeValue(Metadata.Entry entry)
    {
        if (!entry.IsBinary)
        {
            return entry.Value;
        }

        var bytes = entry.RawValueBytes!;
        var encoded = Convert.ToBase64String(bytes);
        return encoded.TrimEnd('=');
    }

    /// <summary>
    /// Adds a received header to metadata. Binary values are accepted padded or unpadded; a header whose
    /// key or value is not valid metadata is skipped (it may be a transport header of a proxy).
    /// </summary>
    public static void AddReceived(Metadata metadata, string key, string value)
    {
        if (IsReserved(key) || !Metadata.Entry.IsValidKey(key))
        {
            return;
        }

        if (key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
        {
            // A binary header may carry several comma-separated values when a proxy folded repeats.
            foreach (var part in value.Split(',', StringSplitOptions.TrimEntries))
            {
                if (TryDecodeBase64(part, out var bytes))
                {
                    metadata.Add(Metadata.Entry.FromWire(key, null, bytes));
                }
            }

            return;
        }

        metadata.Add(Metadata.Entry.FromWire(key, value, null));
    }

    /// <summary>Decodes standard base64, padded or not.</summary>
    public static bool TryDecodeBase64(string value, out byte[] bytes)
    {
        var padding = (4 - (value.Length % 4)) % 4;
        if (padding == 3)
        {
            bytes = [];
            return false;
        }

        var padded = padding == 0 ? value : value + new string('=', padding);
        var buffer = new byte[Base64.GetMaxDecodedFromUtf8Length(padded.Length)];
        if (Convert.TryFromBase64String(padded, buffer, out var written))
        {
            bytes = written == buffer.Length ? buffer : buffer.AsSpan(0, written).ToArray();
            return true;
        }

        bytes = [];
        return false;
    }
}
