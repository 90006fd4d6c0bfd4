using System.Globalization;
using System.Text.RegularExpressions;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Security.Internal;

/// <summary><c>sentinel.auth.v1.AuthService</c>: logins and sessions, API keys, users and roles.</summary>
internal sealed partial class AuthGrpcService : AuthService.AuthServiceBase
{
    private static readonly TimeSpan MaxApiKeyLifetime = TimeSpan.FromDays(365);

    private readonly AuthStore _store;
    private readonly RoleDirectory _roles;
    private readonly AccessTokenCodec _tokens;
    private readonly LoginThrottle _throttle;
    private readonly ClientAddressResolver _addresses;
    private readonly SecurityOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AuthGrpcService> _logger;

    public AuthGrpcService(
        AuthStore store,
        RoleDirectory roles,
        AccessTokenCodec tokens,
        LoginThrottle throttle,
        ClientAddressResolver addresses,
        IOptions<SecurityOptions> options,
        TimeProvider time,
        ILogger<AuthGrpcService> logger)
    {
        _store = store;
        _roles = roles;
        _tokens = tokens;
        _throttle = throttle;
        _addresses = addresses;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public override async Task<LoginResponse> Login(LoginRequest request, ServerCallContext context)
    {
        var username = NormalizeUsername(request.Username);
        var user = await CheckPasswordAsync(username, request.Password, context);
        if (user.MustChangePassword)
        {
            throw new RpcException(new Status(
                StatusCode.FailedPrecondition,
                $"The password of '{username}' must be changed before the first login: call ChangePassword (POST /v1/users/{username}/password)."));
        }

        SecurityLog.LoggedIn(_logger, username, Address(context));
        var tokens = await IssueSessionAsync(user, Guid.NewGuid(), context.CancellationToken);
        return new LoginResponse { Tokens = tokens, User = ToMessage(user) };
    }

    public override async Task<RefreshResponse> Refresh(RefreshRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        if (request.RefreshToken.Length is 0 or > 256)
        {
            throw Unauthenticated("The refresh token is not valid; log in again.");
        }

        var now = _time.GetUtcNow();
        var (next, nextHash) = RefreshTokenSecret.Create();
        var expiresAt = now.Add(_options.RefreshTokenLifetime);
        var (outcome, username) = await _store.RotateRefreshTokenAsync(RefreshTokenSecret.Hash(request.RefreshToken), nextHash, now, expiresAt, cancellationToken);
        switch (outcome)
        {
            case RefreshOutcome.Reused:
                SecurityLog.RefreshTokenReused(_logger, username);
                throw Unauthenticated("The refresh token was already used, so the session is revoked; log in again.");
            case RefreshOutcome.Invalid:
                throw Unauthenticated("The refresh token is not valid, expired or revoked; log in again.");
        }

        var user = await _store.FindUserAsync(username, cancellationToken) ?? throw Unauthenticated("The user no longer exists.");
        var access = await IssueAccessTokenAsync(user, cancellationToken);
        return new RefreshResponse
        {
            Tokens = new TokenPair
            {
                AccessToken = access.Token,
                AccessTokenExpiresAt = Timestamp.FromDateTimeOffset(access.ExpiresAt),
                RefreshToken = next,
                RefreshTokenExpiresAt = Timestamp.FromDateTimeOffset(expiresAt),
            },
        };
    }

    public override async Task<LogoutResponse> Logout(LogoutRequest request, ServerCallContext context)
    {
        // Unknown tokens are not an error: logging out twice, or with a revoked token, ends in the same state.
        if (request.RefreshToken.Length is > 0 and <= 256)
        {
            await _store.RevokeFamilyAsync(RefreshTokenSecret.Hash(request.RefreshToken), _time.GetUtcNow(), context.CancellationToken);
        }

        return new LogoutResponse();
    }

    public override async Task<ChangePasswordResponse> ChangePassword(ChangePasswordRequest request, ServerCallContext context)
    {
        var username = NormalizeUsername(request.Username);
        if (PasswordRules.Check(request.NewPassword) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"new_password: {problem}."));
        }

