using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using SentinelSync.Asset.Agents;
using SentinelSync.Asset.Certificates;
using SentinelSync.Asset.Data;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Enrollment;

/// <summary>
/// Exchanges an enrollment token and a CSR for a client certificate signed by the platform CA, creating the
/// agent. The token row is locked for the whole exchange, so concurrent enrollments never exceed max_uses.
/// </summary>
internal sealed partial class AgentEnrollment
{
    private readonly IDbContextFactory<AssetDbContext> _contexts;
    private readonly PlatformCertificateAuthority _authority;
    private readonly TimeProvider _time;
    private readonly ILogger<AgentEnrollment> _logger;

    public AgentEnrollment(IDbContextFactory<AssetDbContext> contexts, PlatformCertificateAuthority authority, TimeProvider time, ILogger<AgentEnrollment> logger)
    {
        _contexts = contexts;
        _authority = authority;
        _time = time;
        _logger = logger;
    }

    public async Task<EnrollResponse> EnrollAsync(EnrollRequest request, string peer, CancellationToken cancellationToken)
    {
        // 1. Everything that needs no token: a malformed request never consumes a use.
        if (string.IsNullOrEmpty(request.Token))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "token is required: the enrollment token secret an operator created."));
        }

        var hostname = AgentRegistry.ValidateHostname(request.Hostname, "hostname");
        var publicKey = PlatformCertificateAuthority.ReadSigningRequest(request.CsrPem);

        // 2. The token, locked until the agent exists.
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var hash = EnrollmentTokens.HashSecret(request.Token);
        var token = await db.EnrollmentTokens
            .FromSql($"SELECT * FROM asset.enrollment_tokens WHERE secret_sha256 = {hash} FOR UPDATE")
            .SingleOrDefaultAsync(cancellationToken);
        var now = _time.GetUtcNow();
        var refusal = token switch
        {
            null => "enrollment token is not valid",
            { Revoked: true } => "enrollment token has been revoked",
            _ when token.ExpiresAt <= now => $"enrollment token expired at {token.ExpiresAt:u}",
            { MaxUses: > 0 } when token.Uses >= token.MaxUses => $"enrollment token is exhausted: used {token.Uses} of {token.MaxUses} times",
            _ => null,
        };
        if (refusal is not null)
        {
            LogRefused(_logger, token?.TokenId ?? "(unknown)", peer, refusal);
            throw new RpcException(new Status(StatusCode.PermissionDenied, refusal));
        }

        // 3. The agent and its certificate.
        token!.Uses++;
        var agentId = Guid.NewGuid().ToString();
        using var certificate = _authority.IssueAgentCertificate(agentId, publicKey);
        db.Agents.Add(new AgentRow
        {
            AgentId = agentId,
            Hostname = hostname,
            SearchText = AgentRegistry.SearchText(hostname, []),
            Labels = token.Labels,
            EnrollmentTokenId = token.TokenId,
            CertificateSerial = certificate.SerialNumber,
            CertificateExpiresAt = certificate.NotAfter.ToUniversalTime(),
            FirstSeen = now,
            AnnouncedState = (short)AgentState.Offline,
            UpdatedAt = now,
        });
        await db.SaveChangesAsync(cancellationToken);
        await AgentRegistry.NotifyChangedAsync(db, agentId, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        LogEnrolled(_logger, agentId, hostname, token.TokenId, certificate.SerialNumber);
        return new EnrollResponse
        {
            AgentId = agentId,
            CertificatePem = certificate.ExportCertificatePem(),
            CaCertificatePem = _authority.CertificatePem,
        };
    }

    [LoggerMessage(EventId = 1020, Level = LogLevel.Information, Message = "Agent {AgentId} ({Hostname}) enrolled with token {TokenId}, certificate serial {Serial}")]
    private static partial void LogEnrolled(ILogger logger, string agentId, string hostname, string tokenId, string serial);

    [LoggerMessage(EventId = 1021, Level = LogLevel.Warning, Message = "Enrollment with token {TokenId} from {Peer} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string tokenId, string peer, string reason);
}
