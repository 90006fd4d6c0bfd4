using Grpc.Health.V1;
using SentinelSync.Contracts;
using SentinelSync.Gateway.Internal;

namespace SentinelSync.Gateway.Tests;

public sealed class RouteTableTests
{
    private const string Local = "http://127.0.0.1:7403";

    [Fact]
    public void Create_ContractCatalog_RoutesEveryOperatorServiceToItsRole()
    {
        var table = GatewayRouteTable.Create(ContractCatalog.Services, new GatewayOptions(), Local);

        foreach (var service in ContractCatalog.Services)
        {
            if (service.File.Package.StartsWith("sentinel.agent.", StringComparison.Ordinal))
            {
                // Agents use their own mTLS endpoint; the edge does not route them.
                Assert.DoesNotContain(table.Routes, route => route.RouteId == service.FullName);
                continue;
            }

            var route = Assert.Single(table.Routes, route => route.RouteId == service.FullName);
            Assert.Equal("/" + service.FullName + "/{**method}", route.Match.Path);
            Assert.Equal(ServiceRoles.RoleOf(service), route.ClusterId);
        }

        Assert.Equal("gateway", table.RoleByService["sentinel.auth.v1.AuthService"]);
        Assert.Equal("asset", table.RoleByService["sentinel.asset.v1.AssetService"]);
        Assert.Equal("gateway", table.RoleByService["grpc.health.v1.Health"]);
    }

    [Fact]
    public void RoleOf_ServiceOfUnmappedPackage_ThrowsNamingIt()
    {
        var service = HealthReflection.Descriptor.Services[0];

        var error = Assert.Throws<InvalidOperationException>(() => ServiceRoles.RoleOf(service));

        Assert.Contains("grpc.health.v1.Health", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Create_ConfiguredReplicas_ClusterHasEveryReplicaAndGatewayStaysLocal()
    {
        var options = new GatewayOptions();
        options.Roles["asset"] = new GatewayRoleOptions { Addresses = ["http://asset-0:7403/", "http://asset-1:7403"] };
        options.Roles["gateway"] = new GatewayRoleOptions { Addresses = ["http://elsewhere:7403"] };

        var table = GatewayRouteTable.Create(ContractCatalog.Services, options, Local);

        var asset = Assert.Single(table.Clusters, cluster => cluster.ClusterId == "asset");
        Assert.Equal(["http://asset-0:7403", "http://asset-1:7403"], asset.Destinations!.Values.Select(d => d.Address).Order());
        Assert.True(asset.HealthCheck!.Active!.Enabled);
        Assert.Equal("TransportFailureRate", asset.HealthCheck.Passive!.Policy);
        Assert.True(asset.HealthCheck.Passive.Enabled);
        Assert.Equal(new Version(2, 0), asset.HttpRequest!.Version);
        var gateway = Assert.Single(table.Clusters, cluster => cluster.ClusterId == "gateway");
        Assert.Equal(Local, Assert.Single(gateway.Destinations!.Values).Address);
        Assert.False(gateway.HealthCheck!.Passive!.Enabled);
        Assert.All(table.Routes, route => Assert.Contains(route.Transforms!, transform => transform.TryGetValue("X-Forwarded", out var action) && action == "Off"));
    }
}
