using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SentinelSync.Contracts.Auth.V1;
using SentinelSync.Security.Internal;
using SentinelSync.Security.Tests.Fortress;
using SentinelSync.Testing;

namespace SentinelSync.Security.Tests;

/// <summary>The auth role against a real PostgreSQL, through a real Kestrel listener and GrpcChannel.</summary>
[Collection(PostgresCollection.Name)]
public sealed class AuthServiceTests
{
    private const string AdminPassword = "correct-horse-battery";
    private readonly PostgresFixture _postgres;

    public AuthServiceTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task Login_ConfiguredAdmin_AccessTokenOpensProtectedMethods()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);

        var login = await auth.LoginAsync(new LoginRequest { Username = "admin", Password = AdminPassword }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var bearer = Bearer(login.Tokens.AccessToken);
        var thing = await host.Fortress.WriteThingAsync(new ThingRequest(), bearer).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var users = await auth.ListUsersAsync(new ListUsersRequest(), bearer).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal("admin", thing.Caller);
        Assert.Equal(["admin"], users.Users.Select(user => user.Username));
        Assert.False(login.User.MustChangePassword);
        Assert.StartsWith("rt_", login.Tokens.RefreshToken, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ListUsers_NoToken_Unauthenticated()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);

        var error = await FailsAsync(() => auth.ListUsersAsync(new ListUsersRequest()).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task Login_WrongPasswordOrUnknownUser_SameAnswer()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);

        var wrong = await FailsAsync(() => auth.LoginAsync(new LoginRequest { Username = "admin", Password = "not-the-password" }).ResponseAsync);
        var unknown = await FailsAsync(() => auth.LoginAsync(new LoginRequest { Username = "nobody", Password = "not-the-password" }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, wrong.StatusCode);
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        Assert.Equal(wrong.Status.Detail, unknown.Status.Detail);
    }

    [Fact]
    public async Task Login_AfterFiveFailures_ResourceExhaustedWithRetryAfterEvenForRightPassword()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);
        for (var i = 0; i < 5; i++)
        {
            var failed = await FailsAsync(() => auth.LoginAsync(new LoginRequest { Username = "admin", Password = "guess-" + i }).ResponseAsync);
            Assert.Equal(StatusCode.Unauthenticated, failed.StatusCode);
        }

        var throttled = await FailsAsync(() => auth.LoginAsync(new LoginRequest { Username = "admin", Password = AdminPassword }).ResponseAsync);

        Assert.Equal(StatusCode.ResourceExhausted, throttled.StatusCode);
        Assert.Contains("retry after", throttled.Status.Detail, StringComparison.Ordinal);
        Assert.True(int.Parse(throttled.Trailers.GetValue("retry-after")!, System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task Refresh_RotatesAndReuseOfRotatedTokenRevokesFamily()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);
        var login = await auth.LoginAsync(new LoginRequest { Username = "admin", Password = AdminPassword }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var first = login.Tokens.RefreshToken;

        var rotated = await auth.RefreshAsync(new RefreshRequest { RefreshToken = first }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var second = rotated.Tokens.RefreshToken;
        var reuse = await FailsAsync(() => auth.RefreshAsync(new RefreshRequest { RefreshToken = first }).ResponseAsync);
        var afterRevocation = await FailsAsync(() => auth.RefreshAsync(new RefreshRequest { RefreshToken = second }).ResponseAsync);

        Assert.NotEqual(first, second);
        Assert.NotEmpty(rotated.Tokens.AccessToken);
        Assert.Equal(StatusCode.Unauthenticated, reuse.StatusCode);
        Assert.Contains("already used", reuse.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, afterRevocation.StatusCode);
    }

    [Fact]
    public async Task Logout_RefreshTokenNoLongerRefreshes()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);
        var login = await auth.LoginAsync(new LoginRequest { Username = "admin", Password = AdminPassword }).ResponseAsync.WaitAsync(TestTimeouts.Call);

        await auth.LogoutAsync(new LogoutRequest { RefreshToken = login.Tokens.RefreshToken }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var error = await FailsAsync(() => auth.RefreshAsync(new RefreshRequest { RefreshToken = login.Tokens.RefreshToken }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
    }

    [Fact]
    public async Task ApiKey_CreateUseWithRoleThenRevoke_AccessFollowsKey()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);
        var admin = await AdminAsync(auth);

        var created = await auth.CreateApiKeyAsync(
            new CreateApiKeyRequest { Name = "ci", Roles = { BuiltInRoles.Viewer }, Ttl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(1)) },
            admin).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var key = created.Secret;
        var read = await host.Fortress.ReadThingAsync(new ThingRequest(), new Metadata { { "x-api-key", key } }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var readBearer = await host.Fortress.ReadThingAsync(new ThingRequest(), Bearer(key)).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var write = await FailsAsync(() => host.Fortress.WriteThingAsync(new ThingRequest(), new Metadata { { "x-api-key", key } }).ResponseAsync);
        var listed = await auth.ListApiKeysAsync(new ListApiKeysRequest(), admin).ResponseAsync.WaitAsync(TestTimeouts.Call);
        await auth.RevokeApiKeyAsync(new RevokeApiKeyRequest { KeyId = created.ApiKey.KeyId }, admin).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var revoked = await FailsAsync(() => host.Fortress.ReadThingAsync(new ThingRequest(), new Metadata { { "x-api-key", key } }).ResponseAsync);
        var wrongSecret = await FailsAsync(() => host.Fortress.ReadThingAsync(new ThingRequest(), new Metadata { { "x-api-key", key[..^2] + "xx" } }).ResponseAsync);

        Assert.StartsWith("sk_" + created.ApiKey.KeyId + "_", key, StringComparison.Ordinal);
        Assert.Equal(created.ApiKey.KeyId, read.Caller);
        Assert.Equal(created.ApiKey.KeyId, readBearer.Caller);
        Assert.Equal(StatusCode.PermissionDenied, write.StatusCode);
        Assert.Contains("asset.agents.write", write.Status.Detail, StringComparison.Ordinal);
        Assert.Single(listed.ApiKeys);
        Assert.Equal("admin", listed.ApiKeys[0].CreatedBy);
        Assert.Equal(StatusCode.Unauthenticated, revoked.StatusCode);
        Assert.Contains("revoked", revoked.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.Unauthenticated, wrongSecret.StatusCode);
    }

    [Fact]
    public async Task ApiKey_AfterTtl_Unauthenticated()
    {
        var clock = new ManualClock();
        await using var host = await StartAsync(await DatabaseAsync(), clock: clock);
        var auth = new AuthService.AuthServiceClient(host.Channel);
        var admin = await AdminAsync(auth);
        var created = await auth.CreateApiKeyAsync(
            new CreateApiKeyRequest { Name = "short", Roles = { BuiltInRoles.Operator }, Ttl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromMinutes(1)) },
            admin).ResponseAsync.WaitAsync(TestTimeouts.Call);

        clock.Advance(TimeSpan.FromMinutes(2));
        var error = await FailsAsync(() => host.Fortress.ReadThingAsync(new ThingRequest(), new Metadata { { "x-api-key", created.Secret } }).ResponseAsync);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Contains("expired", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task InitialAdmin_GeneratedPassword_PrintedOnceMustBeChangedAndNotRecreated()
    {
        var database = await DatabaseAsync();
        var firstOutput = new StringWriter();
        var secondOutput = new StringWriter();
        string password;
        await using (var first = await StartAsync(database, output: firstOutput, adminPassword: null))
        {
            var lines = firstOutput.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Single(lines);
            Assert.StartsWith("initial admin password: ", lines[0], StringComparison.Ordinal);
            password = lines[0]["initial admin password: ".Length..].Trim();
            var auth = new AuthService.AuthServiceClient(first.Channel);

            var mustChange = await FailsAsync(() => auth.LoginAsync(new LoginRequest { Username = "admin", Password = password }).ResponseAsync);
            await auth.ChangePasswordAsync(new ChangePasswordRequest { Username = "admin", CurrentPassword = password, NewPassword = AdminPassword })
                .ResponseAsync.WaitAsync(TestTimeouts.Call);
            var login = await auth.LoginAsync(new LoginRequest { Username = "admin", Password = AdminPassword }).ResponseAsync.WaitAsync(TestTimeouts.Call);

            Assert.Equal(StatusCode.FailedPrecondition, mustChange.StatusCode);
            Assert.Contains("ChangePassword", mustChange.Status.Detail, StringComparison.Ordinal);
            Assert.NotEmpty(login.Tokens.AccessToken);
        }

        await using (var second = await StartAsync(database, output: secondOutput, adminPassword: null))
        {
            var auth = new AuthService.AuthServiceClient(second.Channel);
            var login = await auth.LoginAsync(new LoginRequest { Username = "admin", Password = AdminPassword }).ResponseAsync.WaitAsync(TestTimeouts.Call);
            Assert.NotEmpty(login.Tokens.AccessToken);
        }

        Assert.Equal(string.Empty, secondOutput.ToString());
    }

    [Fact]
    public async Task CreateUser_ViewerThenCustomRole_PermissionsFollowRoles()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);
        var admin = await AdminAsync(auth);
        await auth.CreateUserAsync(new CreateUserRequest { Username = "bob", Password = "initial-password-1", Roles = { BuiltInRoles.Viewer } }, admin)
            .ResponseAsync.WaitAsync(TestTimeouts.Call);
        await auth.ChangePasswordAsync(new ChangePasswordRequest { Username = "bob", CurrentPassword = "initial-password-1", NewPassword = "bobs-own-password" })
            .ResponseAsync.WaitAsync(TestTimeouts.Call);

        var bobAsViewer = await LoginAsync(auth, "bob", "bobs-own-password");
        var denied = await FailsAsync(() => auth.ListUsersAsync(new ListUsersRequest(), bobAsViewer).ResponseAsync);
        var read = await host.Fortress.ReadThingAsync(new ThingRequest(), bobAsViewer).ResponseAsync.WaitAsync(TestTimeouts.Call);
        await auth.PutRoleAsync(new PutRoleRequest { Name = "auditor", Permissions = { "auth.users.read" } }, admin).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var unknownPermission = await FailsAsync(() => auth.PutRoleAsync(new PutRoleRequest { Name = "bad", Permissions = { "made.up.thing" } }, admin).ResponseAsync);
        var builtIn = await FailsAsync(() => auth.PutRoleAsync(new PutRoleRequest { Name = BuiltInRoles.Admin }, admin).ResponseAsync);
        await auth.SetUserRolesAsync(new SetUserRolesRequest { Username = "bob", Roles = { "auditor" } }, admin).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var bobAsAuditor = await LoginAsync(auth, "bob", "bobs-own-password");
        var users = await auth.ListUsersAsync(new ListUsersRequest(), bobAsAuditor).ResponseAsync.WaitAsync(TestTimeouts.Call);
        var roles = await auth.ListRolesAsync(new ListRolesRequest(), admin).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(StatusCode.PermissionDenied, denied.StatusCode);
        Assert.Contains("auth.users.read", denied.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("bob", read.Caller);
        Assert.Equal(StatusCode.InvalidArgument, unknownPermission.StatusCode);
        Assert.Equal(StatusCode.FailedPrecondition, builtIn.StatusCode);
        Assert.Equal(["admin", "bob"], users.Users.Select(user => user.Username));
        Assert.Equal(["viewer", "operator", "admin", "auditor"], roles.Roles.Select(role => role.Name));
    }

    [Fact]
    public async Task CreateApiKey_RolesBeyondCallersPermissions_PermissionDenied()
    {
        await using var host = await StartAsync(await DatabaseAsync());
        var auth = new AuthService.AuthServiceClient(host.Channel);
        var admin = await AdminAsync(auth);
        await auth.PutRoleAsync(new PutRoleRequest { Name = "keymaker", Permissions = { "auth.api_keys.create", "asset.agents.read" } }, admin)
            .ResponseAsync.WaitAsync(TestTimeouts.Call);
        await auth.CreateUserAsync(new CreateUserRequest { Username = "kim", Password = "initial-password-2", Roles = { "keymaker" } }, admin)
            .ResponseAsync.WaitAsync(TestTimeouts.Call);
        await auth.ChangePasswordAsync(new ChangePasswordRequest { Username = "kim", CurrentPassword = "initial-password-2", NewPassword = "kims-own-password" })
            .ResponseAsync.WaitAsync(TestTimeouts.Call);
        var kim = await LoginAsync(auth, "kim", "kims-own-password");
        var ttl = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(TimeSpan.FromHours(1));

        var escalation = await FailsAsync(() => auth.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "escalate", Roles = { BuiltInRoles.Operator }, Ttl = ttl }, kim).ResponseAsync);
        var own = await auth.CreateApiKeyAsync(new CreateApiKeyRequest { Name = "same", Roles = { "keymaker" }, Ttl = ttl }, kim).ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Equal(StatusCode.PermissionDenied, escalation.StatusCode);
        Assert.Contains("asset.agents.write", escalation.Status.Detail, StringComparison.Ordinal);
        Assert.Equal("kim", own.ApiKey.CreatedBy);
    }

    private async Task<string> DatabaseAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        return await _postgres.CreateDatabaseAsync(cts.Token);
    }

    private static Task<SecurityTestHost> StartAsync(string connectionString, TimeProvider? clock = null, TextWriter? output = null, string? adminPassword = AdminPassword) =>
        SecurityTestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Database:ConnectionString"] = connectionString,
                ["Security:InitialAdminPassword"] = adminPassword ?? string.Empty,
            },
            builder =>
            {
                builder.Services.AddSingleton(new InitialAdminOutput(output ?? TextWriter.Null));
                builder.AddAuth();
            },
            app =>
            {
                app.MapGrpcService<FortressService>();
                app.MapAuth();
            },
            clock);

    private static async Task<Metadata> AdminAsync(AuthService.AuthServiceClient auth) => await LoginAsync(auth, "admin", AdminPassword);

    private static async Task<Metadata> LoginAsync(AuthService.AuthServiceClient auth, string username, string password)
    {
        var login = await auth.LoginAsync(new LoginRequest { Username = username, Password = password }).ResponseAsync.WaitAsync(TestTimeouts.Call);
        return Bearer(login.Tokens.AccessToken);
    }

    private static Metadata Bearer(string token) => new() { { "authorization", "Bearer " + token } };

    private static async Task<RpcException> FailsAsync(Func<Task> call) =>
        await Assert.ThrowsAsync<RpcException>(() => call().WaitAsync(TestTimeouts.Call));
}
