using Grpc.Health.V1;
using Microsoft.Extensions.Logging;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// Reads the answers of <see cref="GrpcHealthProbeFactory"/>'s probes: a replica is healthy when it answered
/// <c>grpc-status: 0</c> with <c>SERVING</c>; anything else (no answer, an error, NOT_SERVING while it drains) takes
/// it out of rotation until a later probe says SERVING again. A replica never seen healthy stays "unknown" (in
/// rotation) through its first failed probe, so a gateway that starts a moment before its backends does not refuse
/// every call for a whole probe interval.
/// </summary>
internal sealed class GrpcHealthCheckPolicy : IActiveHealthCheckPolicy
{
    private readonly System.Runtime.CompilerServices.ConditionalWeakTable<DestinationState, object> _unknownFailures = new();
    private readonly IDestinationHealthUpdater _updater;
    private readonly ILogger<GrpcHealthCheckPolicy> _logger;

    public GrpcHealthCheckPolicy(IDestinationHealthUpdater updater, ILogger<GrpcHealthCheckPolicy> logger)
    {
        _updater = updater;
        _logger = logger;
    }

    public string Name => GatewayRouteTable.HealthPolicy;

    public void ProbingCompleted(ClusterState cluster, IReadOnlyList<DestinationProbingResult> probingResults)
    {
        var updates = new List<NewActiveDestinationHealth>(probingResults.Count);
        foreach (var result in probingResults)
        {
            var healthy = IsServing(result, out var reason);
            var previous = result.Destination.Health.Active;
            if (!healthy && previous == DestinationHealth.Unknown && _unknownFailures.TryAdd(result.Destination, 0))
            {
                updates.Add(new NewActiveDestinationHealth(result.Destination, DestinationHealth.Unknown));
                continue;
            }

            if (!healthy && previous != DestinationHealth.Unhealthy)
            {
                GatewayLog.ReplicaUnhealthy(_logger, cluster.ClusterId, result.Destination.Model.Config.Address, reason);
            }
            else if (healthy && previous == DestinationHealth.Unhealthy)
            {
                GatewayLog.ReplicaHealthy(_logger, cluster.ClusterId, result.Destination.Model.Config.Address);
            }

            updates.Add(new NewActiveDestinationHealth(result.Destination, healthy ? DestinationHealth.Healthy : DestinationHealth.Unhealthy));
        }

        _updater.SetActive(cluster, updates);
    }

    private static bool IsServing(DestinationProbingResult result, out string reason)
    {
        if (result.Response is not { } response)
        {
            reason = result.Exception?.Message ?? "no response";
            return false;
        }

        // The body first: YARP hands over the response once its headers arrived, and the trailers follow the body.
        // The answer is one tiny message on a connection that already answered, within the probe's timeout.
        var body = response.Content.ReadAsByteArrayAsync().GetAwaiter().GetResult();

        // A trailers-only answer carries grpc-status in the headers; otherwise it comes in the trailers.
        var status = response.Headers.TryGetValues("grpc-status", out var headerStatus) ? headerStatus.FirstOrDefault()
            : response.TrailingHeaders.TryGetValues("grpc-status", out var trailerStatus) ? trailerStatus.FirstOrDefault() : null;
        if ((int)response.StatusCode != 200 || status != "0")
        {
            reason = $"HTTP {(int)response.StatusCode}, grpc-status {status ?? "(none)"}";
            return false;
        }

        if (body.Length < 5 || body[0] != 0)
        {
            reason = "malformed health response";
            return false;
        }

        var length = (body[1] << 24) | (body[2] << 16) | (body[3] << 8) | body[4];
        if (length < 0 || length > body.Length - 5)
        {
            reason = "malformed health response";
            return false;
        }

        var answer = HealthCheckResponse.Parser.ParseFrom(body, 5, length);
        reason = answer.Status.ToString();
        return answer.Status == HealthCheckResponse.Types.ServingStatus.Serving;
    }
}
