using System.Net;
using System.Net.NetworkInformation;

namespace SentinelSync.Agent.Collectors.Platform;

/// <summary>Addresses of the running host's interfaces through <see cref="NetworkInterface"/> (netlink on Linux).</summary>
internal sealed class SystemInterfaceAddressSource : IInterfaceAddressSource
{
    public static SystemInterfaceAddressSource Instance { get; } = new();

    public IReadOnlyDictionary<string, IReadOnlyList<string>> GetAddresses()
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var nic in NetworkInterface.GetAllNetworkInterfaces())
        {
            result[nic.Name] = nic.GetIPProperties().UnicastAddresses
                .Select(address => $"{WithoutScope(address.Address)}/{address.PrefixLength}")
                .ToList();
        }

        return result;
    }

    // fe80::1%2 names the interface a second time; the inventory already says which one it is.
    private static IPAddress WithoutScope(IPAddress address) =>
        address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && address.ScopeId != 0
            ? new IPAddress(address.GetAddressBytes())
            : address;
}
