using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway;

/// <summary>Which role serves a contract service, from its proto package (<c>sentinel.&lt;area&gt;.v1</c>).</summary>
public static class ServiceRoles
{
    /// <summary>The gateway role's name (it serves <c>sentinel.auth</c> itself).</summary>
    public const string Gateway = "gateway";

    private static readonly Dictionary<string, string> RoleByArea = new(StringComparer.Ordinal)
    {
        ["asset"] = "asset",
        ["agent"] = "agent-gateway",
        ["auth"] = Gateway,
        ["backup"] = "backup",
        ["command"] = "command",
        ["log"] = "log",
        ["insight"] = "insight",
    };

    /// <summary>The role that serves <paramref name="service"/>.</summary>
    /// <exception cref="InvalidOperationException">The service's package maps to no role; the message names it.</exception>
    public static string RoleOf(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        return TryGetRole(service.File.Package, out var role)
            ? role
            : throw new InvalidOperationException(
                $"Service {service.FullName} (package '{service.File.Package}') maps to no role: add its area to SentinelSync.Gateway.ServiceRoles.");
    }

    /// <summary>The role of a <c>sentinel.&lt;area&gt;.v1</c> package.</summary>
    public static bool TryGetRole(string package, out string role)
    {
        ArgumentNullException.ThrowIfNull(package);
        role = string.Empty;
        var parts = package.Split('.');
        return parts.Length >= 3 && parts[0] == "sentinel" && RoleByArea.TryGetValue(parts[1], out role!);
    }
}
