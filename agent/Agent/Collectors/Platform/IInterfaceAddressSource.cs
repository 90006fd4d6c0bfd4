namespace SentinelSync.Agent.Collectors.Platform;

/// <summary>Lists the addresses of network interfaces; the real one asks the kernel, tests hand in fixed ones.</summary>
internal interface IInterfaceAddressSource
{
    /// <summary>Addresses in CIDR notation (<c>192.0.2.7/24</c>, <c>fe80::1/64</c>) keyed by interface name.</summary>
    IReadOnlyDictionary<string, IReadOnlyList<string>> GetAddresses();
}
