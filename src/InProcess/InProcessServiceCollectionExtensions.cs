using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.InProcess;

/// <summary>Registers <see cref="InProcessServer"/> around the host's server.</summary>
public static class InProcessServiceCollectionExtensions
{
    /// <summary>
    /// Wraps the registered <see cref="IServer"/> (Kestrel) in an <see cref="InProcessServer"/>, resolvable as both.
    /// Call after the server is registered (<c>WebApplication.CreateSlimBuilder</c> registers Kestrel).
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <exception cref="InvalidOperationException">No server is registered yet.</exception>
    public static IServiceCollection AddInProcessServer(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        if (services.Any(descriptor => descriptor.ServiceType == typeof(InProcessServer)))
        {
            return services;
        }

        var registered = services.LastOrDefault(descriptor => descriptor.ServiceType == typeof(IServer) && !descriptor.IsKeyedService)
            ?? throw new InvalidOperationException("AddInProcessServer: no IServer is registered to wrap; register the server (Kestrel) first.");
        services.Remove(registered);
        services.AddSingleton(provider => new InProcessServer(Create(provider, registered)));
        services.AddSingleton<IServer>(static provider => provider.GetRequiredService<InProcessServer>());
        return services;
    }

    private static IServer Create(IServiceProvider provider, ServiceDescriptor registered) =>
        (IServer)(registered.ImplementationInstance
            ?? registered.ImplementationFactory?.Invoke(provider)
            ?? ActivatorUtilities.CreateInstance(provider, registered.ImplementationType!));
}
