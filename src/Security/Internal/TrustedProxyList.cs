using System.Net;

namespace SentinelSync.Security.Internal;

/// <summary>Parses <see cref="SecurityOptions.TrustedProxies"/>: comma-separated addresses and CIDR networks.</summary>
internal static class TrustedProxyList
{
    /// <summary>The networks; <paramref name="invalid"/> lists the entries that are neither an address nor a network.</summary>
    public static IPNetwork[] Parse(string? value, out IReadOnlyList<string> invalid)
    {
        var networks = new List<IPNetwork>();
        var bad = new List<string>();
        foreach (var entry in (value ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (IPNetwork.TryParse(entry, out var network))
            {
                networks.Add(network);
            }
            else if (IPAddress.TryParse(entry, out var address))
            {
                networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
            else
            {
                bad.Add(entry);
            }
        }

        invalid = bad;
        return [.. networks];
    }
}
