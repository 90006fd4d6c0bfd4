using System.Globalization;

namespace SentinelSync.InteropServer;

/// <summary>The interop server's flags, in the interop style (<c>--port=N --use_tls=true</c>).</summary>
public sealed class InteropServerOptions
{
    /// <summary>The port on 127.0.0.1 and [::1]; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>Whether to serve TLS (ALPN h2) with the interop test certificate instead of h2c.</summary>
    public bool UseTls { get; init; }

    /// <summary>Parses <c>--port=N</c> and <c>--use_tls=BOOL</c>; unknown flags are an error.</summary>
    /// <exception cref="ArgumentException">A flag is unknown or its value is not valid.</exception>
    public static InteropServerOptions Parse(IEnumerable<string> args)
    {
        var port = 0;
        var useTls = false;
        foreach (var arg in args)
        {
            var separator = arg.IndexOf('=', StringComparison.Ordinal);
            var name = separator < 0 ? arg : arg[..separator];
            var value = separator < 0 ? "true" : arg[(separator + 1)..];
            switch (name)
            {
                case "--port":
                    if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out port) || port > 65535)
                    {
                        throw new ArgumentException($"--port={value}: expected a port number from 0 to 65535.");
                    }

                    break;
                case "--use_tls":
                    useTls = value.ToLowerInvariant() switch
                    {
                        "true" or "1" or "yes" => true,
                        "false" or "0" or "no" => false,
                        _ => throw new ArgumentException($"--use_tls={value}: expected true or false."),
                    };
                    break;
                default:
                    throw new ArgumentException($"Unknown flag '{arg}'. Flags: --port=N (0 picks a free port), --use_tls=true|false.");
            }
        }

        return new InteropServerOptions { Port = port, UseTls = useTls };
    }
}
