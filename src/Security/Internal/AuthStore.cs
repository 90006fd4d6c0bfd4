using Npgsql;
using NpgsqlTypes;

namespace SentinelSync.Security.Internal;

/// <summary>
/// The auth role's tables in the <c>auth</c> schema, with parameterized SQL through the shared
/// <see cref="NpgsqlDataSource"/>. Only this role reads them.
/// </summary>
internal sealed class AuthStore
{
    private readonly NpgsqlDataSource _dataSource;

    public AuthStore(NpgsqlDataSource dataSource) => _dataSource = dataSource;

    public async Task<bool> AnyUserAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT EXISTS (SELECT 1 FROM auth.users)");
        return (bool)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    /// <summary>Inserts a user unless the name is taken; true when inserted.</summary>
    public async Task<bool> TryCreateUserAsync(UserRecord user, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO auth.users (username, password_hash, roles, must_change_password, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING");
        command.Parameters.Add(new() { Value = user.Username });
        command.Parameters.Add(new() { Value = user.PasswordHash });
        command.Parameters.Add(new() { Value = user.Roles.ToArray() });
        command.Parameters.Add(new() { Value = user.MustChangePassword });
        command.Parameters.Add(new() { Value = user.CreatedAt });
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task<UserRecord?> FindUserAsync(string username, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT username, password_hash, roles, must_change_password, created_at FROM auth.users WHERE username = $1");
        command.Parameters.Add(new() { Value = username });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    public async Task<IReadOnlyList<UserRecord>> ListUsersAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "SELECT username, password_hash, roles, must_change_password, created_at FROM auth.users ORDER BY username");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var users = new List<UserRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            users.Add(ReadUser(reader));
        }

        return users;
    }

    public async Task<UserRecord?> SetUserRolesAsync(string username, IReadOnlyList<string> roles, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE auth.users SET roles = $2 WHERE username = $1 RETURNING username, password_hash, roles, must_change_password, created_at");
        command.Parameters.Add(new() { Value = username });
        command.Parameters.Add(new() { Value = roles.ToArray() });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadUser(reader) : null;
    }

