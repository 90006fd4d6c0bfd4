using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Npgsql;

namespace SentinelSync.Security.Internal;

/// <summary>
/// Counts failed logins per username and per client address in a sliding window, in PostgreSQL
/// (<c>auth.login_failures</c>) so that every replica of the gateway sees the same counts; past the limit further
/// attempts are refused until the oldest counted failure leaves the window. Usernames are counted whether or not
/// the user exists, so the throttle reveals nothing.
/// </summary>
/// <remarks>
/// Thread-safe. Check and record are separate statements, so attempts racing on several replicas may exceed a limit
/// by the number in flight; each of them still costs a full password hash.
/// </remarks>
internal sealed class LoginThrottle
{
    private const int MaxKeyLength = 100;

    private readonly NpgsqlDataSource _dataSource;
    private readonly SecurityOptions _options;
    private readonly TimeProvider _time;

    public LoginThrottle(NpgsqlDataSource dataSource, IOptions<SecurityOptions> options, TimeProvider time)
    {
        _dataSource = dataSource;
        _options = options.Value;
        _time = time;
    }

    /// <summary>How long the caller must wait before trying again, or null when it may try now.</summary>
    public async Task<TimeSpan?> RetryAfterAsync(string username, string address, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var (user, client) = (UserKey(username), AddressKey(address));

        // The limit-th most recent failure of each key within the window decides when a slot frees up.
        await using var command = _dataSource.CreateCommand(
            """
            SELECT max(failed_at) FROM (
                SELECT key, failed_at, row_number() OVER (PARTITION BY key ORDER BY failed_at DESC) AS n
                FROM auth.login_failures WHERE key = ANY($1) AND failed_at > $2) recent
            WHERE (key = $3 AND n = $4) OR (key = $5 AND n = $6)
            """);
        command.Parameters.Add(new() { Value = new[] { user, client } });
        command.Parameters.Add(new() { Value = now - _options.FailedLoginWindow });
        command.Parameters.Add(new() { Value = user });
        command.Parameters.Add(new() { Value = (long)_options.MaxFailedLoginsPerUser });
        command.Parameters.Add(new() { Value = client });
        command.Parameters.Add(new() { Value = (long)_options.MaxFailedLoginsPerAddress });
        return await command.ExecuteScalarAsync(cancellationToken) is DateTime deciding
            ? new DateTimeOffset(deciding, TimeSpan.Zero) + _options.FailedLoginWindow - now
            : null;
    }

    /// <summary>Counts one failure against the username and the address, and forgets failures older than the window.</summary>
    public async Task RecordFailureAsync(string username, string address, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        await using var batch = _dataSource.CreateBatch();
        var insert = new NpgsqlBatchCommand("INSERT INTO auth.login_failures (key, failed_at) VALUES ($1, $3), ($2, $3)");
        insert.Parameters.Add(new() { Value = UserKey(username) });
        insert.Parameters.Add(new() { Value = AddressKey(address) });
        insert.Parameters.Add(new() { Value = now });
        var prune = new NpgsqlBatchCommand("DELETE FROM auth.login_failures WHERE failed_at <= $1");
        prune.Parameters.Add(new() { Value = now - _options.FailedLoginWindow });
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(prune);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Forgets the username's failures (its address's stay counted).</summary>
    public async Task RecordSuccessAsync(string username, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("DELETE FROM auth.login_failures WHERE key = $1");
        command.Parameters.Add(new() { Value = UserKey(username) });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static string UserKey(string username) => Key("u:", username);

    private static string AddressKey(string address) => Key("a:", address);

    /// <summary>A bounded key: an over-long name (never a valid username) is counted by its hash.</summary>
    private static string Key(string prefix, string value) => value.Length <= MaxKeyLength
        ? prefix + value
        : prefix + "sha256:" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
