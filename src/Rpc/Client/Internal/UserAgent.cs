using System.Reflection;
using System.Runtime.InteropServices;

namespace Grpc.Net.Client.Internal;

/// <summary>The <c>user-agent</c> of every call, in the <c>grpc-{language}/{version}</c> shape of PROTOCOL-HTTP2.</summary>
internal static class UserAgent
{
    public static readonly string Value = Create();

    private static string Create()
    {
        var version = typeof(UserAgent).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0.0.0";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        if (plus >= 0)
        {
            version = version[..plus];
        }

        return $"grpc-dotnet-sentinelsync/{version} (.NET {Environment.Version}; {RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()})";
    }
}