    /// <summary>Replaces the password, clears must-change and revokes every session of the user.</summary>
    public async Task SetPasswordAsync(string username, string passwordHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var batch = _dataSource.CreateBatch();
        var update = new NpgsqlBatchCommand("UPDATE auth.users SET password_hash = $2, must_change_password = false WHERE username = $1");
        update.Parameters.Add(new() { Value = username });
        update.Parameters.Add(new() { Value = passwordHash });
        var revoke = new NpgsqlBatchCommand("UPDATE auth.refresh_tokens SET revoked_at = $2 WHERE username = $1 AND revoked_at IS NULL");
        revoke.Parameters.Add(new() { Value = username });
        revoke.Parameters.Add(new() { Value = now });
        batch.BatchCommands.Add(update);
        batch.BatchCommands.Add(revoke);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task InsertRefreshTokenAsync(byte[] tokenHash, Guid familyId, string username, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO auth.refresh_tokens (token_hash, family_id, username, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)");
        command.Parameters.Add(new() { Value = tokenHash });
        command.Parameters.Add(new() { Value = familyId });
        command.Parameters.Add(new() { Value = username });
        command.Parameters.Add(new() { Value = now });
        command.Parameters.Add(new() { Value = expiresAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Presents a refresh token: a current one is marked used and replaced by <paramref name="newHash"/> in the
    /// same family; one already used revokes the family (someone holds a stolen copy). One transaction, the old
    /// row locked, so two concurrent uses cannot both rotate.
    /// </summary>
    public async Task<(RefreshOutcome Outcome, string Username)> RotateRefreshTokenAsync(
        byte[] oldHash, byte[] newHash, DateTimeOffset now, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        Guid familyId;
        string username;
        bool used;
        await using (var select = new NpgsqlCommand(
            "SELECT family_id, username, used_at IS NOT NULL, revoked_at IS NOT NULL OR expires_at <= $2 FROM auth.refresh_tokens WHERE token_hash = $1 FOR UPDATE",
            connection,
            transaction))
        {
            select.Parameters.Add(new() { Value = oldHash });
            select.Parameters.Add(new() { Value = now });
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken) || reader.GetBoolean(3))
            {
                return (RefreshOutcome.Invalid, string.Empty);
            }

            familyId = reader.GetGuid(0);
            username = reader.GetString(1);
            used = reader.GetBoolean(2);
        }

        if (used)
        {
            await using var revoke = new NpgsqlCommand(
                "UPDATE auth.refresh_tokens SET revoked_at = $2 WHERE family_id = $1 AND revoked_at IS NULL", connection, transaction);
            revoke.Parameters.Add(new() { Value = familyId });
            revoke.Parameters.Add(new() { Value = now });
            await revoke.ExecuteNonQueryAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return (RefreshOutcome.Reused, username);
        }

        await using (var markUsed = new NpgsqlCommand("UPDATE auth.refresh_tokens SET used_at = $2 WHERE token_hash = $1", connection, transaction))
        {
            markUsed.Parameters.Add(new() { Value = oldHash });
            markUsed.Parameters.Add(new() { Value = now });
            await markUsed.ExecuteNonQueryAsync(cancellationToken);
        }

        await using (var insert = new NpgsqlCommand(
            "INSERT INTO auth.refresh_tokens (token_hash, family_id, username, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)", connection, transaction))
        {
            insert.Parameters.Add(new() { Value = newHash });
            insert.Parameters.Add(new() { Value = familyId });
            insert.Parameters.Add(new() { Value = username });
            insert.Parameters.Add(new() { Value = now });
            insert.Parameters.Add(new() { Value = expiresAt });
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (RefreshOutcome.Rotated, username);
    }

    /// <summary>Revokes the family of a refresh token; false when the token is unknown.</summary>
    public async Task<bool> RevokeFamilyAsync(byte[] tokenHash, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE auth.refresh_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE family_id = (SELECT family_id FROM auth.refresh_tokens WHERE token_hash = $1)");
        command.Parameters.Add(new() { Value = tokenHash });
        command.Parameters.Add(new() { Value = now });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task InsertApiKeyAsync(ApiKeyRecord key, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO auth.api_keys (key_id, name, secret_hash, roles, created_by, created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)");
        command.Parameters.Add(new() { Value = key.KeyId });
        command.Parameters.Add(new() { Value = key.Name });
        command.Parameters.Add(new() { Value = key.SecretHash });
        command.Parameters.Add(new() { Value = key.Roles.ToArray() });
        command.Parameters.Add(new() { Value = key.CreatedBy });
        command.Parameters.Add(new() { Value = key.CreatedAt });
        command.Parameters.Add(new() { Value = key.ExpiresAt });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<ApiKeyRecord?> FindApiKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(ApiKeyColumns + " WHERE key_id = $1");
        command.Parameters.Add(new() { Value = keyId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadApiKey(reader) : null;
    }

    public async Task<IReadOnlyList<ApiKeyRecord>> ListApiKeysAsync(bool includeRevoked, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(ApiKeyColumns + " WHERE $1 OR revoked_at IS NULL ORDER BY created_at, key_id");
        command.Parameters.Add(new() { Value = includeRevoked });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyRecord>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(ReadApiKey(reader));
        }

        return keys;
    }

    public async Task<ApiKeyRecord?> RevokeApiKeyAsync(string keyId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "UPDATE auth.api_keys SET revoked_at = COALESCE(revoked_at, $2) WHERE key_id = $1 RETURNING key_id, name, secret_hash, roles, created_by, created_at, expires_at, revoked_at");
        command.Parameters.Add(new() { Value = keyId });
        command.Parameters.Add(new() { Value = now });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? ReadApiKey(reader) : null;
    }

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> ListCustomRolesAsync(CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand("SELECT name, permissions FROM auth.roles ORDER BY name");
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var roles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        while (await reader.ReadAsync(cancellationToken))
        {
            roles[reader.GetString(0)] = reader.GetFieldValue<string[]>(1);
        }

        return roles;
    }

    public async Task PutRoleAsync(string name, IReadOnlyList<string> permissions, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = _dataSource.CreateCommand(
            "INSERT INTO auth.roles (name, permissions, updated_at) VALUES ($1, $2, $3) ON CONFLICT (name) DO UPDATE SET permissions = EXCLUDED.permissions, updated_at = EXCLUDED.updated_at");
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = permissions.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = now });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private const string ApiKeyColumns = "SELECT key_id, name, secret_hash, roles, created_by, created_at, expires_at, revoked_at FROM auth.api_keys";

    private static UserRecord ReadUser(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetFieldValue<string[]>(2),
        reader.GetBoolean(3),
        reader.GetFieldValue<DateTimeOffset>(4));

    private static ApiKeyRecord ReadApiKey(NpgsqlDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetFieldValue<byte[]>(2),
        reader.GetFieldValue<string[]>(3),
        reader.GetString(4),
        reader.GetFieldValue<DateTimeOffset>(5),
        reader.GetFieldValue<DateTimeOffset>(6),
        reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7));
}
