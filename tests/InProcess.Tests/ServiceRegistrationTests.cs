using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.InProcess.Tests;

public sealed class ServiceRegistrationTests
{
    [Fact]
    public void AddInProcessServer_WithoutAServer_SaysToRegisterOneFirst()
    {
        var error = Assert.Throws<InvalidOperationException>(() => new ServiceCollection().AddInProcessServer());

        Assert.Contains("no IServer is registered", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddInProcessServer_Twice_WrapsOnce()
    {
        var services = WebApplication.CreateSlimBuilder().Services;

        services.AddInProcessServer().AddInProcessServer();

        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(InProcessServer));
        Assert.Single(services, descriptor => descriptor.ServiceType == typeof(IServer));
    }
}
