using System.Diagnostics;
using System.IO.Pipelines;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Primitives;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// One call on the server: the <see cref="ServerCallContext"/> handlers see, and the protocol state of the
/// HTTP/2 exchange behind it (response started, status written, compression, deadline).
/// </summary>
/// <remarks>
/// Without a deadline, only the call's own flow touches the response, so no lock is taken. With a deadline
/// the timer may end the call while the handler runs: response writes and the final status then go
/// through <see cref="CallDeadline.WriteLock"/>.
/// </remarks>
internal sealed partial class ServerCall : ServerCallContext
{
    /// <summary>grpc-dotnet's response header by which a handler asks for a response encoding per call.</summary>
    public const string CompressionRequestHeader = "grpc-internal-encoding-request";

    /// <summary>HTTP/2 error code CANCEL, sent when the deadline passed and the handler is still running.</summary>
    private const int Http2CancelErrorCode = 0x8;

    /// <summary>How long a handler may keep running after its deadline before the stream is reset.</summary>
    private static readonly TimeSpan DeadlineResetGrace = TimeSpan.FromSeconds(1);

    /// <summary>How long a failed read or write waits for Kestrel to report the client's reset.</summary>
    private static readonly TimeSpan TransportAbortGrace = TimeSpan.FromMilliseconds(250);

    /// <summary>Buffered (BufferHint) responses are flushed once this much is waiting.</summary>
    private const int BufferedFlushThreshold = 64 * 1024;

    private readonly HttpContext _httpContext;
    private readonly MethodContext _method;
    private Metadata? _requestHeaders;
    private Metadata? _responseTrailers;
    private Status _status;
    private string? _peer;
    private CallDeadline? _deadline;
    private SequenceDeserializationContext? _deserializationContext;
    private MessageWriter? _messageWriter;
    private ICompressionProvider? _requestDecompressor;
    private ICompressionProvider? _responseCompressor;
    private Activity? _activity;
    private CancellationToken _cancellationToken;
    private bool _cancellationTokenCached;
    private bool _responseStarted;
    private volatile bool _ended;
    private volatile bool _handlerFinished;

    public ServerCall(HttpContext httpContext, MethodContext method)
    {
        _httpContext = httpContext;
        _method = method;
    }

    public HttpContext HttpContext => _httpContext;

    /// <summary>Whether the last request message read had the compressed flag set.</summary>
    public bool LastRequestMessageCompressed => _deserializationContext?.PayloadWasCompressed ?? false;

    protected override string MethodCore => _method.Method.FullName;

    protected override string HostCore => _httpContext.Request.Host.Value ?? string.Empty;

    protected override string PeerCore => _peer ??= FormatPeer(_httpContext.Connection);

    protected override DateTime DeadlineCore => _deadline?.Deadline ?? DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => _requestHeaders ??= ReadRequestHeaders(_httpContext.Request.Headers);

    protected override CancellationToken CancellationTokenCore
    {
        get
        {
            // Cached: Kestrel takes a lock to hand out RequestAborted, and stream writes check the token each time.
            if (!_cancellationTokenCached)
            {
                _cancellationToken = _deadline?.Token ?? _httpContext.RequestAborted;
                _cancellationTokenCached = true;
            }

            return _cancellationToken;
        }
    }

    protected override Metadata ResponseTrailersCore => _responseTrailers ??= [];

    protected override Status StatusCore
    {
        get => _status;
        set => _status = value;
    }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override IDictionary<object, object> UserStateCore => _httpContext.Items!;

    /// <summary>The token reads and flushes wait with: the deadline's, or none (a reset ends them anyway).</summary>
    public CancellationToken TransportToken => _deadline?.Token ?? default;

    private SequenceDeserializationContext DeserializationContext => _deserializationContext ??= new SequenceDeserializationContext();

    private MessageWriter MessageWriter => _messageWriter ??= new MessageWriter(_method.Options.MaxSendMessageSize);

