namespace SentinelSync.Bench.Rpc;

/// <summary>The <c>--name value</c> options of one RpcBench command.</summary>
internal sealed class BenchArgs
{
    private readonly Dictionary<string, string> _values;

    private BenchArgs(Dictionary<string, string> values) => _values = values;

    public static BenchArgs Parse(IEnumerable<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        string? name = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("--", StringComparison.Ordinal))
            {
                name = arg[2..];
                values[name] = "true";
            }
            else if (name is not null)
            {
                values[name] = arg;
                name = null;
            }
            else
            {
                throw new ArgumentException($"Unexpected argument '{arg}'.");
            }
        }

        return new BenchArgs(values);
    }

    public static int Usage()
    {
        Console.Error.WriteLine("usage: RpcBench run [--out FILE] | serve --mode grpc|raw | stream-client --address URL --client grpc|raw --count N");
        return 2;
    }

    public string Get(string name, string fallback) => _values.GetValueOrDefault(name, fallback);

    public string Require(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new ArgumentException($"Missing --{name}.");

    public int GetInt(string name, int fallback) => _values.TryGetValue(name, out var value) ? int.Parse(value) : fallback;
}
