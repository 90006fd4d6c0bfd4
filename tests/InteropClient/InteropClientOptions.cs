using System.Globalization;

namespace SentinelSync.InteropClient;

/// <summary>The interop client's command line, with the official flag names.</summary>
public sealed class InteropClientOptions
{
    /// <summary>The name the test certificate is issued to, claimed by default over TLS as in the gRPC interop setup.</summary>
    public const string DefaultServerHostOverride = "foo.test.google.fr";

    /// <summary>The usage text.</summary>
    public const string Usage = """
        usage: InteropClient --server_port=N [--server_host=localhost] [--test_case=all|NAME[,NAME...]]
                             [--use_tls=false] [--use_test_ca=false] [--server_host_override=HOST]
                             [--ca_file=PATH] [--rpc_timeout_s=20]
        --server_host_override defaults to foo.test.google.fr with TLS; it is the TLS name and the :authority.
        --use_test_ca trusts certs/ca.pem beside the executable (or --ca_file) besides the system roots.
        --rpc_timeout_s is a safety deadline for every RPC whose case sets none (0 for none).
        Prints 'PASS case' or 'FAIL case: reason' per case; exit 0 only when every case passed.
        """;

    /// <summary>The server's host name or address.</summary>
    public string ServerHost { get; init; } = "localhost";

    /// <summary>The server's port.</summary>
    public int ServerPort { get; init; }

    /// <summary>A case, several separated by commas, or <c>all</c>.</summary>
    public string TestCase { get; init; } = "large_unary";

    /// <summary>Whether to connect with TLS.</summary>
    public bool UseTls { get; init; }

    /// <summary>Whether to trust the interop test CA.</summary>
    public bool UseTestCa { get; init; }

    /// <summary>The TLS name and <c>:authority</c> to claim; null for the server host (defaults to the test name with TLS).</summary>
    public string? ServerHostOverride { get; init; }

    /// <summary>The test CA certificate; null for <c>certs/ca.pem</c> beside the executable.</summary>
    public string? CaFile { get; init; }

    /// <summary>The safety deadline of RPCs whose case sets none; <see cref="TimeSpan.Zero"/> for none.</summary>
    public TimeSpan RpcTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Parses <c>--flag=value</c> (or <c>--flag value</c>) arguments.</summary>
    /// <exception cref="ArgumentException">An unknown flag or a bad value.</exception>
    public static InteropClientOptions Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }

            var equals = arg.IndexOf('=', StringComparison.Ordinal);
            if (equals > 0)
            {
                values[arg[2..equals]] = arg[(equals + 1)..];
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                values[arg[2..]] = args[++i];
            }
            else
            {
                values[arg[2..]] = "true";
            }
        }

        var useTls = Bool(values, "use_tls");
        var options = new InteropClientOptions
        {
            ServerHost = Take(values, "server_host") ?? "localhost",
            ServerPort = Int(values, "server_port") ?? throw new ArgumentException("--server_port is required."),
            TestCase = Take(values, "test_case") ?? "large_unary",
            UseTls = useTls,
            UseTestCa = Bool(values, "use_test_ca"),
            ServerHostOverride = NullIfEmpty(Take(values, "server_host_override") ?? (useTls ? DefaultServerHostOverride : null)),
            CaFile = Take(values, "ca_file"),
            RpcTimeout = TimeSpan.FromSeconds(Int(values, "rpc_timeout_s") ?? 20),
        };

        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown flag(s): {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        }

        return options;
    }

    private static string? Take(Dictionary<string, string> values, string name) =>
        values.Remove(name, out var value) ? value : null;

    private static bool Bool(Dictionary<string, string> values, string name) => Take(values, name) switch
    {
        null or "false" or "0" => false,
        "true" or "1" => true,
        var other => throw new ArgumentException($"--{name} must be true or false, not '{other}'."),
    };

    private static int? Int(Dictionary<string, string> values, string name)
    {
        var text = Take(values, name);
        if (text is null)
        {
            return null;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"--{name} must be a non-negative integer, not '{text}'.");
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