    /// <summary>
    /// Reads what the request headers ask for: the deadline, the request encoding, the response encoding; and
    /// starts the call's span.
    /// </summary>
    /// <exception cref="RpcException">UNIMPLEMENTED for a request encoding the server does not know.</exception>
    public void Start()
    {
        var request = _httpContext.Request;
        var response = _httpContext.Response;
        var headers = request.Headers;
        response.ContentType = GrpcProtocol.ContentType;

        if (GrpcDiagnostics.ActivitySource.HasListeners())
        {
            StartActivity(headers);
        }

        if (_method.DisableMaxRequestBodySize)
        {
            var maxBodySize = _httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>();
            if (maxBodySize is { IsReadOnly: false })
            {
                maxBodySize.MaxRequestBodySize = null;
            }
        }

        if (_method.DisableMinRequestBodyDataRate)
        {
            var minDataRate = _httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>();
            if (minDataRate is not null)
            {
                minDataRate.MinDataRate = null;
            }
        }

        // 1. The deadline, parsed now but armed last: once armed, its timer may write the response headers.
        var timeout = TimeSpan.Zero;
        var hasTimeout = false;
        if (headers.TryGetValue(GrpcProtocol.TimeoutHeader, out var timeoutValue))
        {
            hasTimeout = GrpcTimeout.TryParse(timeoutValue.ToString(), out timeout);
            if (!hasTimeout)
            {
                Log.InvalidTimeoutIgnored(_method.Logger, timeoutValue.ToString());
            }
        }

        // 2. The request encoding: a compressed message needs a provider by that name.
        if (headers.TryGetValue(GrpcProtocol.EncodingHeader, out var encodingValue))
        {
            var encoding = encodingValue.ToString();
            if (!string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
            {
                if (!_method.Options.CompressionProviders.TryGetValue(encoding, out _requestDecompressor))
                {
                    Log.UnsupportedRequestEncoding(_method.Logger, encoding);
                    response.Headers[GrpcProtocol.AcceptEncodingHeader] = _method.Options.AcceptEncoding;
                    throw new RpcException(new Status(
                        StatusCode.Unimplemented,
                        $"Unsupported grpc-encoding value '{encoding}'. Supported encodings: {_method.Options.AcceptEncoding}"));
                }
            }
        }

        // 3. The response encoding, when the service compresses every response the client accepts.
        var responseProvider = _method.Options.ResponseCompressionProvider;
        if (responseProvider is not null && ClientAccepts(responseProvider.EncodingName))
        {
            _responseCompressor = responseProvider;
            response.Headers[GrpcProtocol.EncodingHeader] = responseProvider.EncodingName;
        }

        // 4. Arm the deadline: when it passes, the handler's token fires and the status goes out.
        if (hasTimeout)
        {
            _deadline = CallDeadline.Start(this, timeout, _method.TimeProvider, _httpContext.RequestAborted);
        }
    }

    /// <summary>Reads the one request message of a unary or server-streaming call.</summary>
    /// <exception cref="RpcException">INTERNAL when there is no message or more than one.</exception>
    public async ValueTask<TRequest> ReadSingleMessageAsync<TRequest>(Func<DeserializationContext, TRequest> deserializer)
        where TRequest : class
    {
        var reader = _httpContext.Request.BodyReader;
        var (read, message) = await ReadMessageAsync(reader, deserializer, TransportToken).ConfigureAwait(false);
        if (!read)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Request message not received: a unary request carries exactly one message."));
        }

        var (extra, _) = await ReadMessageAsync(reader, deserializer, TransportToken).ConfigureAwait(false);
        if (extra)
        {
            throw new RpcException(new Status(StatusCode.Internal, "Additional data after the request message: a unary request carries exactly one message."));
        }

        return message!;
    }

