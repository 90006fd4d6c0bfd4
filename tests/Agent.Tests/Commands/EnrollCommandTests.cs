using Grpc.Core;
using SentinelSync.Agent.Identity;
using SentinelSync.Agent.Tests.Gateway;
using SentinelSync.Agent.Tests.Support;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Agent.Tests.Commands;

/// <summary><c>sentinel-agent enroll</c> as a real process against a TLS fake platform.</summary>
public sealed class EnrollCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _state = new();
    private readonly TestPki _pki = new();

    [Fact]
    public async Task Enroll_PinnedCaMatches_StoresTheIdentityAndPrintsTheAgentId()
    {
        await using var gateway = await StartAsync();

        var (exitCode, stdout, stderr) = await EnrollAsync(gateway, _pki.CaFingerprint.ToUpperInvariant());

        Assert.True(exitCode == 0, $"exit {exitCode}: {stderr}");
        Assert.Equal("agent-0001", stdout.Trim());
        Assert.Equal(1, gateway.TrustBundleRequests);
        var request = Assert.Single(gateway.EnrollRequests);
        Assert.Equal("secret-token", request.Token);
        Assert.Equal("enroll-test-host", request.Hostname);
        var identity = AgentIdentity.Load(_state.Path)!;
        Assert.Equal("agent-0001", identity.AgentId);
        Assert.True(identity.ClientCertificate.HasPrivateKey);
        Assert.Equal(_pki.CaFingerprint, CaFingerprint.Of(identity.CaCertificate));
        var keyFile = Path.Combine(AgentIdentity.DirectoryOf(_state.Path), AgentIdentity.KeyFile);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(keyFile));
        }
    }

    [Fact]
    public async Task Enroll_WrongCaFingerprint_RefusedBeforeTheTokenIsSent()
    {
        await using var gateway = await StartAsync();
        using var other = new TestPki("Some Other CA");

        var (exitCode, _, stderr) = await EnrollAsync(gateway, other.CaFingerprint);

        Assert.Equal(6, exitCode);
        Assert.Contains(other.CaFingerprint, stderr);
        Assert.Contains("token was not sent", stderr);
        Assert.Empty(gateway.EnrollRequests);
        Assert.False(AgentIdentity.Exists(_state.Path));
    }

    [Fact]
    public async Task Enroll_ServerProvesAnotherCa_RefusedBeforeTheTokenIsSent()
    {
        // An impostor that passes on the real CA (public data) but holds a certificate of its own CA.
        using var impostor = new TestPki("Impostor CA");
        await using var gateway = await FakeGateway.StartAsync(impostor);
        gateway.TrustBundlePem = _pki.CaPem;

        var (exitCode, _, stderr) = await EnrollAsync(gateway, _pki.CaFingerprint);

        Assert.Equal(6, exitCode);
        Assert.Contains("does not chain to the platform CA", stderr);
        Assert.Contains("token was not sent", stderr);
        Assert.Empty(gateway.EnrollRequests);
        Assert.False(AgentIdentity.Exists(_state.Path));
    }

    [Fact]
    public async Task Enroll_PlatformDenies_PrintsTheReasonAsIsAndExits4()
    {
        await using var gateway = await StartAsync();
        gateway.Enroll = _ => throw new RpcException(new Status(StatusCode.PermissionDenied, "enrollment token expired at 2026-11-21T10:00:00Z"));

        var (exitCode, _, stderr) = await EnrollAsync(gateway, _pki.CaFingerprint);

        Assert.Equal(4, exitCode);
        Assert.Contains("enrollment token expired at 2026-11-21T10:00:00Z", stderr);
        Assert.False(AgentIdentity.Exists(_state.Path));
    }

    [Fact]
    public async Task Enroll_AlreadyEnrolled_RefusedWithoutForceAndReplacedWithIt()
    {
        await using var gateway = await StartAsync();
        Assert.Equal(0, (await EnrollAsync(gateway, _pki.CaFingerprint)).ExitCode);
        var next = 2;
        gateway.Enroll = request => Answer(request, $"agent-000{next++}");

        var again = await EnrollAsync(gateway, _pki.CaFingerprint);
        var forced = await EnrollAsync(gateway, _pki.CaFingerprint, "--force");

        Assert.Equal(3, again.ExitCode);
        Assert.Contains("--force", again.Stderr);
        Assert.True(forced.ExitCode == 0, forced.Stderr);
        Assert.Equal("agent-0002", AgentIdentity.Load(_state.Path)!.AgentId);
    }

    [Fact]
    public async Task Enroll_MalformedFingerprint_UsageError()
    {
        var (exitCode, _, stderr) = await AgentProcess.RunAsync(
            Timeout, "enroll", "--server", "https://127.0.0.1:1", "--token", "t", "--ca-fingerprint", "abc", "--config", WriteConfig("https://127.0.0.1:1"));

        Assert.Equal(2, exitCode);
        Assert.Contains("--ca-fingerprint", stderr);
    }

    public void Dispose()
    {
        _pki.Dispose();
        _state.Dispose();
    }

    private async Task<FakeGateway> StartAsync()
    {
        var gateway = await FakeGateway.StartAsync(_pki);
        gateway.Enroll = request => Answer(request, "agent-0001");
        return gateway;
    }

    private EnrollResponse Answer(EnrollRequest request, string agentId) => new()
    {
        AgentId = agentId,
        CertificatePem = _pki.SignCsr(request.CsrPem, agentId),
        CaCertificatePem = _pki.CaPem,
    };

    private Task<(int ExitCode, string Stdout, string Stderr)> EnrollAsync(FakeGateway gateway, string fingerprint, params string[] extra) =>
        AgentProcess.RunAsync(
            Timeout,
            ["enroll", "--server", gateway.Address.ToString(), "--token", "secret-token", "--ca-fingerprint", fingerprint,
             "--hostname", "enroll-test-host", "--config", WriteConfig(gateway.Address.ToString()), .. extra]);

    private string WriteConfig(string server)
    {
        var path = Path.Combine(_state.Path, "agent.yaml");
        File.WriteAllText(path, $"server_url: {server}\nstate_directory: {_state.Path}\n");
        return path;
    }
}
