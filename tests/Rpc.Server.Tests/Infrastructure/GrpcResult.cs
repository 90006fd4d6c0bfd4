using System.Net;
using System.Net.Http.Headers;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>A whole gRPC response as it came off the wire.</summary>
public sealed class GrpcResult
{
    private GrpcResult(HttpStatusCode httpStatus, HttpResponseHeaders headers, HttpContentHeaders contentHeaders, HttpResponseHeaders trailers, byte[] body)
    {
        HttpStatus = httpStatus;
        Headers = headers;
        ContentHeaders = contentHeaders;
        Trailers = trailers;
        Body = body;
        Messages = GrpcWire.ParseMessages(body);
    }

    public HttpStatusCode HttpStatus { get; }

    public HttpResponseHeaders Headers { get; }

    public HttpContentHeaders ContentHeaders { get; }

    public HttpResponseHeaders Trailers { get; }

    public byte[] Body { get; }

    public IReadOnlyList<GrpcMessage> Messages { get; }

    /// <summary>Whether the status came in the headers (a trailers-only response).</summary>
    public bool IsTrailersOnly => Headers.Contains("grpc-status") && Body.Length == 0 && !Trailers.Any();

    /// <summary>The grpc-status, from the trailers or, for a trailers-only response, the headers.</summary>
    public int? Status => int.TryParse(Header("grpc-status"), out var status) ? status : null;

    /// <summary>The raw (percent-encoded) grpc-message.</summary>
    public string? RawMessage => Header("grpc-message");

    /// <summary>A header of the trailers, or of the headers when the response is trailers-only.</summary>
    public string? Header(string name)
    {
        if (Trailers.TryGetValues(name, out var values) || Headers.TryGetValues(name, out values))
        {
            return string.Join(",", values);
        }

        return null;
    }

    public static async Task<GrpcResult> ReadAsync(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsByteArrayAsync();
        return new GrpcResult(response.StatusCode, response.Headers, response.Content.Headers, response.TrailingHeaders, body);
    }
}
