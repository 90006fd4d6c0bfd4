using System.Net;

namespace SentinelSync.Server.Hosting;

/// <summary>A parsed listen URL: scheme, address and port.</summary>
internal sealed record ListenAddress(bool Tls, IPAddress? Address, bool Localhost, int Port)
{
    /// <summary>Parses <c>http(s)://host:port</c> where host is an IP address, <c>localhost</c>, <c>*</c> or <c>+</c>.</summary>
    public static bool TryParse(string? value, out ListenAddress address, out string error)
    {
        address = new ListenAddress(false, IPAddress.Loopback, false, 0);
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(value))
        {
            error = "is empty; give a URL such as http://127.0.0.1:7400.";
            return false;
        }

        // Uri does not accept '*' or '+' as a host; treat them as "any address".
        var anyHost = value.Contains("://*:", StringComparison.Ordinal) || value.Contains("://+:", StringComparison.Ordinal);
        var parseable = anyHost ? value.Replace("://*:", "://0.0.0.0:", StringComparison.Ordinal).Replace("://+:", "://0.0.0.0:", StringComparison.Ordinal) : value;
        if (!Uri.TryCreate(parseable, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            error = $"'{value}' is not an absolute http:// or https:// URL.";
            return false;
        }

        if (uri.AbsolutePath != "/" || !string.IsNullOrEmpty(uri.Query))
        {
            error = $"'{value}' has a path or query; give only scheme, host and port.";
            return false;
        }

        if (uri.IsDefaultPort && !value.Contains($":{uri.Port}", StringComparison.Ordinal))
        {
            error = $"'{value}' has no port; give one explicitly, e.g. {uri.Scheme}://{uri.Host}:7400.";
            return false;
        }

        var tls = uri.Scheme == Uri.UriSchemeHttps;
        if (uri.IsLoopback && uri.Host == "localhost")
        {
            address = new ListenAddress(tls, null, true, uri.Port);
            return true;
        }

        if (!IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip))
        {
            error = $"'{value}' names host '{uri.Host}'; give an IP address, 'localhost' or '*'.";
            return false;
        }

        address = new ListenAddress(tls, anyHost ? IPAddress.IPv6Any : ip, false, uri.Port);
        return true;
    }
}
