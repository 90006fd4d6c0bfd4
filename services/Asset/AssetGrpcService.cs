using Grpc.Core;
using SentinelSync.Asset.Agents;
using SentinelSync.Asset.Certificates;
using SentinelSync.Asset.Configs;
using SentinelSync.Asset.Enrollment;
using SentinelSync.Asset.Inventory;
using SentinelSync.Asset.Metrics;
using SentinelSync.Asset.Reports;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset;

/// <summary>
/// <c>sentinel.asset.v1.AssetService</c>. Thin: every RPC delegates to the class that owns its area.
/// </summary>
internal sealed class AssetGrpcService : AssetService.AssetServiceBase
{
    private readonly EnrollmentTokens _tokens;
    private readonly AgentEnrollment _enrollment;
    private readonly AgentRegistry _registry;
    private readonly AgentWatch _watch;
    private readonly AgentReports _reports;
    private readonly InventoryStore _inventory;
    private readonly MetricStore _metrics;
    private readonly ConfigStore _configs;
    private readonly ConfigWatch _configWatch;
    private readonly PlatformCertificateAuthority _authority;

    public AssetGrpcService(
        EnrollmentTokens tokens,
        AgentEnrollment enrollment,
        AgentRegistry registry,
        AgentWatch watch,
        AgentReports reports,
        InventoryStore inventory,
        MetricStore metrics,
        ConfigStore configs,
        ConfigWatch configWatch,
        PlatformCertificateAuthority authority)
    {
        _tokens = tokens;
        _enrollment = enrollment;
        _registry = registry;
        _watch = watch;
        _reports = reports;
        _inventory = inventory;
        _metrics = metrics;
        _configs = configs;
        _configWatch = configWatch;
        _authority = authority;
    }

    public override Task<CreateEnrollmentTokenResponse> CreateEnrollmentToken(CreateEnrollmentTokenRequest request, ServerCallContext context) =>
        _tokens.CreateAsync(request, CallerIdentity.PrincipalName(context), context.CancellationToken);

    public override Task<ListEnrollmentTokensResponse> ListEnrollmentTokens(ListEnrollmentTokensRequest request, ServerCallContext context) =>
        _tokens.ListAsync(request, context.CancellationToken);

    public override Task<RevokeEnrollmentTokenResponse> RevokeEnrollmentToken(RevokeEnrollmentTokenRequest request, ServerCallContext context) =>
        _tokens.RevokeAsync(request, CallerIdentity.PrincipalName(context), context.CancellationToken);

    public override Task<EnrollResponse> Enroll(EnrollRequest request, ServerCallContext context) =>
        _enrollment.EnrollAsync(request, context.Peer, context.CancellationToken);

    public override Task<ListAgentsResponse> ListAgents(ListAgentsRequest request, ServerCallContext context) =>
        _registry.ListAsync(request, context.CancellationToken);

    public override Task<GetAgentResponse> GetAgent(GetAgentRequest request, ServerCallContext context) =>
        _registry.GetAsync(request, context.CancellationToken);

    public override Task<UpdateAgentLabelsResponse> UpdateAgentLabels(UpdateAgentLabelsRequest request, ServerCallContext context) =>
        _registry.UpdateLabelsAsync(request, CallerIdentity.PrincipalName(context), context.CancellationToken);

    public override Task<DecommissionAgentResponse> DecommissionAgent(DecommissionAgentRequest request, ServerCallContext context) =>
        _registry.DecommissionAsync(request, CallerIdentity.PrincipalName(context), context.CancellationToken);

    public override Task WatchAgents(WatchAgentsRequest request, IServerStreamWriter<WatchAgentsResponse> responseStream, ServerCallContext context) =>
        _watch.WatchAsync(request, responseStream, context.CancellationToken);

    public override Task<GetInventoryResponse> GetInventory(GetInventoryRequest request, ServerCallContext context) =>
        _inventory.GetAsync(request.AgentId, context.CancellationToken);

    public override Task<ListInventoryChangesResponse> ListInventoryChanges(ListInventoryChangesRequest request, ServerCallContext context) =>
        _inventory.ListChangesAsync(request, context.CancellationToken);

    public override Task<QueryMetricsResponse> QueryMetrics(QueryMetricsRequest request, ServerCallContext context) =>
        _metrics.QueryAsync(request, context.CancellationToken);

    public override Task<RecordAgentReportsResponse> RecordAgentReports(RecordAgentReportsRequest request, ServerCallContext context) =>
        _reports.RecordAsync(request, context.CancellationToken);

    public override Task<PutConfigResponse> PutConfig(PutConfigRequest request, ServerCallContext context) =>
        _configs.PutAsync(request, CallerIdentity.PrincipalName(context), context.CancellationToken);

    public override Task<ListConfigVersionsResponse> ListConfigVersions(ListConfigVersionsRequest request, ServerCallContext context) =>
        _configs.ListVersionsAsync(request, context.CancellationToken);

    public override Task<DiffConfigVersionsResponse> DiffConfigVersions(DiffConfigVersionsRequest request, ServerCallContext context) =>
        _configs.DiffAsync(request, context.CancellationToken);

    public override Task<GetEffectiveConfigResponse> GetEffectiveConfig(GetEffectiveConfigRequest request, ServerCallContext context) =>
        _configs.GetEffectiveAsync(request, context.CancellationToken);

    public override Task WatchConfigChanges(WatchConfigChangesRequest request, IServerStreamWriter<WatchConfigChangesResponse> responseStream, ServerCallContext context) =>
        _configWatch.WatchAsync(responseStream, context.CancellationToken);

    public override Task<GetAgentTrustResponse> GetAgentTrust(GetAgentTrustRequest request, ServerCallContext context)
    {
        var server = _authority.GetServerCertificate(request.ServerNames);
        return Task.FromResult(new GetAgentTrustResponse
        {
            CaCertificatePem = _authority.CertificatePem,
            ServerCertificatePem = server.CertificatePem,
            ServerPrivateKeyPem = server.PrivateKeyPem,
        });
    }
}
