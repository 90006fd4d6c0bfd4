using Grpc.AspNetCore.Server.Internal;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace Grpc.AspNetCore.HealthChecks;

/// <summary>
/// The serving status of each service, as <c>grpc.health.v1.Health</c> reports it. The empty name is the
/// server as a whole.
/// </summary>
/// <remarks>
/// Every mapped service, and the server, is <see cref="ServingStatus.Serving"/> once the application has
/// started (a status set before the start is kept), and <see cref="ServingStatus.NotServing"/> from the moment it
/// begins to stop; after that, statuses no longer change. The application's health checks, when it has any, decide
/// the server's status. Thread-safe.
/// </remarks>
public sealed class ServingStatusBoard
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<HealthWatch>> _watches = new(StringComparer.Ordinal);
    private bool _stopping;

    /// <summary>Whether the application has begun to stop.</summary>
    public bool IsStopping
    {
        get
        {
            lock (_lock)
            {
                return _stopping;
            }
        }
    }

    /// <summary>Sets a service's status; watchers see the change. Ignored once the application is stopping.</summary>
    /// <param name="service">The fully-qualified service name, or empty for the server as a whole.</param>
    /// <param name="status">The new status.</param>
    /// <returns>False when the application is stopping and the status was left as it is.</returns>
    public bool SetStatus(string service, ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (status == ServingStatus.ServiceUnknown)
        {
            throw new ArgumentException("SERVICE_UNKNOWN is reported for services without a status: call ClearStatus instead.", nameof(status));
        }

        lock (_lock)
        {
            if (_stopping)
            {
                return false;
            }

            SetLocked(service, status);
            return true;
        }
    }

    /// <summary>Removes a service's status: it becomes unknown (Check answers NOT_FOUND).</summary>
    /// <param name="service">The fully-qualified service name.</param>
    /// <returns>Whether the service had a status.</returns>
    public bool ClearStatus(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            if (_stopping || !_statuses.Remove(service))
            {
                return false;
            }

            Notify(service, ServingStatus.ServiceUnknown);
            return true;
        }
    }

    /// <summary>A service's status, when it has one.</summary>
    /// <param name="service">The fully-qualified service name, or empty for the server as a whole.</param>
    /// <param name="status">The status.</param>
    public bool TryGetStatus(string service, out ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        lock (_lock)
        {
            return _statuses.TryGetValue(service, out status);
        }
    }

    /// <summary>A snapshot of every status.</summary>
    public IReadOnlyDictionary<string, ServingStatus> GetStatuses()
    {
        lock (_lock)
        {
            return new Dictionary<string, ServingStatus>(_statuses, StringComparer.Ordinal);
        }
    }

    /// <summary>Starts watching a service: the watch receives the current status at once, then every change.</summary>
    internal HealthWatch Watch(string service)
    {
        lock (_lock)
        {
            var watch = new HealthWatch(this, service);
            watch.Post(_statuses.TryGetValue(service, out var status) ? status : ServingStatus.ServiceUnknown);
            if (_stopping)
            {
                watch.Complete();
                return watch;
            }

            if (!_watches.TryGetValue(service, out var watches))
            {
                _watches[service] = watches = [];
            }

            watches.Add(watch);
            return watch;
        }
    }

    /// <summary>Marks every known service and the server NOT_SERVING, and ends the watches.</summary>
    internal void BeginStopping()
    {
        lock (_lock)
        {
            if (_stopping)
            {
                return;
            }

            foreach (var service in _statuses.Keys.ToArray())
            {
                SetLocked(service, ServingStatus.NotServing);
            }

            SetLocked(string.Empty, ServingStatus.NotServing);
            _stopping = true;
            foreach (var watches in _watches.Values)
            {
                foreach (var watch in watches)
                {
                    watch.Complete();
                }
            }

            _watches.Clear();
        }
    }

    internal void Unwatch(HealthWatch watch)
    {
        lock (_lock)
        {
            if (_watches.TryGetValue(watch.Service, out var watches))
            {
                watches.Remove(watch);
                if (watches.Count == 0)
                {
                    _watches.Remove(watch.Service);
                }
            }
        }
    }

    private void SetLocked(string service, ServingStatus status)
    {
        if (_statuses.TryGetValue(service, out var current) && current == status)
        {
            return;
        }

        _statuses[service] = status;
        Notify(service, status);
    }

    private void Notify(string service, ServingStatus status)
    {
        if (_watches.TryGetValue(service, out var watches))
        {
            foreach (var watch in watches)
            {
                watch.Post(status);
            }
        }
    }
}
