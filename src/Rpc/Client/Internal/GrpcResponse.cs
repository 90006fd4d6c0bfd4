using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Security.Authentication;
using Grpc.Core;
using Grpc.Core.Internal;

namespace Grpc.Net.Client.Internal;

/// <summary>Reads a gRPC response: header validation, status, metadata, and transport failures as statuses.</summary>
internal static class GrpcResponse
{
    public const string MissingResponseMessage = "Failed to deserialize response message.";

    /// <summary>
    /// Validates the response headers. Returns null when the call goes on (messages follow), otherwise the
    /// status that ends it: from <c>grpc-status</c> in the headers (a trailers-only response,
    /// <paramref name="trailersOnly"/> true), or from a response that is not gRPC.
    /// </summary>
    public static Status? ValidateHeaders(HttpResponseMessage response, out bool trailersOnly)
    {
        // An explicit grpc-status wins over everything else (http-grpc-status-mapping.md).
        var status = TryGetStatus(response.Headers);
        trailersOnly = status is not null;
        if (trailersOnly)
        {
            return status;
        }

        if (response.Version < HttpVersion.Version20)
        {
            return new Status(StatusCode.Internal, $"Bad gRPC response. Response protocol downgraded to HTTP/{response.Version.ToString(2)}.");
        }

        if (response.StatusCode != HttpStatusCode.OK)
        {
            return new Status(MapHttpStatus(response.StatusCode), "Bad gRPC response. HTTP status code: " + ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture));
        }

        // Content-type is a content header; NonValidated reads it without parsing.
        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var contentTypes))
        {
            return new Status(StatusCode.Unknown, "Bad gRPC response. Response did not have a content-type header.");
        }

        var contentType = contentTypes.ToString();
        if (!GrpcProtocol.IsGrpcContentType(contentType))
        {
            return new Status(StatusCode.Unknown, "Bad gRPC response. Invalid content-type value: " + contentType);
        }

        return null;
    }

    /// <summary>The status of a response whose body has been read to its end: from its trailers.</summary>
    public static Status GetTrailerStatus(HttpResponseMessage response) =>
        TryGetStatus(response.TrailingHeaders) ?? new Status(StatusCode.Unknown, "No grpc-status found on response.");

    /// <summary>
    /// The status named by <c>grpc-status</c> and <c>grpc-message</c> (percent-decoded), or null when the
    /// headers carry no <c>grpc-status</c>.
    /// </summary>
    public static Status? TryGetStatus(HttpHeaders headers)
    {
        var values = headers.NonValidated;
        if (!values.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues))
        {
            return null;
        }

        var text = First(statusValues);
        if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code))
        {
            return new Status(StatusCode.Unknown, $"Unexpected grpc-status value '{text}'.");
        }

        var detail = values.TryGetValues(GrpcProtocol.MessageHeader, out var messageValues)
            ? PercentEncoding.Decode(First(messageValues))
            : string.Empty;

        // Codes this runtime does not know are UNKNOWN (statuscodes.md).
        return new Status(code <= (int)StatusCode.Unauthenticated ? (StatusCode)code : StatusCode.Unknown, detail);
    }

    /// <summary>The grpc-encoding of the response, or null for identity.</summary>
    public static string? GetEncoding(HttpResponseMessage response)
    {
        if (!response.Headers.NonValidated.TryGetValues(GrpcProtocol.EncodingHeader, out var values))
        {
            return null;
        }

        var encoding = First(values);
        return encoding == GrpcProtocol.IdentityEncoding ? null : encoding;
    }

    /// <summary>Builds metadata from response headers or trailers, skipping the protocol's own headers.</summary>
    public static Metadata BuildMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers.NonValidated)
        {
            // Known headers (date, server) come back with their canonical casing; metadata keys are lower case.
            var key = header.Key;
            if (HasUpperCase(key))
            {
                key = key.ToLowerInvariant();
            }

            foreach (var value in header.Value)
            {
                MetadataWire.AddReceived(metadata, key, value);
            }
        }

        return metadata;
    }

    /// <summary>The HTTP-to-gRPC mapping of http-grpc-status-mapping.md, for responses without grpc-status.</summary>
    public static StatusCode MapHttpStatus(HttpStatusCode httpStatus) => (int)httpStatus switch
    {
        400 => StatusCode.Internal,
        401 => StatusCode.Unauthenticated,
        403 => StatusCode.PermissionDenied,
        404 => StatusCode.Unimplemented,
        429 or 502 or 503 or 504 => StatusCode.Unavailable,
        _ => StatusCode.Unknown,
    };

    /// <summary>
    /// The status of a call the transport failed: an HTTP/2 RST_STREAM or GOAWAY error code maps as
    /// PROTOCOL-HTTP2.md says, a lost or refused connection is UNAVAILABLE, anything else INTERNAL.
    /// </summary>
    public static Status StatusFromException(string summary, Exception exception)
    {
        var code = StatusCode.Internal;
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is HttpProtocolException protocol)
            {
                code = IsKeepAliveTimeout(protocol) ? StatusCode.Unavailable : MapHttp2ErrorCode(protocol.ErrorCode);
                break;
            }

            if (current is HttpRequestException or IOException or SocketException or AuthenticationException)
            {
                code = StatusCode.Unavailable;
            }
        }

        return new Status(code, $"{summary} {exception.GetType().Name}: {exception.Message}", exception);
    }

    /// <summary>
    /// A dead peer noticed by keepalive is a lost transport (UNAVAILABLE, as in the other gRPC
    /// implementations), but SocketsHttpHandler reports it as a connection PROTOCOL_ERROR, which the
    /// error table maps to INTERNAL. Only its message tells it from a PROTOCOL_ERROR the server sent;
    /// ConnectionTests pins that message down.
    /// </summary>
    private static bool IsKeepAliveTimeout(HttpProtocolException exception) =>
        exception.ErrorCode == 0x1 && exception.Message.Contains("ping", StringComparison.OrdinalIgnoreCase);

    private static StatusCode MapHttp2ErrorCode(long errorCode) => errorCode switch
    {
        0x7 => StatusCode.Unavailable, // REFUSED_STREAM
        0x8 => StatusCode.Cancelled, // CANCEL
        0xb => StatusCode.ResourceExhausted, // ENHANCE_YOUR_CALM
        0xc => StatusCode.PermissionDenied, // INADEQUATE_SECURITY
        _ => StatusCode.Internal,
    };

    private static string First(HeaderStringValues values)
    {
        foreach (var value in values)
        {
            return value;
        }

        return string.Empty;
    }

    private static bool HasUpperCase(string key)
    {
        foreach (var c in key)
        {
            if (c is >= 'A' and <= 'Z')
            {
                return true;
            }
        }

        return false;
    }
}
