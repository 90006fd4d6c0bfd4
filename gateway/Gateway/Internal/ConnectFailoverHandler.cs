using System.Collections.Concurrent;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// Moves a proxied call to another replica when the one the load balancer picked cannot be connected to
/// (connection refused, unreachable, name not resolved). Such a call never left the gateway, so sending it elsewhere
/// is safe for every method, streams included; any failure after a connection was made is left alone. The replica
/// that failed is taken out of rotation at once (passive health, <see cref="GatewayOptions.FailureReactivationPeriod"/>),
/// so the next calls do not pay the failed connect again.
/// </summary>
/// <remarks>
/// Two uses. In a cluster's <see cref="HttpMessageInvoker"/> (see <see cref="FailoverForwarderHttpClientFactory"/>) it
/// learns the proxied request's cluster and replica from the <see cref="HttpContext"/> that a request transform puts
/// in <see cref="HttpRequestMessage.Options"/>; requests without it (health probes) pass through untouched. Under a
/// role's REST channel (see <see cref="BackendChannels"/>) it is given the role's cluster and picks the replica
/// itself, among the healthy ones. Each replica is tried at most once per call.
/// </remarks>
internal sealed class ConnectFailoverHandler : DelegatingHandler
{
    /// <summary>Where the proxy's request transform leaves the incoming request's context.</summary>
    public static readonly HttpRequestOptionsKey<HttpContext> ContextKey = new("SentinelSync.Gateway.HttpContext");

    private readonly IDestinationHealthUpdater _health;
    private readonly TimeSpan _reactivationPeriod;
    private readonly ILogger _logger;
    private readonly Func<ClusterState?>? _cluster;
    private readonly ConcurrentDictionary<(string Address, Uri Method), Uri> _uris = new();

    /// <param name="inner">The handler that sends.</param>
    /// <param name="health">Where a replica that refused a connection is reported.</param>
    /// <param name="reactivationPeriod">How long such a replica stays out of rotation.</param>
    /// <param name="logger">The gateway's logger.</param>
    /// <param name="cluster">For a role's own channel: its cluster, whose replicas this handler picks from.</param>
    public ConnectFailoverHandler(HttpMessageHandler inner, IDestinationHealthUpdater health, TimeSpan reactivationPeriod, ILogger logger, Func<ClusterState?>? cluster = null)
        : base(inner)
    {
        _health = health;
        _reactivationPeriod = reactivationPeriod;
        _logger = logger;
        _cluster = cluster;
    }

    /// <summary>True when the request cannot have reached a server: no connection was ever made.</summary>
    public static bool NeverSent(HttpRequestException error) =>
        error.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        IReverseProxyFeature? feature = null;
        ClusterState cluster;
        DestinationState destination;
        if (request.Options.TryGetValue(ContextKey, out var context)
            && context.Features.Get<IReverseProxyFeature>() is { ProxiedDestination: { } proxied, Route.Cluster: { } proxiedCluster } proxy)
        {
            (feature, cluster, destination) = (proxy, proxiedCluster, proxied);
        }
        else if (_cluster?.Invoke() is { } own && Pick(own, null) is { } first)
        {
            (cluster, destination) = (own, first);
            request.RequestUri = On(first, request.RequestUri!);
        }
        else
        {
            return await base.SendAsync(request, cancellationToken);
        }

        List<DestinationState>? tried = null;
        while (true)
        {
            try
            {
                return await base.SendAsync(request, cancellationToken);
            }
            catch (HttpRequestException error) when (NeverSent(error) && !cancellationToken.IsCancellationRequested)
            {
                // 1. Out of rotation now, rather than after the failure-rate window fills up.
                _health.SetPassive(cluster, destination, DestinationHealth.Unhealthy, _reactivationPeriod);
                (tried ??= []).Add(destination);

                // 2. Another replica, healthy ones first; none left means the caller sees this failure.
                if (Pick(cluster, tried) is not { } next)
                {
                    throw;
                }

                GatewayLog.ConnectFailedRetrying(_logger, cluster.ClusterId, destination.Model.Config.Address, next.Model.Config.Address, error.Message);
                request.RequestUri = Rebase(request.RequestUri!, destination.Model.Config.Address, next.Model.Config.Address);
                if (feature is not null)
                {
                    feature.ProxiedDestination = next;
                }

                destination = next;
            }
        }
    }

    private static DestinationState? Pick(ClusterState cluster, List<DestinationState>? tried)
    {
        var destinations = cluster.DestinationsState;
        if (tried is null)
        {
            // The first pick of every REST call: no list to build.
            var pool = destinations.AvailableDestinations.Count > 0 ? destinations.AvailableDestinations : destinations.AllDestinations;
            return pool.Count switch
            {
                0 => null,
                1 => pool[0],
                _ => pool[Random.Shared.Next(pool.Count)],
            };
        }

        var healthy = destinations.AvailableDestinations.Where(d => !tried.Contains(d)).ToList();
        var candidates = healthy.Count > 0 ? healthy : destinations.AllDestinations.Where(d => !tried.Contains(d)).ToList();
        return candidates.Count switch
        {
            0 => null,
            1 => candidates[0],
            _ => candidates[Random.Shared.Next(candidates.Count)],
        };
    }

    /// <summary>A role channel's method URI under a replica's address, built once per replica and method.</summary>
    private Uri On(DestinationState destination, Uri uri) =>
        _uris.GetOrAdd((destination.Model.Config.Address, uri), static key => new Uri(key.Address.TrimEnd('/') + key.Method.PathAndQuery));

    /// <summary>The same path and query under another replica's address.</summary>
    private static Uri Rebase(Uri uri, string from, string to)
    {
        var original = uri.OriginalString;
        var prefix = from.TrimEnd('/');
        return original.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)
            ? new Uri(to.TrimEnd('/') + original[prefix.Length..])
            : new Uri(to.TrimEnd('/') + uri.PathAndQuery);
    }
}