    /// <summary>Reads the next message of a request stream; false at its end.</summary>
    public ValueTask<(bool Read, TRequest? Message)> ReadMessageAsync<TRequest>(PipeReader reader, Func<DeserializationContext, TRequest> deserializer, CancellationToken cancellationToken) =>
        MessageReader.ReadAsync(reader, deserializer, DeserializationContext, _method.Options.MaxReceiveMessageSize, _requestDecompressor, cancellationToken);

    /// <summary>
    /// Writes one response message and, when <paramref name="flush"/> is set, flushes it, unless the write options
    /// carry <see cref="WriteFlags.BufferHint"/> and little is waiting. Single-threaded per call, as
    /// <see cref="IAsyncStreamWriter{T}"/> requires.
    /// </summary>
    /// <exception cref="InvalidOperationException">The call has already ended.</exception>
    /// <exception cref="RpcException">RESOURCE_EXHAUSTED when the message exceeds the send limit.</exception>
    public Task WriteMessageAsync<TResponse>(TResponse message, Action<TResponse, SerializationContext> serializer, WriteOptions? writeOptions, bool flush)
    {
        if (_deadline is not null)
        {
            return WriteMessageLockedAsync(message, serializer, writeOptions, flush);
        }

        WriteMessage(message, serializer, writeOptions);
        return flush ? FlushAsync(writeOptions) : Task.CompletedTask;
    }

