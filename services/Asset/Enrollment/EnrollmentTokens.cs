using System.Security.Cryptography;
using System.Text;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Asset.Agents;
using SentinelSync.Asset.Certificates;
using SentinelSync.Asset.Data;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Enrollment;

/// <summary>Enrollment tokens: issued by operators, shown once, stored as SHA-256 of the secret.</summary>
internal sealed partial class EnrollmentTokens
{
    private const int MaxDescriptionLength = 1024;

    private readonly IDbContextFactory<AssetDbContext> _contexts;
    private readonly PlatformCertificateAuthority _authority;
    private readonly IOptions<AssetOptions> _options;
    private readonly TimeProvider _time;
    private readonly ILogger<EnrollmentTokens> _logger;

    public EnrollmentTokens(IDbContextFactory<AssetDbContext> contexts, PlatformCertificateAuthority authority, IOptions<AssetOptions> options, TimeProvider time, ILogger<EnrollmentTokens> logger)
    {
        _contexts = contexts;
        _authority = authority;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <summary>SHA-256 of a token secret as given to agents.</summary>
    public static byte[] HashSecret(string secret) => SHA256.HashData(Encoding.UTF8.GetBytes(secret));

    public async Task<CreateEnrollmentTokenResponse> CreateAsync(CreateEnrollmentTokenRequest request, string author, CancellationToken cancellationToken)
    {
        var maxTtl = _options.Value.MaxTokenTtl;
        if (request.Ttl is null)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"ttl is required: how long the token stays valid (at most {maxTtl})."));
        }

        TimeSpan ttl;
        try
        {
            ttl = request.Ttl.ToTimeSpan();
        }
        catch (InvalidOperationException)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ttl is not a valid duration."));
        }

        if (ttl <= TimeSpan.Zero || ttl > maxTtl)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"ttl must be positive and at most {maxTtl} (Asset:MaxTokenTtl); got {ttl}."));
        }

        if (request.MaxUses < 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"max_uses must be 0 (unlimited) or positive; got {request.MaxUses}."));
        }

        if (request.Description.Length > MaxDescriptionLength)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"description is longer than {MaxDescriptionLength} characters."));
        }

        Labels.Validate(request.Labels, "labels");
        var secret = Base64Url(RandomNumberGenerator.GetBytes(32));
        var now = _time.GetUtcNow();
        var row = new EnrollmentTokenRow
        {
            TokenId = Guid.NewGuid().ToString(),
            SecretSha256 = HashSecret(secret),
            Description = request.Description,
            ExpiresAt = now + ttl,
            MaxUses = request.MaxUses,
            Labels = Labels.ToJson(request.Labels),
            CreatedAt = now,
            CreatedBy = author,
        };
        await using (var db = await _contexts.CreateDbContextAsync(cancellationToken))
        {
            db.EnrollmentTokens.Add(row);
            await db.SaveChangesAsync(cancellationToken);
        }

        LogCreated(_logger, row.TokenId, author, row.ExpiresAt, row.MaxUses);
        return new CreateEnrollmentTokenResponse { Token = ToMessage(row), Secret = secret, CaFingerprint = _authority.Fingerprint };
    }

    public async Task<ListEnrollmentTokensResponse> ListAsync(ListEnrollmentTokensRequest request, CancellationToken cancellationToken)
    {
        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var query = db.EnrollmentTokens.AsNoTracking();
        if (!request.IncludeRevoked)
        {
            query = query.Where(token => !token.Revoked);
        }

        var rows = await query.OrderByDescending(token => token.CreatedAt).ThenBy(token => token.TokenId).ToListAsync(cancellationToken);
        var response = new ListEnrollmentTokensResponse();
        response.Tokens.AddRange(rows.Select(ToMessage));
        return response;
    }

    public async Task<RevokeEnrollmentTokenResponse> RevokeAsync(RevokeEnrollmentTokenRequest request, string author, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(request.TokenId))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "token_id is required."));
        }

        await using var db = await _contexts.CreateDbContextAsync(cancellationToken);
        var row = await db.EnrollmentTokens.SingleOrDefaultAsync(token => token.TokenId == request.TokenId, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"enrollment token {request.TokenId} does not exist."));
        if (!row.Revoked)
        {
            row.Revoked = true;
            await db.SaveChangesAsync(cancellationToken);
            LogRevoked(_logger, row.TokenId, author);
        }

        return new RevokeEnrollmentTokenResponse { Token = ToMessage(row) };
    }

    public static EnrollmentToken ToMessage(EnrollmentTokenRow row)
    {
        var token = new EnrollmentToken
        {
            TokenId = row.TokenId,
            Description = row.Description,
            ExpiresAt = Timestamp.FromDateTimeOffset(row.ExpiresAt),
            MaxUses = row.MaxUses,
            Uses = row.Uses,
            Revoked = row.Revoked,
            CreatedAt = Timestamp.FromDateTimeOffset(row.CreatedAt),
            CreatedBy = row.CreatedBy,
        };
        Labels.CopyTo(row.Labels, token.Labels);
        return token;
    }

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    [LoggerMessage(EventId = 1010, Level = LogLevel.Information, Message = "Enrollment token {TokenId} created by {Author}, expires {ExpiresAt:u}, max uses {MaxUses}")]
    private static partial void LogCreated(ILogger logger, string tokenId, string author, DateTimeOffset expiresAt, int maxUses);

    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Enrollment token {TokenId} revoked by {Author}")]
    private static partial void LogRevoked(ILogger logger, string tokenId, string author);
}
