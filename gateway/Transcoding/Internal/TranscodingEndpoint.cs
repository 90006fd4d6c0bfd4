using System.Buffers;
using System.Text;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// The request delegate of one REST binding: HTTP request → gRPC call on the backend → JSON response, or
/// a stream of JSON messages (newline-delimited JSON, or server-sent events when the client accepts
/// <c>text/event-stream</c>) for server-streaming methods.
/// </summary>
/// <remarks>
/// Thread-safe; one instance serves every request of its binding. The call is cancelled when the client
/// goes away (<see cref="HttpContext.RequestAborted"/>).
/// </remarks>
internal sealed partial class TranscodingEndpoint
{
    private const string JsonContentType = "application/json";
    private const string NdjsonContentType = "application/x-ndjson";
    private const string EventStreamContentType = "text/event-stream";
    private const string MetadataHeaderPrefix = "Grpc-Metadata-";
    private const string TrailerHeaderPrefix = "Grpc-Trailer-";

    private static readonly byte[] NewLine = "\n"u8.ToArray();
    private static readonly byte[] SseData = "data: "u8.ToArray();
    private static readonly byte[] SseEnd = "\n\n"u8.ToArray();
    private static readonly byte[] SseErrorEvent = "event: error\ndata: "u8.ToArray();

    // Headers that belong to HTTP or to the gRPC protocol itself, never forwarded as custom metadata.
    private static readonly HashSet<string> ReservedMetadataKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "content-type", "content-length", "te", "host", "user-agent", "connection", "transfer-encoding", "upgrade", "keep-alive",
    };

    private readonly HttpBinding _binding;
    private readonly Method<IMessage, IMessage> _method;
    private readonly TranscodingBackend _backend;
    private readonly TranscodingOptions _options;
    private readonly string[] _forwardedHeaders;
    private readonly ILogger _logger;

    public TranscodingEndpoint(HttpBinding binding, TranscodingBackend backend, TranscodingOptions options, ILogger logger)
    {
        _binding = binding;
        _method = DynamicMethods.Create(binding.Method);
        _backend = backend;
        _options = options;
        _forwardedHeaders = [.. TranscodingOptions.DefaultForwardedHeaders.Concat(options.ForwardedHeaders).Select(h => h.ToLowerInvariant()).Distinct()];
        _logger = logger;
    }

    public HttpBinding Binding => _binding;

    public async Task HandleAsync(HttpContext context)
    {
        var aborted = context.RequestAborted;
        IMessage request;
        try
        {
            request = await BuildRequestAsync(context, aborted);
        }
        catch (TranscodingException ex)
        {
            Log.RequestRejected(_logger, _binding.HttpMethod, context.Request.Path, ex.HttpStatus, ex.Message);
            await WriteErrorAsync(context, ex.StatusCode, ex.Message, ex.HttpStatus, Metadata.Empty);
            return;
        }

        try
        {
            var callOptions = new CallOptions(ForwardHeaders(context.Request.Headers), cancellationToken: aborted);
            if (_backend.ConfigureCall is { } configure)
            {
                callOptions = configure(context, _binding.Method, callOptions);
            }

            var invoker = _backend.CallInvoker(context, _binding.Method);
            Log.Transcoding(_logger, _binding.HttpMethod, context.Request.Path, _binding.Method.FullName);
            if (_binding.IsServerStreaming)
            {
                await StreamAsync(context, invoker, callOptions, request);
            }
            else
            {
                await UnaryAsync(context, invoker, callOptions, request);
            }
        }
        catch (RpcException ex) when (!aborted.IsCancellationRequested && !context.Response.HasStarted)
        {
            // The gateway's callbacks refuse a call (e.g. UNAUTHENTICATED) by throwing RpcException.
            Log.CallFailed(_logger, _binding.Method.FullName, ex.StatusCode, ex.Status.Detail);
            await WriteErrorAsync(context, ex.StatusCode, ex.Status.Detail, StatusMapping.ToHttpStatus(ex.StatusCode), ex.Trailers);
        }
        catch (RpcException) when (aborted.IsCancellationRequested)
        {
            Log.ClientWentAway(_logger, _binding.Method.FullName);
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            Log.ClientWentAway(_logger, _binding.Method.FullName);
        }
        catch (Exception ex) when (ex is not RpcException and not OperationCanceledException && !context.Response.HasStarted)
        {
            // A failure of our own (or of the backend callback): still a google.rpc.Status body, without internals.
            Log.TranscodingFailed(_logger, ex, _binding.Method.FullName);
            await WriteErrorAsync(context, StatusCode.Internal, $"The gateway failed to call {_binding.Method.FullName}.", StatusCodes.Status500InternalServerError, Metadata.Empty);
        }
    }

    private async Task<IMessage> BuildRequestAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var rawPath = RawPath(context);
        if (!_binding.Template.TryMatch(rawPath, out var pathValues))
        {
            throw new TranscodingException(StatusCode.NotFound, $"No REST route matches {context.Request.Method} {rawPath}.");
        }

        string? body = null;
        if (_binding.HasBody)
        {
            body = RequestBinder.DecodeBody(await ReadBodyAsync(context, cancellationToken));
        }

        return RequestBinder.Bind(_binding, pathValues, context.Request.Query, body, key => Log.QueryParameterIgnored(_logger, key, _binding.Method.FullName));
    }

    /// <summary>The request path as sent (still percent-encoded), below the path base.</summary>
    private static string RawPath(HttpContext context)
    {
        var raw = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(raw) || raw[0] != '/')
        {
            return context.Request.Path.Value ?? "/";
        }

        var query = raw.IndexOf('?', StringComparison.Ordinal);
        if (query >= 0)
        {
            raw = raw[..query];
        }

        var pathBase = context.Request.PathBase;
        if (pathBase.HasValue)
        {
            if (!raw.StartsWith(pathBase.Value!, StringComparison.OrdinalIgnoreCase))
            {
                return context.Request.Path.Value ?? "/";
            }

            raw = raw[pathBase.Value!.Length..];
        }

        return raw;
    }

    private async Task<byte[]> ReadBodyAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var limit = _options.MaxRequestBodySize;
        if (context.Request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            // Our own limit below is the one that answers; the server's must not be lower.
            sizeFeature.MaxRequestBodySize = null;
        }

        var buffer = new ArrayBufferWriter<byte>(4096);
        var stream = context.Request.Body;
        while (true)
        {
            var memory = buffer.GetMemory(8192);
            var read = await stream.ReadAsync(memory, cancellationToken);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > limit)
            {
                throw TooLarge(limit);
            }
        }
    }

    private static TranscodingException TooLarge(long limit) =>
        new(StatusCode.ResourceExhausted, $"The request body is larger than {limit} bytes (Transcoding:MaxRequestBodySize).", httpStatus: StatusCodes.Status413PayloadTooLarge);

    private Metadata ForwardHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var name in _forwardedHeaders)
        {
            if (headers.TryGetValue(name, out var values))
            {
                foreach (var value in values)
                {
                    TryAdd(metadata, name, value);
                }
            }
        }

        if (!_options.ForwardGrpcMetadataHeaders)
        {
            return metadata;
        }

        foreach (var (name, values) in headers)
        {
            if (name.Length > MetadataHeaderPrefix.Length && name.StartsWith(MetadataHeaderPrefix, StringComparison.OrdinalIgnoreCase))
            {
                var key = name[MetadataHeaderPrefix.Length..].ToLowerInvariant();
                if (key is "authorization" or "cookie")
                {
                    continue;
                }

                foreach (var value in values)
                {
                    TryAdd(metadata, key, value);
                }
            }
        }

        return metadata;
    }

    private void TryAdd(Metadata metadata, string key, string? value)
    {
        if (value is null || ReservedMetadataKeys.Contains(key) || key.StartsWith("grpc-", StringComparison.OrdinalIgnoreCase) || key.StartsWith(':'))
        {
            return;
        }

        try
        {
            if (key.EndsWith(Metadata.BinaryHeaderSuffix, StringComparison.Ordinal))
            {
                metadata.Add(key, Convert.FromBase64String(value));
            }
            else
            {
                metadata.Add(key, value);
            }
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException)
        {
            Log.HeaderNotForwarded(_logger, key, ex.Message);
        }
    }

    private async Task UnaryAsync(HttpContext context, CallInvoker invoker, CallOptions callOptions, IMessage request)
    {
        using var call = invoker.AsyncUnaryCall(_method, null, callOptions, request);
        IMessage response;
        Metadata headers;
        try
        {
            response = await call.ResponseAsync;
            headers = await call.ResponseHeadersAsync;
        }
        catch (RpcException ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            Log.CallFailed(_logger, _binding.Method.FullName, ex.StatusCode, ex.Status.Detail);
            await WriteErrorAsync(context, ex.StatusCode, ex.Status.Detail, StatusMapping.ToHttpStatus(ex.StatusCode), ex.Trailers);
            return;
        }

        var httpResponse = context.Response;
        httpResponse.StatusCode = StatusCodes.Status200OK;
        httpResponse.ContentType = JsonContentType;
        CopyMetadata(httpResponse.Headers, headers, MetadataHeaderPrefix);
        CopyMetadata(httpResponse.Headers, call.GetTrailers(), TrailerHeaderPrefix);
        await httpResponse.Body.WriteAsync(Encoding.UTF8.GetBytes(ResponseJson.Format(_binding, response)), context.RequestAborted);
    }

    private async Task StreamAsync(HttpContext context, CallInvoker invoker, CallOptions callOptions, IMessage request)
    {
        var aborted = context.RequestAborted;
        using var call = invoker.AsyncServerStreamingCall(_method, null, callOptions, request);
        var reader = call.ResponseStream;

        // 1. The first message, or a failure that is still answered with its own HTTP status.
        bool any;
        try
        {
            any = await reader.MoveNext(aborted);
        }
        catch (RpcException ex) when (!aborted.IsCancellationRequested)
        {
            Log.CallFailed(_logger, _binding.Method.FullName, ex.StatusCode, ex.Status.Detail);
            await WriteErrorAsync(context, ex.StatusCode, ex.Status.Detail, StatusMapping.ToHttpStatus(ex.StatusCode), ex.Trailers);
            return;
        }

        // 2. The response head: server-sent events when asked for, newline-delimited JSON otherwise.
        var sse = AcceptsEventStream(context.Request);
        var response = context.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = sse ? EventStreamContentType : NdjsonContentType;
        response.Headers.CacheControl = "no-cache";
        if (any || call.ResponseHeadersAsync.IsCompletedSuccessfully)
        {
            CopyMetadata(response.Headers, await call.ResponseHeadersAsync, MetadataHeaderPrefix);
        }

        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        await response.StartAsync(aborted);

        // 3. Each message as it arrives, flushed on its own.
        var writer = response.BodyWriter;
        try
        {
            while (any)
            {
                var json = Encoding.UTF8.GetBytes(ResponseJson.Format(_binding, reader.Current));
                if (sse)
                {
                    writer.Write(SseData);
                    writer.Write(json);
                    writer.Write(SseEnd);
                }
                else
                {
                    writer.Write(json);
                    writer.Write(NewLine);
                }

                await writer.FlushAsync(aborted);
                any = await reader.MoveNext(aborted);
            }
        }
        catch (RpcException ex) when (!aborted.IsCancellationRequested)
        {
            // 4. A failure after the head went out: the last event (SSE) or line (NDJSON) carries the status.
            Log.StreamFailed(_logger, _binding.Method.FullName, ex.StatusCode, ex.Status.Detail);
            var status = StatusJson.Format(ex.StatusCode, ex.Status.Detail);
            if (sse)
            {
                writer.Write(SseErrorEvent);
                writer.Write(status);
                writer.Write(SseEnd);
            }
            else
            {
                writer.Write("{\"error\":"u8);
                writer.Write(status);
                writer.Write("}\n"u8);
            }

            await writer.FlushAsync(aborted);
        }
    }

    private static bool AcceptsEventStream(HttpRequest request)
    {
        foreach (var accept in request.GetTypedHeaders().Accept)
        {
            if (accept.MediaType.Equals(EventStreamContentType, StringComparison.OrdinalIgnoreCase) && accept.Quality is not 0)
            {
                return true;
            }
        }

        return false;
    }

    private static async Task WriteErrorAsync(HttpContext context, StatusCode code, string message, int httpStatus, Metadata trailers)
    {
        var response = context.Response;
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = httpStatus;
        response.ContentType = JsonContentType;
        CopyMetadata(response.Headers, trailers, TrailerHeaderPrefix);
        await response.Body.WriteAsync(StatusJson.Format(code, message), context.RequestAborted);
    }

    private static void CopyMetadata(IHeaderDictionary headers, Metadata metadata, string prefix)
    {
        foreach (var entry in metadata)
        {
            var value = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes) : entry.Value;
            headers.Append(prefix + entry.Key, value);
        }
    }
}
