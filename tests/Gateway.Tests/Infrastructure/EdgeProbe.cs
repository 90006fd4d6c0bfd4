using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Grpc.Core;

namespace SentinelSync.Gateway.Tests;

/// <summary>
/// Raw calls at the edge for any method, whatever its types: a gRPC call with one empty message, or a REST request,
/// answered with the status and message the caller sees. A streaming answer is judged by its head and first message,
/// then abandoned, so an admitted watch does not hold the probe.
/// </summary>
internal static class EdgeProbe
{
    private static readonly byte[] EmptyMessage = new byte[5];

    public static async Task<(StatusCode Status, string Message)> GrpcAsync(HttpClient http, string path, IEnumerable<KeyValuePair<string, string>> headers)
    {
        using var cts = new CancellationTokenSource(EdgeCalls.Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(EmptyMessage),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("grpc-timeout", "10S");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            return (response.StatusCode == HttpStatusCode.NotFound ? StatusCode.Unimplemented : StatusCode.Unknown, $"HTTP {(int)response.StatusCode}");
        }

        if (TryStatus(response.Headers, out var trailersOnly))
        {
            return trailersOnly;
        }

        // 1. The first message (5-byte prefix) means the call was admitted and is running: OK for the probe.
        await using var body = await response.Content.ReadAsStreamAsync(cts.Token);
        var prefix = new byte[5];
        var read = 0;
        while (read < prefix.Length && await body.ReadAsync(prefix.AsMemory(read), cts.Token) is var n and > 0)
        {
            read += n;
        }

        if (read == prefix.Length)
        {
            return (StatusCode.OK, "admitted: first message received");
        }

        // 2. No message: the status is in the trailers.
        return TryStatus(response.TrailingHeaders, out var trailers) ? trailers : (StatusCode.Internal, "no grpc-status");
    }

    public static async Task<(HttpStatusCode Status, string Body)> RestAsync(HttpClient http, HttpMethod method, string path, string? json, IEnumerable<KeyValuePair<string, string>> headers)
    {
        using var cts = new CancellationTokenSource(EdgeCalls.Timeout);
        using var request = EdgeCalls.Request(method, path, null, json);
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        if (response.Content.Headers.ContentType?.MediaType == "application/x-ndjson")
        {
            // An admitted stream: its first line is enough.
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
            return (response.StatusCode, await reader.ReadLineAsync(cts.Token) ?? string.Empty);
        }

        return (response.StatusCode, await response.Content.ReadAsStringAsync(cts.Token));
    }

    private static bool TryStatus(HttpHeaders headers, out (StatusCode, string) status)
    {
        status = default;
        if (!headers.TryGetValues("grpc-status", out var values))
        {
            return false;
        }

        var code = (StatusCode)int.Parse(values.First(), CultureInfo.InvariantCulture);
        var message = headers.TryGetValues("grpc-message", out var messages) ? Uri.UnescapeDataString(messages.First()) : string.Empty;
        status = (code, message);
        return true;
    }
}
