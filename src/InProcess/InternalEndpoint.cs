using Microsoft.Extensions.Configuration;

namespace SentinelSync.InProcess;

/// <summary>
/// This process's internal endpoint (<c>Listen:Internal</c>) as a client on this machine reaches it: the address of
/// every role the process serves itself, and the one <see cref="InProcessServer.CreateHandler"/> keeps in memory.
/// </summary>
public static class InternalEndpoint
{
    /// <summary>Where the internal endpoint listens when <c>Listen:Internal</c> is not set.</summary>
    public const string DefaultListen = "http://127.0.0.1:7403";

    /// <summary>The configured internal endpoint as a client address, e.g. <c>http://127.0.0.1:7403</c>.</summary>
    /// <param name="configuration">The host's configuration.</param>
    public static string Address(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return ClientAddress(configuration["Listen:Internal"] ?? DefaultListen);
    }

    /// <summary>A listen URL as a client on this machine reaches it: a wildcard host becomes 127.0.0.1, no trailing slash.</summary>
    /// <param name="listen">A listen URL such as <c>http://*:7403</c>.</param>
    public static string ClientAddress(string listen)
    {
        ArgumentNullException.ThrowIfNull(listen);
        return listen.Replace("://*:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://+:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://0.0.0.0:", "://127.0.0.1:", StringComparison.Ordinal)
            .Replace("://[::]:", "://127.0.0.1:", StringComparison.Ordinal)
            .TrimEnd('/');
    }
}
