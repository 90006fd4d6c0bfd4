using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Testing;

namespace SentinelSync.Asset.Tests;

[Collection(PostgresCollection.Name)]
public sealed class EnrollmentTests(PostgresFixture postgres)
{
    private async Task<AssetTestHost> StartAsync(FakeClock? clock = null)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        var database = await postgres.CreateDatabaseAsync(timeout.Token);
        return await AssetTestHost.StartAsync(database, AssetTestHost.NewCaKey(), clock);
    }

    [Fact]
    public async Task CreateEnrollmentToken_ListAndRevoke_SecretShownOnceAndRevokedHidden()
    {
        await using var host = await StartAsync();
        var created = await Enroll.CreateTokenAsync(host.Client, maxUses: 3, labels: new Dictionary<string, string> { ["env"] = "prod" });
        Assert.Equal(43, created.Secret.Length);
        Assert.Equal(64, created.CaFingerprint.Length);
        Assert.Equal("system", created.Token.CreatedBy);
        Assert.Equal(host.Clock.GetUtcNow().AddHours(1), created.Token.ExpiresAt.ToDateTimeOffset());

        var listed = await host.Client.ListEnrollmentTokensAsync(new ListEnrollmentTokensRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var token = Assert.Single(listed.Tokens);
        Assert.Equal(created.Token.TokenId, token.TokenId);
        Assert.Equal("prod", token.Labels["env"]);
        Assert.DoesNotContain(created.Secret, token.ToString(), StringComparison.Ordinal);

        var revoked = await host.Client.RevokeEnrollmentTokenAsync(new RevokeEnrollmentTokenRequest { TokenId = token.TokenId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.True(revoked.Token.Revoked);
        Assert.Empty((await host.Client.ListEnrollmentTokensAsync(new ListEnrollmentTokensRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call)).Tokens);
        Assert.Single((await host.Client.ListEnrollmentTokensAsync(new ListEnrollmentTokensRequest { IncludeRevoked = true }).ResponseAsync.WaitAsync(TestTimeouts.Call)).Tokens);
    }

    [Fact]
    public async Task CreateEnrollmentToken_AuthenticatedUser_RecordedAsCreator()
    {
        await using var host = await StartAsync();
        var headers = new Metadata { { AssetTestHost.TestUserHeader, "alice" } };
        var created = await host.Client.CreateEnrollmentTokenAsync(new CreateEnrollmentTokenRequest { Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)) }, headers).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal("alice", created.Token.CreatedBy);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(31 * 24)]
    public async Task CreateEnrollmentToken_TtlOutOfRange_InvalidArgument(int hours)
    {
        await using var host = await StartAsync();
        var ex = await Assert.ThrowsAsync<RpcException>(() => Enroll.CreateTokenAsync(host.Client, ttl: TimeSpan.FromHours(hours)));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("ttl", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Enroll_ValidToken_CertificateChainsToCaWithAgentIdentity()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client, labels: new Dictionary<string, string> { ["team"] = "ops" });
        var enrolled = await Enroll.AgentAsync(host.Client, token.Secret, "web-1");

        using var certificate = Enroll.Certificate(enrolled.CertificatePem);
        using var ca = Enroll.Certificate(enrolled.CaCertificatePem);
        Assert.Equal(token.CaFingerprint, Convert.ToHexStringLower(SHA256.HashData(ca.RawData)));
        Assert.Equal(enrolled.AgentId, certificate.GetNameInfo(X509NameType.SimpleName, false));
        Assert.True(Guid.TryParse(enrolled.AgentId, out _));
        var san = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().Single();
        Assert.Contains($"URI:urn:sentinel:agent:{enrolled.AgentId}", san.Format(false), StringComparison.Ordinal);
        var eku = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single();
        Assert.Equal("1.3.6.1.5.5.7.3.2", Assert.Single(eku.EnhancedKeyUsages.Cast<Oid>()).Value);

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = host.Clock.GetUtcNow().UtcDateTime;
        Assert.True(chain.Build(certificate), string.Join("; ", chain.ChainStatus.Select(s => s.StatusInformation)));

        var agent = (await host.Client.GetAgentAsync(new GetAgentRequest { AgentId = enrolled.AgentId }).ResponseAsync.WaitAsync(TestTimeouts.Call)).Agent;
        Assert.Equal("web-1", agent.Hostname);
        Assert.Equal("ops", agent.Labels["team"]);
        Assert.Equal(AgentState.Offline, agent.State);
        var uses = (await host.Client.ListEnrollmentTokensAsync(new ListEnrollmentTokensRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call)).Tokens.Single().Uses;
        Assert.Equal(1, uses);
    }

    [Fact]
    public async Task Enroll_ExpiredToken_PermissionDeniedAndNoAgent()
    {
        var clock = new FakeClock();
        await using var host = await StartAsync(clock);
        var token = await Enroll.CreateTokenAsync(host.Client, ttl: TimeSpan.FromMinutes(10));
        clock.Advance(TimeSpan.FromMinutes(11));
        await AssertRefusedAsync(host, token.Secret, "expired");
    }

    [Fact]
    public async Task Enroll_ExhaustedToken_PermissionDeniedAndOnlyFirstAgent()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client, maxUses: 1);
        await Enroll.AgentAsync(host.Client, token.Secret);
        await AssertRefusedAsync(host, token.Secret, "exhausted", expectedAgents: 1);
    }

    [Fact]
    public async Task Enroll_RevokedToken_PermissionDeniedAndNoAgent()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client);
        await host.Client.RevokeEnrollmentTokenAsync(new RevokeEnrollmentTokenRequest { TokenId = token.Token.TokenId }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        await AssertRefusedAsync(host, token.Secret, "revoked");
    }

    [Fact]
    public async Task Enroll_UnknownToken_PermissionDeniedWithoutDetail()
    {
        await using var host = await StartAsync();
        await AssertRefusedAsync(host, "not-a-token", "enrollment token is not valid");
    }

    [Fact]
    public async Task Enroll_ConcurrentAgainstMaxUsesOne_ExactlyOneSucceeds()
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client, maxUses: 1);
        var attempts = Enumerable.Range(0, 8).Select(async i =>
        {
            try
            {
                await Enroll.AgentAsync(host.Client, token.Secret, $"racer-{i}");
                return StatusCode.OK;
            }
            catch (RpcException ex)
            {
                return ex.StatusCode;
            }
        }).ToList();
        var results = await Task.WhenAll(attempts).WaitAsync(TestTimeouts.Call);
        Assert.Equal(1, results.Count(status => status == StatusCode.OK));
        Assert.Equal(7, results.Count(status => status == StatusCode.PermissionDenied));
        var agents = await host.Client.ListAgentsAsync(new ListAgentsRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Single(agents.Agents);
    }

    [Theory]
    [InlineData("not a csr")]
    [InlineData("")]
    [InlineData("weak-rsa")]
    [InlineData("tampered")]
    public async Task Enroll_BadCsr_InvalidArgumentAndTokenUnused(string kind)
    {
        await using var host = await StartAsync();
        var token = await Enroll.CreateTokenAsync(host.Client, maxUses: 1);
        var csr = kind switch
        {
            "weak-rsa" => WeakRsaCsr(),
            "tampered" => TamperedCsr(),
            _ => kind,
        };
        var ex = await Assert.ThrowsAsync<RpcException>(() => host.Client.EnrollAsync(new EnrollRequest { Token = token.Secret, CsrPem = csr, Hostname = "h" }).ResponseAsync.WaitAsync(TestTimeouts.Call));
        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("csr_pem", ex.Status.Detail, StringComparison.Ordinal);

        // The token was not consumed by the bad request.
        await Enroll.AgentAsync(host.Client, token.Secret);
    }

    [Fact]
    public async Task GetAgentTrust_ServerNames_ServerCertificateSignedByCaAndReused()
    {
        await using var host = await StartAsync();
        var request = new GetAgentTrustRequest { ServerNames = { "agents.example.test", "127.0.0.1" } };
        var first = await host.Client.GetAgentTrustAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var second = await host.Client.GetAgentTrustAsync(request).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(first.ServerCertificatePem, second.ServerCertificatePem);

        using var server = X509Certificate2.CreateFromPem(first.ServerCertificatePem, first.ServerPrivateKeyPem);
        Assert.True(server.HasPrivateKey);
        Assert.True(server.MatchesHostname("agents.example.test"));
        Assert.Contains("1.3.6.1.5.5.7.3.1", server.Extensions.OfType<X509EnhancedKeyUsageExtension>().Single().EnhancedKeyUsages.Cast<Oid>().Select(o => o.Value));
        using var ca = Enroll.Certificate(first.CaCertificatePem);
        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(ca);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.VerificationTime = host.Clock.GetUtcNow().UtcDateTime;
        Assert.True(chain.Build(server));
    }

    private static async Task AssertRefusedAsync(AssetTestHost host, string secret, string reason, int expectedAgents = 0)
    {
        var ex = await Assert.ThrowsAsync<RpcException>(() => Enroll.AgentAsync(host.Client, secret));
        Assert.Equal(StatusCode.PermissionDenied, ex.StatusCode);
        Assert.Contains(reason, ex.Status.Detail, StringComparison.Ordinal);
        var agents = await host.Client.ListAgentsAsync(new ListAgentsRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        Assert.Equal(expectedAgents, agents.Agents.Count);
    }

    private static string WeakRsaCsr()
    {
        using var rsa = RSA.Create(1024);
        return new CertificateRequest("CN=weak", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1).CreateSigningRequestPem();
    }

    private static string TamperedCsr()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var der = new CertificateRequest("CN=original-subject", key, HashAlgorithmName.SHA256).CreateSigningRequest();
        // Change one byte of the subject so the signature no longer verifies.
        var index = der.AsSpan().IndexOf("original"u8);
        der[index] = (byte)'X';
        return PemEncoding.WriteString("CERTIFICATE REQUEST", der);
    }
}
