using System.Buffers.Text;
using System.Text;
using Grpc.Core;

namespace SentinelSync.Asset.Agents;

/// <summary>The opaque ListAgents cursor: the (hostname, agent id) of the last agent of the previous page.</summary>
internal static class PageToken
{
    private const string Version = "a1";

    public static string Encode(string hostname, string agentId) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{Version}\n{hostname}\n{agentId}"));

    public static (string Hostname, string AgentId)? Decode(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token)).Split('\n');
            if (parts is [Version, var hostname, var agentId])
            {
                return (hostname, agentId);
            }
        }
        catch (FormatException)
        {
        }

        throw new RpcException(new Status(StatusCode.InvalidArgument, "page_token is not a token this service returned; pass next_page_token from the previous page unchanged."));
    }
}
