using System.Net;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Fetches the agent endpoint's trust material from Asset at start (retrying with back-off until Asset answers),
/// then again every <see cref="AgentGatewayOptions.TrustRefreshInterval"/> so a renewed server certificate is used.
/// </summary>
internal sealed class AgentTrustLoader : BackgroundService
{
    private readonly AssetService.AssetServiceClient _asset;
    private readonly AgentTrust _trust;
    private readonly AgentGatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AgentTrustLoader> _logger;

    public AgentTrustLoader(AssetService.AssetServiceClient asset, AgentTrust trust, IOptions<AgentGatewayOptions> options, TimeProvider timeProvider, ILogger<AgentTrustLoader> logger)
    {
        _asset = asset;
        _trust = trust;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var request = new GetAgentTrustRequest();
        request.ServerNames.AddRange(ServerNames(_options));
        var attempt = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            TimeSpan delay;
            try
            {
                var response = await _asset.GetAgentTrustAsync(request, deadline: _timeProvider.GetUtcNow().UtcDateTime + _options.AssetCallTimeout, cancellationToken: stoppingToken);
                _trust.Load(response.CaCertificatePem, response.ServerCertificatePem, response.ServerPrivateKeyPem);
                AgentGatewayLog.TrustLoaded(_logger, attempt + 1);
                attempt = 0;
                delay = _options.TrustRefreshInterval;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested && ex is RpcException or System.Security.Cryptography.CryptographicException)
            {
                delay = RetryDelay.For(attempt);
                if (attempt % 10 == 0)
                {
                    AgentGatewayLog.TrustUnavailable(_logger, _options.AssetAddress, attempt + 1, ex.Message);
                }

                attempt++;
            }

            try
            {
                await Task.Delay(delay, _timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    internal static IEnumerable<string> ServerNames(AgentGatewayOptions options) =>
        options.ServerNames.Count > 0
            ? options.ServerNames
            : new[] { "localhost", IPAddress.Loopback.ToString(), IPAddress.IPv6Loopback.ToString(), Dns.GetHostName() }.Distinct(StringComparer.OrdinalIgnoreCase);
}
