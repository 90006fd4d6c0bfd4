using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace SentinelSync.Asset.Inventory;

/// <summary>Registers the inventory storage of the <c>asset</c> role.</summary>
public static class InventoryServiceCollectionExtensions
{
    /// <summary>
    /// Registers the inventory store. The <c>asset</c> schema migrations, the database and the agent registry are
    /// registered by the role.
    /// </summary>
    public static IServiceCollection AddAssetInventory(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<InventoryStore>();
        return services;
    }
}
