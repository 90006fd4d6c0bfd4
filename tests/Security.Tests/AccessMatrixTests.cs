using Google.Protobuf.Reflection;
using SentinelSync.Contracts;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Security.Tests;

/// <summary>
/// The generated access matrix: for every RPC of the contracts and every kind of caller, AccessPolicy gives
/// exactly what the method's access option and the caller's role say. The expectation is written here
/// independently of PermissionModel, so a wrong derivation fails, and a new RPC without a rule fails.
/// </summary>
public sealed class AccessMatrixTests
{
    public static readonly string[] Callers = ["anonymous", "viewer", "operator", "admin", "apikey-viewer", "agent", "internal"];

    private static readonly MethodAccessTable Contracts = new();
    private static readonly PermissionModel ContractModel = new(Contracts);
    private static readonly AccessPolicy Policy = new(Contracts);

    public static TheoryData<string, string> MethodsByCaller()
    {
        var data = new TheoryData<string, string>();
        foreach (var method in ContractCatalog.Services.SelectMany(service => service.Methods))
        {
            foreach (var caller in Callers)
            {
                data.Add(MethodAccessTable.Path(method), caller);
            }
        }

        return data;
    }

    public static TheoryData<string> Methods()
    {
        var data = new TheoryData<string>();
        foreach (var method in ContractCatalog.Services.SelectMany(service => service.Methods))
        {
            data.Add(MethodAccessTable.Path(method));
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(MethodsByCaller))]
    public void Decide_EveryContractMethodAndCaller_MatchesAccessOptionAndRole(string path, string caller)
    {
        Assert.True(Contracts.TryGetMethod(path, out var method));
        var access = ContractCatalog.GetAccess(method);
        Assert.True(access is not null, $"{path} declares no (sentinel.auth.v1.access) option.");

        var decision = Policy.Decide(path, Principal(caller));

        var expected = Expected(access!, caller);
        Assert.True(expected == decision.Kind, $"{path} for {caller}: expected {expected}, got {decision.Kind} ({decision.Reason}).");
        if (decision.Kind == AccessDecisionKind.Denied && ContractCatalog.GetCaller(access!) == Caller.Operator)
        {
            Assert.Equal(access!.Permission, decision.Permission);
            Assert.Contains(access.Permission, decision.Reason, StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(Methods))]
    public void ContractMethod_DeclaresAccessAndOperatorMethodsNamePermissionInBuiltInAdmin(string path)
    {
        Assert.True(Contracts.TryGetMethod(path, out var method));
        var access = ContractCatalog.GetAccess(method);

        Assert.True(access is not null, $"{path} has no (sentinel.auth.v1.access) option: every RPC must say who may call it.");
        if (ContractCatalog.GetCaller(access!) == Caller.Operator)
        {
            Assert.False(string.IsNullOrEmpty(access!.Permission), $"{path} is for operators but names no permission.");
            Assert.Contains(access.Permission, ContractModel.BuiltIn[BuiltInRoles.Admin]);
        }
    }

    [Fact]
    public void Decide_MethodWithoutAccessOption_DeniedForEveryone()
    {
        var policy = new AccessPolicy(TestSecurity.Table);
        var path = TestSecurity.Path("UndeclaredThing");

        foreach (var principal in new[] { null, TestSecurity.Person("root", BuiltInRoles.Admin), SentinelPrincipal.Service("gateway"), TestSecurity.Agent("agent") })
        {
            Assert.Equal(AccessDecisionKind.Denied, policy.Decide(path, principal).Kind);
        }
    }

    [Fact]
    public void Decide_ServiceWithNamedPermission_AllowedForThatOperatorMethodOnly()
    {
        var watcher = SentinelPrincipal.Service("agent-gateway", "asset.agents.read");

        Assert.Equal(AccessDecisionKind.Allow, Policy.Decide("/sentinel.asset.v1.AssetService/WatchAgents", watcher).Kind);
        var denied = Policy.Decide("/sentinel.asset.v1.AssetService/DecommissionAgent", watcher);
        Assert.Equal(AccessDecisionKind.Denied, denied.Kind);
        Assert.Equal("asset.agents.decommission", denied.Permission);
    }

    [Fact]
    public void Decide_UnknownMethod_Denied()
    {
        Assert.Equal(AccessDecisionKind.Denied, Policy.Decide("/sentinel.nothing.v1.Nope/Call", TestSecurity.Person("root", BuiltInRoles.Admin)).Kind);
    }

    [Fact]
    public void Decide_HealthAndReflection_Allowed()
    {
        Assert.Equal(AccessDecisionKind.Allow, Policy.Decide("/grpc.health.v1.Health/Check", null).Kind);
        Assert.Equal(AccessDecisionKind.Allow, Policy.Decide("/grpc.reflection.v1.ServerReflection/ServerReflectionInfo", null).Kind);
    }

    [Fact]
    public void BuiltInRoles_DerivedFromContracts_ReadsWritesAndAuthSplitAsDocumented()
    {
        var viewer = ContractModel.BuiltIn[BuiltInRoles.Viewer];
        var @operator = ContractModel.BuiltIn[BuiltInRoles.Operator];
        var admin = ContractModel.BuiltIn[BuiltInRoles.Admin];

        Assert.Contains("asset.agents.read", viewer);
        Assert.DoesNotContain("asset.agents.write", viewer);
        Assert.Contains("asset.agents.write", @operator);
        Assert.Contains("asset.agents.decommission", @operator);
        Assert.DoesNotContain("auth.users.create", @operator);
        Assert.DoesNotContain("auth.users.read", viewer);
        Assert.Contains("auth.users.create", admin);
        Assert.Subset(new HashSet<string>(admin), new HashSet<string>(@operator));
        Assert.Subset(new HashSet<string>(@operator), new HashSet<string>(viewer));
    }

    [Fact]
    public void Resolve_CustomRole_GrantsOnlyKnownPermissions()
    {
        var custom = new Dictionary<string, IReadOnlyList<string>> { ["auditor"] = ["auth.users.read", "made.up.permission"] };

        var permissions = ContractModel.Resolve(["auditor"], custom);

        Assert.Equal(["auth.users.read"], permissions.ToArray());
    }

    private static AccessDecisionKind Expected(Access access, string caller)
    {
        switch (ContractCatalog.GetCaller(access))
        {
            case Caller.Anonymous:
                return AccessDecisionKind.Allow;
            case Caller.Agent:
                return caller switch { "agent" => AccessDecisionKind.Allow, "anonymous" => AccessDecisionKind.Unauthenticated, _ => AccessDecisionKind.Denied };
            case Caller.Internal:
                return caller switch { "internal" => AccessDecisionKind.Allow, "anonymous" => AccessDecisionKind.Unauthenticated, _ => AccessDecisionKind.Denied };
            default:
                var permission = access.Permission;
                var area = permission.Split('.')[0];
                var verb = permission.Split('.')[^1];
                var isRead = verb is "read" or "list" or "watch";
                bool allowed = caller switch
                {
                    "anonymous" => false,
                    "viewer" or "apikey-viewer" => area != "auth" && isRead,
                    "operator" => area != "auth",
                    "admin" => true,
                    _ => false,
                };
                return caller == "anonymous" ? AccessDecisionKind.Unauthenticated : allowed ? AccessDecisionKind.Allow : AccessDecisionKind.Denied;
        }
    }

    private static SentinelPrincipal? Principal(string caller) => caller switch
    {
        "anonymous" => null,
        "viewer" => Person(BuiltInRoles.Viewer),
        "operator" => Person(BuiltInRoles.Operator),
        "admin" => Person(BuiltInRoles.Admin),
        "apikey-viewer" => new SentinelPrincipal("0123456789abcdef", PrincipalKind.ApiKey, [BuiltInRoles.Viewer], ContractModel.Resolve([BuiltInRoles.Viewer])),
        "agent" => TestSecurity.Agent("CN=agent-1"),
        "internal" => SentinelPrincipal.Service("agent-gateway"),
        _ => throw new ArgumentOutOfRangeException(nameof(caller)),
    };

    private static SentinelPrincipal Person(string role) => new("person-" + role, PrincipalKind.Person, [role], ContractModel.Resolve([role]));
}
