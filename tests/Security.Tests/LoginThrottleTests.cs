using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using SentinelSync.Security.Internal;
using SentinelSync.Storage;
using SentinelSync.Testing;

namespace SentinelSync.Security.Tests;

/// <summary>The login throttle on a real PostgreSQL: counts per username and per address, shared by every replica.</summary>
[Collection(PostgresCollection.Name)]
public sealed class LoginThrottleTests
{
    private readonly PostgresFixture _postgres;

    public LoginThrottleTests(PostgresFixture postgres) => _postgres = postgres;

    [Fact]
    public async Task RetryAfter_FiveFailuresForUser_ThrottledUntilWindowPasses()
    {
        await using var dataSource = await DatabaseAsync();
        var clock = new ManualClock();
        var throttle = new LoginThrottle(dataSource, TestSecurity.Options(), clock);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(await throttle.RetryAfterAsync("alice", "10.0.0." + i, Token()));
            await throttle.RecordFailureAsync("alice", "10.0.0." + i, Token());
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var wait = await throttle.RetryAfterAsync("alice", "192.0.2.1", Token());
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.Null(await throttle.RetryAfterAsync("bob", "192.0.2.1", Token()));

        clock.Advance(wait.Value);
        Assert.Null(await throttle.RetryAfterAsync("alice", "192.0.2.1", Token()));
    }

    [Fact]
    public async Task RetryAfter_ManyUsersFromOneAddress_AddressThrottled()
    {
        await using var dataSource = await DatabaseAsync();
        var options = Options.Create(new SecurityOptions { InternalSigningKey = TestSecurity.SigningKey, MaxFailedLoginsPerAddress = 3 });
        var throttle = new LoginThrottle(dataSource, options, new ManualClock());
        for (var i = 0; i < 3; i++)
        {
            await throttle.RecordFailureAsync("user" + i, "198.51.100.7", Token());
        }

        Assert.NotNull(await throttle.RetryAfterAsync("someone-else", "198.51.100.7", Token()));
        Assert.Null(await throttle.RetryAfterAsync("someone-else", "198.51.100.8", Token()));
    }

    [Fact]
    public async Task RecordSuccess_ClearsUserFailures()
    {
        await using var dataSource = await DatabaseAsync();
        var throttle = new LoginThrottle(dataSource, TestSecurity.Options(), new ManualClock());
        for (var i = 0; i < 4; i++)
        {
            await throttle.RecordFailureAsync("alice", "a" + i, Token());
        }

        await throttle.RecordSuccessAsync("alice", Token());
        await throttle.RecordFailureAsync("alice", "b", Token());

        Assert.Null(await throttle.RetryAfterAsync("alice", "c", Token()));
    }

    [Fact]
    public async Task RetryAfter_FailuresRecordedByAnotherReplica_Throttled()
    {
        // Two replicas of the gateway: separate processes in production, separate throttles over one database here.
        await using var first = await DatabaseAsync();
        await using var second = NpgsqlDataSource.Create(first.ConnectionString);
        var clock = new ManualClock();
        var one = new LoginThrottle(first, TestSecurity.Options(), clock);
        var other = new LoginThrottle(second, TestSecurity.Options(), clock);
        for (var i = 0; i < 5; i++)
        {
            await (i % 2 == 0 ? one : other).RecordFailureAsync("alice", "203.0.113." + i, Token());
        }

        Assert.NotNull(await one.RetryAfterAsync("alice", "192.0.2.9", Token()));
        Assert.NotNull(await other.RetryAfterAsync("alice", "192.0.2.9", Token()));
    }

    [Fact]
    public async Task RecordFailure_OverlongUsername_CountedByHash()
    {
        await using var dataSource = await DatabaseAsync();
        var throttle = new LoginThrottle(dataSource, TestSecurity.Options(), new ManualClock());
        var name = new string('x', 10_000);
        for (var i = 0; i < 5; i++)
        {
            await throttle.RecordFailureAsync(name, "a" + i, Token());
        }

        Assert.NotNull(await throttle.RetryAfterAsync(name, "b", Token()));
        await using var longest = dataSource.CreateCommand("SELECT max(length(key)) FROM auth.login_failures");
        Assert.True((int)(await longest.ExecuteScalarAsync(Token()))! <= 110);
    }

    [Fact]
    public async Task RecordFailure_OldFailures_Pruned()
    {
        await using var dataSource = await DatabaseAsync();
        var clock = new ManualClock();
        var throttle = new LoginThrottle(dataSource, TestSecurity.Options(), clock);
        await throttle.RecordFailureAsync("alice", "a", Token());
        clock.Advance(TimeSpan.FromMinutes(16));
        await throttle.RecordFailureAsync("bob", "b", Token());

        await using var keys = dataSource.CreateCommand("SELECT count(*) FROM auth.login_failures");
        Assert.Equal(2L, await keys.ExecuteScalarAsync(Token()));
    }

    private static CancellationToken Token() => new CancellationTokenSource(TestTimeouts.Call).Token;

    private async Task<NpgsqlDataSource> DatabaseAsync()
    {
        using var cts = new CancellationTokenSource(TestTimeouts.Call);
        var dataSource = NpgsqlDataSource.Create(await _postgres.CreateDatabaseAsync(cts.Token));
        await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync(AuthRoleExtensions.Schema, typeof(AuthRoleExtensions).Assembly, cts.Token);
        return dataSource;
    }
}
