namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// Builds the <see cref="DescriptorIndex"/> on the first reflection request, when every service has been mapped.
/// </summary>
internal sealed class ReflectionIndexSource
{
    private readonly Lazy<DescriptorIndex> _index;

    public ReflectionIndexSource(ServiceCatalog catalog) =>
        _index = new Lazy<DescriptorIndex>(() => new DescriptorIndex(catalog.Services), LazyThreadSafetyMode.ExecutionAndPublication);

    public DescriptorIndex Index => _index.Value;
}
