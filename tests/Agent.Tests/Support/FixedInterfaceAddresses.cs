using SentinelSync.Agent.Collectors.Platform;

namespace SentinelSync.Agent.Tests.Support;

/// <summary>Interface addresses for the fixture host.</summary>
internal sealed class FixedInterfaceAddresses(IReadOnlyDictionary<string, IReadOnlyList<string>> addresses) : IInterfaceAddressSource
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> GetAddresses() => addresses;
}
