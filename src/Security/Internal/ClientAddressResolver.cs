using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Internal;

/// <summary>
/// The address of the client behind a request: the connection's peer, unless the peer is a trusted proxy
/// (<see cref="SecurityOptions.TrustedProxies"/>), in which case <c>X-Forwarded-For</c> is read from the right,
/// past every trusted proxy, to the first address no trusted proxy vouches for. Entries a client wrote itself sit
/// left of that and are never believed.
/// </summary>
/// <remarks>Thread-safe; the trusted networks are parsed once.</remarks>
internal sealed class ClientAddressResolver
{
    public const string ForwardedForHeader = "X-Forwarded-For";

    private readonly IPNetwork[] _trusted;

    public ClientAddressResolver(IOptions<SecurityOptions> options)
    {
        _trusted = TrustedProxyList.Parse(options.Value.TrustedProxies, out _);
    }

    /// <summary>The client's address as text (<c>unknown</c> when the connection has none).</summary>
    public string Resolve(HttpContext context)
    {
        var peer = context.Connection.RemoteIpAddress;
        if (peer is null)
        {
            return "unknown";
        }

        var current = Normalize(peer);
        if (!IsTrusted(current))
        {
            return current.ToString();
        }

        var forwarded = context.Request.Headers[ForwardedForHeader];
        for (var v = forwarded.Count - 1; v >= 0; v--)
        {
            var entries = (forwarded[v] ?? string.Empty).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            for (var e = entries.Length - 1; e >= 0; e--)
            {
                // An entry that is not an address ends the chain: what the last trusted hop saw is the client.
                if (!TryParse(entries[e], out var hop))
                {
                    return current.ToString();
                }

                current = hop;
                if (!IsTrusted(current))
                {
                    return current.ToString();
                }
            }
        }

        return current.ToString();
    }

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    /// <summary>An address as proxies write it: <c>192.0.2.1</c>, <c>2001:db8::1</c>, <c>[2001:db8::1]:443</c> or <c>192.0.2.1:443</c>.</summary>
    private static bool TryParse(string entry, out IPAddress address)
    {
        if (IPAddress.TryParse(entry, out address!) || (IPEndPoint.TryParse(entry, out var endpoint) && (address = endpoint.Address) is not null))
        {
            address = Normalize(address);
            return true;
        }

        return false;
    }

    private bool IsTrusted(IPAddress address)
    {
        foreach (var network in _trusted)
        {
            if (network.Contains(address))
            {
                return true;
            }
        }

        return false;
    }
}
