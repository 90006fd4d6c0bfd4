namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// The services mapped in this application, for reflection and health. Filled while endpoints are mapped
/// (before the host starts); read afterwards.
/// </summary>
internal sealed class ServiceCatalog
{
    private readonly Lock _lock = new();
    private readonly List<MappedService> _services = [];
    private readonly HashSet<object> _unimplementedRoutesAdded = [];

    /// <summary>The mapped services, in mapping order.</summary>
    public IReadOnlyList<MappedService> Services
    {
        get
        {
            lock (_lock)
            {
                return _services.ToArray();
            }
        }
    }

    /// <summary>Records a mapped service; false when a service of that name was already mapped.</summary>
    public bool TryAdd(MappedService service)
    {
        lock (_lock)
        {
            foreach (var existing in _services)
            {
                if (string.Equals(existing.Name, service.Name, StringComparison.Ordinal))
                {
                    return false;
                }
            }

            _services.Add(service);
            return true;
        }
    }

    /// <summary>Whether a service of that name is mapped.</summary>
    public bool Contains(string serviceName)
    {
        lock (_lock)
        {
            foreach (var existing in _services)
            {
                if (string.Equals(existing.Name, serviceName, StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        }
    }

    /// <summary>True the first time it is asked for a route builder: the unknown-service route is added once per builder.</summary>
    public bool TryClaimUnimplementedServiceRoute(object endpointRouteBuilder)
    {
        lock (_lock)
        {
            return _unimplementedRoutesAdded.Add(endpointRouteBuilder);
        }
    }
}