    /// <summary>Sends the response headers now, with the metadata given.</summary>
    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders)
    {
        if (_deadline is not null)
        {
            return WriteResponseHeadersLockedAsync(responseHeaders);
        }

        StartResponse(responseHeaders);
        return FlushCoreAsync();
    }

    /// <summary>Marks the handler as returned (normally or not): a passing deadline no longer resets the stream.</summary>
    public void OnHandlerFinished()
    {
        _handlerFinished = true;
        _deadline?.OnHandlerFinished();
    }

    /// <summary>Ends the call with <see cref="ServerCallContext.Status"/> as the handler left it.</summary>
    public ValueTask EndCallAsync()
    {
        if (_deadline is not null)
        {
            return EndCallLockedAsync();
        }

        EndCall();
        return default;
    }

    /// <summary>Turns what the handler (or the transport) threw into the call's status, and ends the call.</summary>
    public ValueTask ProcessErrorAsync(Exception exception)
    {
        OnHandlerFinished();
        if (_ended)
        {
            // The deadline already sent the status; what the handler threw afterwards is a consequence of it.
            return default;
        }

        if (exception is IOException or ConnectionAbortedException && !_httpContext.RequestAborted.IsCancellationRequested)
        {
            return ProcessTransportErrorAsync(exception);
        }

        _status = StatusFromException(exception);
        return EndCallAsync();
    }

    /// <summary>Releases the deadline and closes the span; the call's last step.</summary>
    public ValueTask FinishAsync()
    {
        OnHandlerFinished();
        StopActivity();
        return _deadline is null ? default : _deadline.DisposeAsync();
    }

    /// <summary>
    /// Runs when the deadline passes: the handler's token fires, DEADLINE_EXCEEDED goes out at once, and the
    /// stream is reset when the handler has not returned within a grace period.
    /// </summary>
    internal async Task DeadlineExceededAsync(CallDeadline deadline)
    {
        Log.DeadlineExceeded(_method.Logger, _method.Method.FullName);

        // 1. The handler's token fires. Callbacks may run the handler's continuations inline.
        try
        {
            deadline.Cancel();
        }
        catch (Exception ex)
        {
            Log.DeadlineCancellationError(_method.Logger, ex);
        }

        // 2. The status goes out now, unless the call ended meanwhile.
        await deadline.WriteLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            if (_ended)
            {
                return;
            }

            _ended = true;
            _status = new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
            WriteStatus(_status);
            await _httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log.DeadlineStatusError(_method.Logger, ex);
        }
        finally
        {
            deadline.WriteLock.Release();
        }

        // 3. A handler that ignores its token keeps the stream open: after a grace period, reset it (CANCEL, as
        //    PROTOCOL-HTTP2 asks) so the client stops sending and Kestrel frees the stream. A handler that
        //    returned lets Kestrel close the stream normally (NO_ERROR when the request is still open).
        if (_handlerFinished || await deadline.WaitForHandlerAsync(DeadlineResetGrace).ConfigureAwait(false))
        {
            return;
        }

        Log.ResettingStream(_method.Logger, Http2CancelErrorCode);
        try
        {
            var reset = _httpContext.Features.Get<IHttpResetFeature>();
            if (reset is not null)
            {
                reset.Reset(Http2CancelErrorCode);
            }
            else
            {
                _httpContext.Abort();
            }
        }
        catch (Exception ex)
        {
            Log.DeadlineStatusError(_method.Logger, ex);
        }
    }

    /// <summary>
    /// A read or write failed in the transport. When the client reset the stream, Kestrel fails the body at once
    /// but cancels RequestAborted from the thread pool a moment later: wait a little for it, so that a reset is
    /// reported as a cancellation, not logged as a handler error.
    /// </summary>
    private async ValueTask ProcessTransportErrorAsync(Exception exception)
    {
        try
        {
            // Wall-clock on purpose: this waits for Kestrel's thread pool, not for anything of the call's time.
            await Task.Delay(TransportAbortGrace, TimeProvider.System, _httpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _status = StatusFromException(exception);
        await EndCallAsync().ConfigureAwait(false);
    }

    private async Task WriteMessageLockedAsync<TResponse>(TResponse message, Action<TResponse, SerializationContext> serializer, WriteOptions? writeOptions, bool flush)
    {
        var writeLock = _deadline!.WriteLock;
        await writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            WriteMessage(message, serializer, writeOptions);
            if (flush)
            {
                await FlushAsync(writeOptions).ConfigureAwait(false);
            }
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async Task WriteResponseHeadersLockedAsync(Metadata responseHeaders)
    {
        var writeLock = _deadline!.WriteLock;
        await writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            StartResponse(responseHeaders);
            await FlushCoreAsync().ConfigureAwait(false);
        }
        finally
        {
            writeLock.Release();
        }
    }

    private async ValueTask EndCallLockedAsync()
    {
        var writeLock = _deadline!.WriteLock;
        await writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            EndCall();
        }
        finally
        {
            writeLock.Release();
        }
    }

    private void WriteMessage<TResponse>(TResponse message, Action<TResponse, SerializationContext> serializer, WriteOptions? writeOptions)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_ended)
        {
            throw new InvalidOperationException("Can't write the message because the call is complete.");
        }

        var first = !_responseStarted;
        if (first)
        {
            StartResponse(null);
        }

        var compressor = _responseCompressor;
        if (compressor is not null && writeOptions is not null && (writeOptions.Flags & WriteFlags.NoCompress) != 0)
        {
            compressor = null;
        }

        try
        {
            MessageWriter.Write(_httpContext.Response.BodyWriter, message, serializer, compressor, _method.Options.ResponseCompressionLevel);
        }
        catch when (first && !_httpContext.Response.HasStarted)
        {
            // Refused before a byte was written (the send limit): the status can still go trailers-only.
            _responseStarted = false;
            throw;
        }
    }

    private Task FlushAsync(WriteOptions? writeOptions)
    {
        if (writeOptions is not null && (writeOptions.Flags & WriteFlags.BufferHint) != 0)
        {
            // Buffered: the end of the call (or a later unbuffered write) flushes, unless much is waiting.
            var pipe = _httpContext.Response.BodyWriter;
            if (!pipe.CanGetUnflushedBytes || pipe.UnflushedBytes < BufferedFlushThreshold)
            {
                return Task.CompletedTask;
            }
        }

        return FlushCoreAsync();
    }

    private Task FlushCoreAsync()
    {
        var flush = _httpContext.Response.BodyWriter.FlushAsync(TransportToken);
        if (flush.IsCompletedSuccessfully)
        {
            _ = flush.Result;
            return Task.CompletedTask;
        }

        return flush.AsTask();
    }

    /// <summary>Fixes the response headers: metadata from the handler, and the response encoding.</summary>
    private void StartResponse(Metadata? responseHeaders)
    {
        if (_ended)
        {
            throw new InvalidOperationException("Can't send response headers because the call is complete.");
        }

        if (_responseStarted)
        {
            throw new InvalidOperationException("Response headers can only be sent once per call.");
        }

        var headers = _httpContext.Response.Headers;

        // A handler may ask for a response encoding through the response headers (grpc-dotnet's convention),
        // either in the metadata it sends or directly on the HTTP response.
        if (headers.TryGetValue(CompressionRequestHeader, out var requested))
        {
            headers.Remove(CompressionRequestHeader);
            SetResponseEncoding(requested.ToString());
        }

        if (responseHeaders is not null)
        {
            foreach (var entry in responseHeaders)
            {
                if (string.Equals(entry.Key, CompressionRequestHeader, StringComparison.Ordinal))
                {
                    SetResponseEncoding(entry.Value);
                }
                else if (!MetadataWire.IsReserved(entry.Key))
                {
                    headers.Append(entry.Key, MetadataWire.EncodeValue(entry));
                }
            }
        }

        _responseStarted = true;
    }

    private void SetResponseEncoding(string encoding)
    {
        var headers = _httpContext.Response.Headers;
        if (string.Equals(encoding, GrpcProtocol.IdentityEncoding, StringComparison.Ordinal))
        {
            _responseCompressor = null;
            headers.Remove(GrpcProtocol.EncodingHeader);
            return;
        }

        if (_method.Options.CompressionProviders.TryGetValue(encoding, out var provider) && ClientAccepts(encoding))
        {
            _responseCompressor = provider;
            headers[GrpcProtocol.EncodingHeader] = encoding;
            return;
        }

        Log.ResponseEncodingNotUsed(_method.Logger, encoding);
    }

    private void EndCall()
    {
        if (_ended)
        {
            return;
        }

        _ended = true;
        WriteStatus(_status);
    }

    /// <summary>
    /// Writes the status: in the trailers after a response, or in the headers of a trailers-only response
    /// when nothing was sent.
    /// </summary>
    private void WriteStatus(Status status)
    {
        var response = _httpContext.Response;
        IHeaderDictionary destination;
        if (!_responseStarted && !response.HasStarted)
        {
            destination = response.Headers;
        }
        else
        {
            var trailersFeature = _httpContext.Features.Get<IHttpResponseTrailersFeature>();
            if (trailersFeature is null)
            {
                // Not HTTP/2 (requests are refused before), or the transport has gone: nowhere to put them.
                return;
            }

            destination = trailersFeature.Trailers;
        }

        destination[GrpcProtocol.StatusHeader] = GrpcStatusText.Get(status.StatusCode);
        if (!string.IsNullOrEmpty(status.Detail))
        {
            destination[GrpcProtocol.MessageHeader] = PercentEncoding.Encode(status.Detail);
        }

        var metadata = _responseTrailers;
        if (metadata is not null)
        {
            // By index: when the deadline ends the call, a handler still running may be adding trailers.
            for (var i = 0; i < metadata.Count; i++)
            {
                var entry = metadata[i];
                if (!MetadataWire.IsReserved(entry.Key))
                {
                    destination.Append(entry.Key, MetadataWire.EncodeValue(entry));
                }
            }
        }
    }

    private Status StatusFromException(Exception exception)
    {
        if (_deadline is { IsExceeded: true })
        {
            return new Status(StatusCode.DeadlineExceeded, "Deadline Exceeded");
        }

        if (_httpContext.RequestAborted.IsCancellationRequested)
        {
            // The client reset the stream (or the connection dropped): nobody will read this status.
            Log.CallCancelled(_method.Logger, _method.Method.FullName);
            return new Status(StatusCode.Cancelled, "The call was cancelled by the client.");
        }

        if (exception is RpcException rpcException)
        {
            Log.RpcError(_method.Logger, rpcException.StatusCode, rpcException.Status.Detail);
            if (rpcException.Trailers.Count > 0)
            {
                var trailers = ResponseTrailers;
                foreach (var entry in rpcException.Trailers)
                {
                    trailers.Add(entry);
                }
            }

            return rpcException.Status;
        }

        Log.ErrorExecutingServiceMethod(_method.Logger, _method.Method.FullName, exception);
        var message = _method.Options.EnableDetailedErrors
            ? "Exception was thrown by handler. " + exception.GetType().Name + ": " + exception.Message
            : "Exception was thrown by handler.";
        return new Status(StatusCode.Unknown, message, exception);
    }

    private bool ClientAccepts(string encoding)
    {
        if (!_httpContext.Request.Headers.TryGetValue(GrpcProtocol.AcceptEncodingHeader, out var values))
        {
            return false;
        }

        foreach (var value in values)
        {
            foreach (var range in new StringTokenizer(value ?? string.Empty, [',']))
            {
                if (range.Trim().Equals(encoding, StringComparison.Ordinal))
                {
                    return true;
                }
            }
        }

        return false;
    }

    private void StartActivity(IHeaderDictionary headers)
    {
        ActivityContext parent = default;
        if (headers.TryGetValue(GrpcProtocol.TraceParentHeader, out var traceParent))
        {
            headers.TryGetValue(GrpcProtocol.TraceStateHeader, out var traceState);
            ActivityContext.TryParse(traceParent.ToString(), traceState.Count == 0 ? null : traceState.ToString(), isRemote: true, out parent);
        }

        var activity = GrpcDiagnostics.ActivitySource.StartActivity(_method.ActivityName, ActivityKind.Server, parent);
        if (activity is null)
        {
            return;
        }

        if (activity.IsAllDataRequested)
        {
            activity.SetTag(GrpcDiagnostics.RpcSystemTag, "grpc");
            activity.SetTag(GrpcDiagnostics.RpcServiceTag, _method.Method.ServiceName);
            activity.SetTag(GrpcDiagnostics.RpcMethodTag, _method.Method.Name);
        }

        _activity = activity;
    }

    private void StopActivity()
    {
        var activity = _activity;
        if (activity is null)
        {
            return;
        }

        var code = _status.StatusCode;
        if (activity.IsAllDataRequested)
        {
            activity.SetTag(GrpcDiagnostics.RpcStatusCodeTag, (int)code);

            // OpenTelemetry's RPC conventions: these codes mark a server span as failed.
            if (code is StatusCode.Unknown or StatusCode.DeadlineExceeded or StatusCode.Unimplemented or StatusCode.Internal or StatusCode.Unavailable or StatusCode.DataLoss)
            {
                activity.SetStatus(ActivityStatusCode.Error, _status.Detail);
            }
        }

        activity.Stop();
    }

    private static Metadata ReadRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new Metadata();
        foreach (var header in headers)
        {
            // Kestrel names the headers it knows in title case (User-Agent, Authorization); metadata keys are lower case.
            var key = header.Key.ToLowerInvariant();
            foreach (var value in header.Value)
            {
                if (value is not null)
                {
                    MetadataWire.AddReceived(metadata, key, value);
                }
            }
        }

        return metadata;
    }

    private static string FormatPeer(ConnectionInfo connection)
    {
        // gRPC's naming convention (doc/naming.md): ipv4:address:port, ipv6:[address]:port.
        var address = connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        return address.AddressFamily switch
        {
            AddressFamily.InterNetwork => "ipv4:" + address + ":" + connection.RemotePort,
            AddressFamily.InterNetworkV6 => "ipv6:[" + address + "]:" + connection.RemotePort,
            _ => "unknown:" + address + ":" + connection.RemotePort,
        };
    }
}
