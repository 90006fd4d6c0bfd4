using System.Buffers;
using SentinelSync.Bench.Rpc.V1;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// Checks one Echo call with a client nobody here wrote (<c>curl --http2-prior-knowledge</c>):
/// HTTP 200, <c>application/grpc</c>, one framed EchoResponse equal to the request, and
/// <c>grpc-status: 0</c>.
/// </summary>
internal static class CurlProbe
{
    /// <returns>One line saying what was verified.</returns>
    /// <exception cref="InvalidOperationException">The response is not a successful echo.</exception>
    public static async Task<string> EchoAsync(Uri method, string requestFile, EchoRequest sent, string workDirectory, string label, CancellationToken cancellationToken)
    {
        var headersFile = Path.Combine(workDirectory, $"probe-{label}.headers");
        var bodyFile = Path.Combine(workDirectory, $"probe-{label}.body");
        var info = ChildProcess.Tool(
            "curl", "-sS", "--http2-prior-knowledge",
            "-H", "content-type: application/grpc",
            "-H", "te: trailers",
            "--data-binary", "@" + requestFile,
            "-D", headersFile,
            "-o", bodyFile,
            method.ToString());
        var output = await ChildProcess.RunAsync(info, TimeSpan.FromSeconds(30), cancellationToken);
        if (output.ExitCode != 0)
        {
            throw new InvalidOperationException($"curl probe failed ({output.ExitCode}): {output.Stderr}");
        }

        // curl writes the response headers, then the trailers, to the -D file.
        var lines = (await File.ReadAllLinesAsync(headersFile, cancellationToken)).Select(line => line.Trim()).ToArray();
        var statusLine = lines.FirstOrDefault(line => line.StartsWith("HTTP/", StringComparison.Ordinal)) ?? "(none)";
        var contentType = Header(lines, "content-type");
        var grpcStatus = Header(lines, "grpc-status");
        var body = await File.ReadAllBytesAsync(bodyFile, cancellationToken);
        var problems = new List<string>();
        if (statusLine != "HTTP/2 200")
        {
            problems.Add($"status line '{statusLine}'");
        }

        if (contentType is null || !contentType.StartsWith("application/grpc", StringComparison.Ordinal))
        {
            problems.Add($"content-type '{contentType}'");
        }

        if (grpcStatus != "0")
        {
            problems.Add($"grpc-status '{grpcStatus ?? "(none)"}'");
        }

        if (Framing.ReadPrefix(new ReadOnlySequence<byte>(body), maxLength: 4096) is not { } length || body.Length != Framing.PrefixSize + length)
        {
            problems.Add($"body of {body.Length} bytes is not one message");
        }
        else
        {
            var echoed = EchoResponse.Parser.ParseFrom(body.AsSpan(Framing.PrefixSize));
            if (echoed.Id != sent.Id || echoed.Payload != sent.Payload)
            {
                problems.Add($"echo differs: {echoed}");
            }
        }

        if (problems.Count > 0)
        {
            throw new InvalidOperationException($"curl probe of {label} failed: {string.Join("; ", problems)}. Headers:\n{string.Join('\n', lines)}");
        }

        return $"curl --http2-prior-knowledge: {statusLine}, content-type {contentType}, echo of {body.Length - Framing.PrefixSize} bytes matches, grpc-status 0";
    }

    private static string? Header(string[] lines, string name)
    {
        var prefix = name + ":";
        return lines.Where(line => line.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Select(line => line[prefix.Length..].Trim()).LastOrDefault();
    }
}
