using System.Collections.Frozen;
using Google.Protobuf.Reflection;
using SentinelSync.Contracts;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Security;

/// <summary>
/// The access rule of every gRPC method the process knows, by full method path (<c>/package.Service/Method</c>),
/// read from the <c>(sentinel.auth.v1.access)</c> option of the descriptors.
/// </summary>
/// <remarks>Immutable and safe to share between threads.</remarks>
public sealed class MethodAccessTable
{
    private readonly FrozenDictionary<string, MethodDescriptor> _methods;

    /// <summary>A table of the platform's contracts (<see cref="ContractCatalog.Files"/>) and any extra files.</summary>
    public MethodAccessTable(IEnumerable<FileDescriptor>? extraFiles = null)
    {
        var files = ContractCatalog.Files.Concat(extraFiles ?? []).DistinctBy(file => file.Name);
        _methods = files
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods)
            .ToFrozenDictionary(method => Path(method), StringComparer.Ordinal);
    }

    /// <summary>Every known method.</summary>
    public IEnumerable<MethodDescriptor> Methods => _methods.Values;

    /// <summary>The full path of a method as it appears on the wire and in <c>ServerCallContext.Method</c>.</summary>
    public static string Path(MethodDescriptor method) => "/" + method.Service.FullName + "/" + method.Name;

    /// <summary>Finds a method by path.</summary>
    public bool TryGetMethod(string path, out MethodDescriptor method) => _methods.TryGetValue(path, out method!);

    /// <summary>The access rule of the method at <paramref name="path"/>; null when the method is unknown or declares none.</summary>
    public Access? GetAccess(string path) => _methods.TryGetValue(path, out var method) ? ContractCatalog.GetAccess(method) : null;
}
