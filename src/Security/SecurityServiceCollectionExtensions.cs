using FileDescriptor = Google.Protobuf.Reflection.FileDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SentinelSync.Security.Internal;

namespace SentinelSync.Security;

/// <summary>Registers access control, edge authentication and rate limiting.</summary>
public static class SecurityServiceCollectionExtensions
{
    /// <summary>The authentication scheme of bearer access tokens and API keys.</summary>
    public const string AuthenticationScheme = "Sentinel";

    /// <summary>The claim carrying the principal's kind (<c>person</c>, <c>apikey</c>, …).</summary>
    public const string KindClaim = "sentinel:kind";

    /// <summary>The claim carrying one permission.</summary>
    public const string PermissionClaim = "sentinel:permission";

    /// <summary>
    /// Adds what every service process needs to enforce the access rules of the contracts: binds and validates
    /// <see cref="SecurityOptions"/> (<c>Security:InternalSigningKey</c> is required), registers
    /// <see cref="MethodAccessTable"/>, <see cref="PermissionModel"/>, <see cref="AccessPolicy"/>,
    /// <see cref="PrincipalSigner"/>, and the gRPC access-control interceptor on every service. Safe to call more than once.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="extraContracts">Proto files beyond <c>ContractCatalog.Files</c> whose methods this process serves (tests).</param>
    public static IServiceCollection AddSentinelAccessControl(this IServiceCollection services, IEnumerable<FileDescriptor>? extraContracts = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(service => service.ServiceType == typeof(AccessControlMarker)))
        {
            return services;
        }

        services.AddSingleton<AccessControlMarker>();
        services.AddOptions<SecurityOptions>().BindConfiguration(SecurityOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SecurityOptions>, SecurityOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        var files = extraContracts?.ToArray() ?? [];
        services.TryAddSingleton(_ => new MethodAccessTable(files));
        services.TryAddSingleton<PermissionModel>();
        services.TryAddSingleton<AccessPolicy>();
        services.TryAddSingleton<PrincipalSigner>();
        services.TryAddSingleton<AccessTokenCodec>();
        services.TryAddSingleton<PrincipalResolver>();
        services.TryAddSingleton<ClientAddressResolver>();
        services.AddGrpc(options => options.Interceptors.Add<AccessControlInterceptor>());
        return services;
    }

    /// <summary>
    /// Adds the <see cref="AuthenticationScheme"/> scheme for HTTP requests at the edge (bearer access tokens and
    /// API keys) and makes it the default. Use <c>app.UseAuthentication()</c> before the rate limiter.
    /// </summary>
    public static IServiceCollection AddSentinelAuthentication(this IServiceCollection services)
    {
        services.AddSentinelAccessControl();
        services.AddAuthentication(AuthenticationScheme)
            .AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, SentinelAuthenticationHandler>(AuthenticationScheme, null);
        return services;
    }

    /// <summary>
    /// Adds ASP.NET Core rate limiting partitioned by principal (when authenticated) and by client address, with
    /// limits from <see cref="RateLimitingOptions"/> (section <c>Security:RateLimit</c>). Refusals answer 429
    /// (REST) or RESOURCE_EXHAUSTED (gRPC) with Retry-After. Use <c>app.UseRateLimiter()</c> after authentication.
    /// </summary>
    public static IServiceCollection AddSentinelRateLimiting(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<RateLimitingOptions>().BindConfiguration(RateLimitingOptions.Section).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RateLimitingOptions>, RateLimitingOptionsValidator>());
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<RateLimitingOptions>, ClientAddressResolver>((options, limits, addresses) =>
        {
            options.GlobalLimiter = RateLimitPartitions.Create(limits.Value, addresses);
            options.OnRejected = RateLimitRejection.WriteAsync;
        });
        return services;
    }

    /// <summary>Marks that access control is registered.</summary>
    private sealed class AccessControlMarker;
}