        if (request.NewPassword == request.CurrentPassword)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "new_password: must differ from the current password."));
        }

        await CheckPasswordAsync(username, request.CurrentPassword, context);
        await _store.SetPasswordAsync(username, PasswordHasher.Hash(request.NewPassword), _time.GetUtcNow(), context.CancellationToken);
        SecurityLog.PasswordChanged(_logger, username);
        return new ChangePasswordResponse();
    }

    public override async Task<CreateApiKeyResponse> CreateApiKey(CreateApiKeyRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var caller = Caller(context);
        if (request.Name.Trim().Length is 0 or > 100)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name: give the key a name of 1 to 100 characters."));
        }

        if (request.Ttl is null || request.Ttl.ToTimeSpan() <= TimeSpan.Zero || request.Ttl.ToTimeSpan() > MaxApiKeyLifetime)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "ttl: required, more than 0 and at most 365 days."));
        }

        var roles = await CheckGrantableRolesAsync(request.Roles, caller, requireOne: true, cancellationToken);
        var now = _time.GetUtcNow();
        var (id, key, secretHash) = ApiKeySecret.Create();
        var record = new ApiKeyRecord(id, request.Name.Trim(), secretHash, roles, caller.Name, now, now.Add(request.Ttl.ToTimeSpan()), null);
        await _store.InsertApiKeyAsync(record, cancellationToken);
        SecurityLog.ApiKeyCreated(_logger, caller.Name, id, record.Name, string.Join(',', roles));
        return new CreateApiKeyResponse { ApiKey = ToMessage(record), Secret = key };
    }

    public override async Task<ListApiKeysResponse> ListApiKeys(ListApiKeysRequest request, ServerCallContext context)
    {
        var keys = await _store.ListApiKeysAsync(request.IncludeRevoked, context.CancellationToken);
        var response = new ListApiKeysResponse();
        response.ApiKeys.AddRange(keys.Select(ToMessage));
        return response;
    }

    public override async Task<RevokeApiKeyResponse> RevokeApiKey(RevokeApiKeyRequest request, ServerCallContext context)
    {
        var record = await _store.RevokeApiKeyAsync(request.KeyId, _time.GetUtcNow(), context.CancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"key_id: no API key '{request.KeyId}'; list them with ListApiKeys."));
        SecurityLog.ApiKeyRevoked(_logger, Caller(context).Name, record.KeyId);
        return new RevokeApiKeyResponse { ApiKey = ToMessage(record) };
    }

    public override async Task<CreateUserResponse> CreateUser(CreateUserRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var caller = Caller(context);
        var username = request.Username.Trim();
        if (!UsernamePattern().IsMatch(username))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "username: 1 to 64 characters: lowercase letters, digits, '.', '_' or '-', starting with a letter or digit."));
        }

        if (PasswordRules.Check(request.Password) is { } problem)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"password: {problem}."));
        }

        var roles = await CheckGrantableRolesAsync(request.Roles, caller, requireOne: false, cancellationToken);
        var user = new UserRecord(username, PasswordHasher.Hash(request.Password), roles, MustChangePassword: true, _time.GetUtcNow());
        if (!await _store.TryCreateUserAsync(user, cancellationToken))
        {
            throw new RpcException(new Status(StatusCode.AlreadyExists, $"username: a user '{username}' already exists."));
        }

        SecurityLog.UserCreated(_logger, caller.Name, username, string.Join(',', roles));
        return new CreateUserResponse { User = ToMessage(user) };
    }

    public override async Task<ListUsersResponse> ListUsers(ListUsersRequest request, ServerCallContext context)
    {
        var users = await _store.ListUsersAsync(context.CancellationToken);
        var response = new ListUsersResponse();
        response.Users.AddRange(users.Select(ToMessage));
        return response;
    }

    public override async Task<SetUserRolesResponse> SetUserRoles(SetUserRolesRequest request, ServerCallContext context)
    {
        var cancellationToken = context.CancellationToken;
        var caller = Caller(context);
        var roles = await CheckGrantableRolesAsync(request.Roles, caller, requireOne: false, cancellationToken);
        var user = await _store.SetUserRolesAsync(request.Username, roles, cancellationToken)
            ?? throw new RpcException(new Status(StatusCode.NotFound, $"username: no user '{request.Username}'."));
        SecurityLog.UserRolesSet(_logger, caller.Name, user.Username, string.Join(',', roles));
        return new SetUserRolesResponse { User = ToMessage(user) };
    }

    public override async Task<ListRolesResponse> ListRoles(ListRolesRequest request, ServerCallContext context)
    {
        var response = new ListRolesResponse();
        foreach (var name in BuiltInRoles.Names)
        {
            response.Roles.Add(new Role { Name = name, BuiltIn = true, Permissions = { _roles.Model.BuiltIn[name].Order(StringComparer.Ordinal) } });
        }

        foreach (var (name, permissions) in await _store.ListCustomRolesAsync(context.CancellationToken))
        {
            response.Roles.Add(new Role { Name = name, Permissions = { permissions } });
        }

        return response;
    }

    public override async Task<PutRoleResponse> PutRole(PutRoleRequest request, ServerCallContext context)
    {
        var caller = Caller(context);
        if (!RoleNamePattern().IsMatch(request.Name))
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "name: 1 to 32 characters: lowercase letters, digits, '_' or '-', starting with a letter."));
        }

        if (_roles.Model.BuiltIn.ContainsKey(request.Name))
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"name: '{request.Name}' is a built-in role derived from the contracts and cannot be changed; choose another name."));
        }

        var permissions = request.Permissions.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var unknown = permissions.Where(permission => !_roles.Model.AllPermissions.Contains(permission)).ToArray();
        if (unknown.Length > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"permissions: unknown permission(s) {string.Join(", ", unknown)}; ListRoles shows the admin role's complete list."));
        }

        var beyond = permissions.Where(permission => !caller.HasPermission(permission)).ToArray();
        if (beyond.Length > 0)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"permissions: you cannot grant permissions you do not hold: {string.Join(", ", beyond)}."));
        }

        await _store.PutRoleAsync(request.Name, permissions, _time.GetUtcNow(), context.CancellationToken);
        SecurityLog.RolePut(_logger, caller.Name, request.Name, permissions.Length);
        return new PutRoleResponse { Role = new Role { Name = request.Name, Permissions = { permissions } } };
    }

    private static SentinelPrincipal Caller(ServerCallContext context) =>
        context.GetSentinelPrincipal() ?? throw new RpcException(new Status(StatusCode.Unauthenticated, "This method needs a signed-in caller."));

    private static string NormalizeUsername(string username) => username.Trim().ToLowerInvariant();

    /// <summary>The client's address, through trusted proxies: the gateway's own hop included.</summary>
    private string Address(ServerCallContext context) => _addresses.Resolve(context.GetHttpContext());

    private static RpcException Unauthenticated(string message) => new(new Status(StatusCode.Unauthenticated, message));

    /// <summary>
    /// Checks a username and password under the throttle. Unknown users cost the same PBKDF2 work as known ones,
    /// and both failures read alike, so neither timing nor message tells whether the user exists.
    /// </summary>
    private async Task<UserRecord> CheckPasswordAsync(string username, string password, ServerCallContext context)
    {
        var address = Address(context);
        if (await _throttle.RetryAfterAsync(username, address, context.CancellationToken) is { } wait)
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));
            SecurityLog.LoginThrottled(_logger, username, address, wait);
            context.ResponseTrailers.Add("retry-after", seconds.ToString(CultureInfo.InvariantCulture));
            throw new RpcException(new Status(StatusCode.ResourceExhausted, $"Too many failed logins; retry after {seconds} s."));
        }

        var user = username.Length is > 0 and <= 64 && password.Length <= PasswordRules.MaximumLength
            ? await _store.FindUserAsync(username, context.CancellationToken)
            : null;
        var valid = PasswordHasher.Verify(user?.PasswordHash ?? PasswordHasher.DecoyHash, password.Length <= PasswordRules.MaximumLength ? password : string.Empty);
        if (user is null || !valid)
        {
            await _throttle.RecordFailureAsync(username, address, context.CancellationToken);
            SecurityLog.LoginFailed(_logger, username, address);
            throw Unauthenticated("Wrong username or password.");
        }

        await _throttle.RecordSuccessAsync(username, context.CancellationToken);
        return user;
    }

    private async Task<IReadOnlyList<string>> CheckGrantableRolesAsync(IEnumerable<string> requested, SentinelPrincipal caller, bool requireOne, CancellationToken cancellationToken)
    {
        var roles = requested.Select(role => role.Trim()).Distinct(StringComparer.Ordinal).ToArray();
        if (requireOne && roles.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "roles: name at least one role."));
        }

        var unknown = await _roles.FindUnknownAsync(roles, cancellationToken);
        if (unknown.Count > 0)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"roles: unknown role(s) {string.Join(", ", unknown)}; ListRoles shows them."));
        }

        var granted = await _roles.ResolveAsync(roles, cancellationToken);
        var beyond = granted.Where(permission => !caller.HasPermission(permission)).Order(StringComparer.Ordinal).ToArray();
        if (beyond.Length > 0)
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"roles: you cannot grant permissions you do not hold: {string.Join(", ", beyond)}."));
        }

        return roles;
    }

    private async Task<TokenPair> IssueSessionAsync(UserRecord user, Guid familyId, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var access = await IssueAccessTokenAsync(user, cancellationToken);
        var (refresh, refreshHash) = RefreshTokenSecret.Create();
        var refreshExpiresAt = now.Add(_options.RefreshTokenLifetime);
        await _store.InsertRefreshTokenAsync(refreshHash, familyId, user.Username, now, refreshExpiresAt, cancellationToken);
        return new TokenPair
        {
            AccessToken = access.Token,
            AccessTokenExpiresAt = Timestamp.FromDateTimeOffset(access.ExpiresAt),
            RefreshToken = refresh,
            RefreshTokenExpiresAt = Timestamp.FromDateTimeOffset(refreshExpiresAt),
        };
    }

    private async Task<(string Token, DateTimeOffset ExpiresAt)> IssueAccessTokenAsync(UserRecord user, CancellationToken cancellationToken)
    {
        var permissions = await _roles.ResolveAsync(user.Roles, cancellationToken);
        var token = _tokens.Issue(new SentinelPrincipal(user.Username, PrincipalKind.Person, user.Roles, permissions), out var expiresAt);
        return (token, expiresAt);
    }

    private static User ToMessage(UserRecord user) => new()
    {
        Username = user.Username,
        Roles = { user.Roles },
        CreatedAt = Timestamp.FromDateTimeOffset(user.CreatedAt),
        MustChangePassword = user.MustChangePassword,
    };

    private static ApiKey ToMessage(ApiKeyRecord key) => new()
    {
        KeyId = key.KeyId,
        Name = key.Name,
        Roles = { key.Roles },
        CreatedBy = key.CreatedBy,
        CreatedAt = Timestamp.FromDateTimeOffset(key.CreatedAt),
        ExpiresAt = Timestamp.FromDateTimeOffset(key.ExpiresAt),
        Revoked = key.RevokedAt is not null,
    };

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]{0,63}$")]
    private static partial Regex UsernamePattern();

    [GeneratedRegex("^[a-z][a-z0-9_-]{0,31}$")]
    private static partial Regex RoleNamePattern();
}
