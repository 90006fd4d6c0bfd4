using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using SentinelSync.Security.Tests.Fortress;

namespace SentinelSync.Security.Tests;

/// <summary>Keys, options and principals shared by the tests.</summary>
internal static class TestSecurity
{
    public static readonly string SigningKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public static readonly MethodAccessTable Table = new([FortressReflection.Descriptor]);

    public static readonly PermissionModel Model = new(Table);

    public static IOptions<SecurityOptions> Options(string? key = null) =>
        Microsoft.Extensions.Options.Options.Create(new SecurityOptions { InternalSigningKey = key ?? SigningKey });

    public static SentinelPrincipal Person(string name, params string[] roles) => new(name, PrincipalKind.Person, roles, Model.Resolve(roles));

    public static SentinelPrincipal ApiKey(string id, params string[] roles) => new(id, PrincipalKind.ApiKey, roles, Model.Resolve(roles));

    public static SentinelPrincipal Agent(string name) => new(name, PrincipalKind.Agent, [], new HashSet<string>());

    public static string Path(string method) => "/sentinel.securitytest.v1.FortressService/" + method;
}
