using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using SentinelSync.Security.Internal;
using SentinelSync.Storage;

namespace SentinelSync.Security;

/// <summary>Adds the auth role (<c>sentinel.auth.v1.AuthService</c>, schema <c>auth</c>) to a host; the gateway role composes it.</summary>
public static class AuthRoleExtensions
{
    /// <summary>The role's PostgreSQL schema.</summary>
    public const string Schema = "auth";

    /// <summary>
    /// Registers the auth role: access control (<see cref="SecurityServiceCollectionExtensions.AddSentinelAccessControl"/>),
    /// the <c>auth</c> schema migrations, the store, API-key authentication, the login throttle and the
    /// creation of the initial admin at the first start. Needs <c>Database:ConnectionString</c> and
    /// <c>Security:InternalSigningKey</c>.
    /// </summary>
    public static WebApplicationBuilder AddAuth(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        services.AddSentinelAccessControl();
        services.AddSchemaMigrations(Schema, typeof(AuthRoleExtensions).Assembly);
        services.TryAddSingleton<AuthStore>();
        services.TryAddSingleton<RoleDirectory>();
        services.TryAddSingleton<ApiKeyAuthenticator>();
        services.TryAddSingleton<LoginThrottle>();
        services.TryAddSingleton<InitialAdminOutput>();
        // After the schema migration (registered above), before any call is served.
        services.AddHostedService<InitialAdminCreator>();
        return builder;
    }

    /// <summary>Maps <c>sentinel.auth.v1.AuthService</c>.</summary>
    public static WebApplication MapAuth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        app.MapGrpcService<AuthGrpcService>();
        return app;
    }
}
