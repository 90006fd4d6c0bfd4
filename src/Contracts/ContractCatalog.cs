using Google.Protobuf.Reflection;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Contracts;

/// <summary>
/// The platform's contracts as descriptors: every proto file compiled into this library, its services and
/// the access rule of each method. Gateways, reflection and authorization read from here.
/// </summary>
public static class ContractCatalog
{
    private static readonly Lazy<IReadOnlyList<FileDescriptor>> LazyFiles = new(LoadFiles);

    /// <summary>Every file of the <c>sentinel.*</c> packages.</summary>
    public static IReadOnlyList<FileDescriptor> Files => LazyFiles.Value;

    /// <summary>Every service of the <c>sentinel.*</c> packages.</summary>
    public static IEnumerable<ServiceDescriptor> Services => Files.SelectMany(file => file.Services);

    /// <summary>The access rule a method declares with <c>(sentinel.auth.v1.access)</c>, or null when it declares none.</summary>
    public static Access? GetAccess(MethodDescriptor method)
    {
        ArgumentNullException.ThrowIfNull(method);
        return method.GetOptions()?.GetExtension(AccessExtensions.Access);
    }

    /// <summary>The caller kind of a method, with UNSPECIFIED read as OPERATOR.</summary>
    public static Caller GetCaller(Access access)
    {
        ArgumentNullException.ThrowIfNull(access);
        return access.Caller == Caller.Unspecified ? Caller.Operator : access.Caller;
    }

    private static IReadOnlyList<FileDescriptor> LoadFiles()
    {
        // Listed by hand because the agent binary is trimmed; a test checks that every compiled
        // sentinel.* file appears here, so a new proto cannot be forgotten.
        FileDescriptor[] files =
        [
            AccessReflection.Descriptor,
            AuthReflection.Descriptor,
            Agent.V1.AgentGatewayReflection.Descriptor,
            Asset.V1.AssetReflection.Descriptor,
        ];
        return files.OrderBy(file => file.Name, StringComparer.Ordinal).ToArray();
    }
}
