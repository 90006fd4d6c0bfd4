using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using SentinelSync.Security.Internal;
using SentinelSync.Security.Tests.Fortress;

namespace SentinelSync.Security.Tests;

/// <summary>The interceptor end to end: a real Kestrel h2c listener, a GrpcChannel, a service with access options.</summary>
public sealed class AccessControlInterceptorTests : IAsyncLifetime
{
    private SecurityTestHost _host = null!;

    public async Task InitializeAsync() => _host = await SecurityTestHost.StartAsync();

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task ReadThing_NoCredentials_Unauthenticated()
    {
        var error = await CallFailsAsync(() => _host.Fortress.ReadThingAsync(new ThingRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task ReadThing_SignedViewer_OkAndServiceSeesCaller()
    {
        var response = await _host.Fortress.ReadThingAsync(new ThingRequest(), Signed(TestSecurity.Person("vera", BuiltInRoles.Viewer), "ReadThing"))
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal("vera", response.Caller);
    }

    [Fact]
    public async Task WriteThing_SignedViewer_PermissionDeniedNamingPermission()
    {
        var error = await CallFailsAsync(() => _host.Fortress.WriteThingAsync(new ThingRequest(), Signed(TestSecurity.Person("vera", BuiltInRoles.Viewer), "WriteThing")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("asset.agents.write", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteThing_SignedOperator_Ok()
    {
        var response = await _host.Fortress.WriteThingAsync(new ThingRequest(), Signed(TestSecurity.Person("otto", BuiltInRoles.Operator), "WriteThing"))
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal("otto", response.Caller);
    }

    [Fact]
    public async Task WriteThing_SignatureIssuedForReadThing_Unauthenticated()
    {
        var headers = Signed(TestSecurity.Person("otto", BuiltInRoles.Admin), "ReadThing");

        var error = await CallFailsAsync(() => _host.Fortress.WriteThingAsync(new ThingRequest(), headers).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("another method", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadThing_ExpiredSignature_Unauthenticated()
    {
        var past = new ManualClock(DateTimeOffset.UtcNow.AddMinutes(-5));
        var headers = Signed(TestSecurity.Person("vera", BuiltInRoles.Admin), "ReadThing", new PrincipalSigner(TestSecurity.Options(), past));

        var error = await CallFailsAsync(() => _host.Fortress.ReadThingAsync(new ThingRequest(), headers).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadThing_SignedWithOtherKey_Unauthenticated()
    {
        var forger = new PrincipalSigner(TestSecurity.Options(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), TimeProvider.System);
        var headers = Signed(TestSecurity.Person("mallory", BuiltInRoles.Admin), "ReadThing", forger);

        var error = await CallFailsAsync(() => _host.Fortress.ReadThingAsync(new ThingRequest(), headers).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task ReadThing_BearerAccessTokenPresentedDirectly_Ok()
    {
        var token = new AccessTokenCodec(TestSecurity.Options(), TimeProvider.System).Issue(TestSecurity.Person("dora", BuiltInRoles.Viewer), out _);

        var response = await _host.Fortress.ReadThingAsync(new ThingRequest(), new Metadata { { "authorization", "Bearer " + token } })
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal("dora", response.Caller);
    }

    [Fact]
    public async Task ReadThing_BearerTokenWithOtherKey_Unauthenticated()
    {
        var other = new AccessTokenCodec(TestSecurity.Options(Convert.ToBase64String(RandomNumberGenerator.GetBytes(32))), TimeProvider.System);
        var token = other.Issue(TestSecurity.Person("mallory", BuiltInRoles.Admin), out _);

        var error = await CallFailsAsync(() => _host.Fortress.ReadThingAsync(new ThingRequest(), new Metadata { { "authorization", "Bearer " + token } }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task ReadThing_ApiKeyWhereAuthRoleIsAbsent_UnauthenticatedPointingToGateway()
    {
        var error = await CallFailsAsync(() => _host.Fortress.ReadThingAsync(new ThingRequest(), new Metadata { { "x-api-key", "sk_0123456789abcdef_secret" } }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("gateway", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpenThing_NoOrStaleCredentials_Ok()
    {
        var plain = await _host.Fortress.OpenThingAsync(new ThingRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var stale = await _host.Fortress.OpenThingAsync(new ThingRequest(), new Metadata { { "authorization", "Bearer not.a.token" } })
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(string.Empty, plain.Caller);
        Assert.Equal(string.Empty, stale.Caller);
    }

    [Fact]
    public async Task InternalThing_ServicePrincipal_Ok()
    {
        var response = await _host.Fortress.InternalThingAsync(new ThingRequest(), Signed(SentinelPrincipal.Service("agent-gateway"), "InternalThing"))
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal("agent-gateway", response.Caller);
    }

    [Fact]
    public async Task InternalThing_AdminPerson_PermissionDenied()
    {
        var error = await CallFailsAsync(() => _host.Fortress.InternalThingAsync(new ThingRequest(), Signed(TestSecurity.Person("root", BuiltInRoles.Admin), "InternalThing")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
    }

    [Fact]
    public async Task InternalThing_NoPrincipal_Unauthenticated()
    {
        var error = await CallFailsAsync(() => _host.Fortress.InternalThingAsync(new ThingRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task AgentThing_NoClientCertificate_Unauthenticated()
    {
        var error = await CallFailsAsync(() => _host.Fortress.AgentThingAsync(new ThingRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task UndeclaredThing_Admin_PermissionDenied()
    {
        var error = await CallFailsAsync(() => _host.Fortress.UndeclaredThingAsync(new ThingRequest(), Signed(TestSecurity.Person("root", BuiltInRoles.Admin), "UndeclaredThing")).ResponseAsync);

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Contains("no access rule", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WatchThings_StreamingWithAndWithoutPrincipal_GuardedLikeUnary()
    {
        using var refused = _host.Fortress.WatchThings(new ThingRequest());
        var error = await Assert.ThrowsAsync<RpcException>(() => refused.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Call));
        using var allowed = _host.Fortress.WatchThings(new ThingRequest(), Signed(TestSecurity.Person("vera", BuiltInRoles.Viewer), "WatchThings"));
        var moved = await allowed.ResponseStream.MoveNext(CancellationToken.None).WaitAsync(TestTimeouts.Call);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.True(moved);
        Assert.Equal("vera", allowed.ResponseStream.Current.Caller);
    }

    private Metadata Signed(SentinelPrincipal principal, string method, PrincipalSigner? signer = null)
    {
        var headers = new Metadata();
        (signer ?? _host.App.Services.GetRequiredService<PrincipalSigner>()).AddTo(headers, principal, TestSecurity.Path(method));
        return headers;
    }

    private static async Task<RpcException> CallFailsAsync(Func<Task> call) =>
        await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(TestTimeouts.Call));
}
