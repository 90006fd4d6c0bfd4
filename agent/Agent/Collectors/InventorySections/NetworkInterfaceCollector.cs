using System.Globalization;
using SentinelSync.Agent.Collectors.Platform;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Collectors.InventorySections;

/// <summary>Network interfaces from <c>/sys/class/net</c> (MAC, MTU, state) with their addresses.</summary>
internal sealed class NetworkInterfaceCollector(HostPaths paths, IInterfaceAddressSource addressSource) : IInventoryCollector
{
    private const int InterfaceUpFlag = 0x1;

    public string Name => "interfaces";

    public void Collect(Inventory inventory, CancellationToken cancellationToken)
    {
        var root = paths.Sys("class/net");
        var addresses = addressSource.GetAddresses();

        // Entries are symlinks to device directories; bonding_masters, when present, is a plain file.
        foreach (var directory in Directory.EnumerateDirectories(root).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(directory);
            var nic = new NetworkInterface
            {
                Name = name,
                MacAddress = ReadOrEmpty(directory, "address"),
                Mtu = int.TryParse(ReadOrEmpty(directory, "mtu"), out var mtu) ? mtu : 0,
                Up = IsUp(directory),
            };
            if (addresses.TryGetValue(name, out var list))
            {
                nic.Addresses.Add(list.Order(StringComparer.Ordinal));
            }

            inventory.Interfaces.Add(nic);
        }
    }

    // operstate is "unknown" for loopback and many virtual devices; then the administrative flag decides.
    private static bool IsUp(string directory) => ReadOrEmpty(directory, "operstate") switch
    {
        "up" => true,
        "unknown" => int.TryParse(ReadOrEmpty(directory, "flags").Replace("0x", string.Empty, StringComparison.Ordinal), NumberStyles.HexNumber, CultureInfo.InvariantCulture, out var flags)
            && (flags & InterfaceUpFlag) != 0,
        _ => false,
    };

    private static string ReadOrEmpty(string directory, string file)
    {
        var path = Path.Combine(directory, file);
        try
        {
            return File.Exists(path) ? File.ReadAllText(path).Trim() : string.Empty;
        }
        catch (IOException)
        {
            // sysfs answers EINVAL for the address of some devices that are down.
            return string.Empty;
        }
    }
}
