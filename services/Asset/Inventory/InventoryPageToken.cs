using System.Buffers.Binary;
using System.Buffers.Text;
using System.Text;

namespace SentinelSync.Asset.Inventory;

/// <summary>
/// The position after the last change of a page of <c>ListInventoryChanges</c>: (changed_at, change_id) of that
/// change and the agent it belongs to, as opaque base64url. Keyset paging: later changes never shift pages.
/// </summary>
internal readonly record struct InventoryPageToken(string AgentId, long ChangedAtMicros, long ChangeId)
{
    private const byte Version = 1;

    public string Encode()
    {
        var agent = Encoding.UTF8.GetBytes(AgentId);
        var bytes = new byte[1 + 8 + 8 + agent.Length];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(1), ChangedAtMicros);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(9), ChangeId);
        agent.CopyTo(bytes, 17);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>Reads a token; false when it is malformed.</summary>
    public static bool TryDecode(string text, out InventoryPageToken token)
    {
        token = default;
        if (string.IsNullOrEmpty(text) || text.Length > 1024)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = Base64Url.DecodeFromChars(text);
        }
        catch (FormatException)
        {
            return false;
        }

        if (bytes.Length < 17 || bytes[0] != Version)
        {
            return false;
        }

        string agentId;
        try
        {
            agentId = new UTF8Encoding(false, true).GetString(bytes, 17, bytes.Length - 17);
        }
        catch (ArgumentException)
        {
            return false;
        }

        token = new InventoryPageToken(agentId, BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(1)), BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(9)));
        return true;
    }
}
