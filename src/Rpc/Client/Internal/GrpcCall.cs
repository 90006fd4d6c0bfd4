using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;

namespace Grpc.Net.Client.Internal;

/// <summary>
/// One client call as one HTTP/2 request: sends the request headers and body, reads the response
/// headers, messages and trailers, and owns the call's one outcome.
/// </summary>
/// <remarks>
/// <para>
/// The outcome (status and trailers) is decided exactly once, by whichever comes first: the server's status,
/// a protocol or transport failure, the deadline, the caller's cancellation token, or <see cref="Dispose"/>.
/// The winner then ends everything else (<see cref="FinishCall"/>): a call that ends before its response was
/// read completely cancels the HTTP request, which resets the HTTP/2 stream (RST_STREAM).
/// </para>
/// <para>
/// Allocation matters on this path: the call objects take static callbacks with the call as state, headers are
/// read without parsing (<see cref="HttpHeaders.NonValidated"/>), response metadata and trailers are built only
/// when asked for, and a unary request is framed into a pooled buffer.
/// </para>
/// </remarks>
internal sealed class GrpcCall<TRequest, TResponse>
    where TRequest : class
    where TResponse : class
{
    public static readonly Func<object, Task<Metadata>> ResponseHeadersCallback = static call => ((GrpcCall<TRequest, TResponse>)call).GetResponseHeadersAsync();
    public static readonly Func<object, Status> StatusCallback = static call => ((GrpcCall<TRequest, TResponse>)call).GetStatus();
    public static readonly Func<object, Metadata> TrailersCallback = static call => ((GrpcCall<TRequest, TResponse>)call).GetTrailers();
    public static readonly Action<object> DisposeCallback = static call => ((GrpcCall<TRequest, TResponse>)call).Dispose();

    private const string CompressionRequestHeader = "grpc-internal-encoding-request";
    private const int InitialPayloadSize = 4096;

    private static readonly Status ClientCancelledStatus = new(StatusCode.Cancelled, "Call canceled by the client.");
    private static readonly Status DisposedStatus = new(StatusCode.Cancelled, "gRPC call disposed.");
    private static readonly Status DeadlineExceededStatus = new(StatusCode.DeadlineExceeded, "Deadline Exceeded");

    // Timers take at most ~49 days; a longer deadline is re-armed when the timer fires.
    private static readonly TimeSpan MaxTimerDueTime = TimeSpan.FromMilliseconds(int.MaxValue);
    private static readonly StreamPipeReaderOptions ReaderOptions = new(bufferSize: 16 * 1024, minimumReadSize: 4096, leaveOpen: true);
    private static readonly TimerCallback DeadlineCallback = static call => ((GrpcCall<TRequest, TResponse>)call!).OnDeadlineTimer();
    private static readonly Action<object?> CancellationCallback = static call => ((GrpcCall<TRequest, TResponse>)call!).Cancel(ClientCancelledStatus);

    private readonly GrpcChannel _channel;
    private readonly GrpcMethodInfo _methodInfo;
    private readonly string? _host;
    private readonly CancellationTokenSource _cts = new();
    private readonly DateTime _deadline;
    private CancellationTokenRegistration _userCancellation;
    private ITimer? _deadlineTimer;
    private Activity? _activity;
    private UnaryRequestContent? _unaryContent;
    private ClientStreamWriter<TRequest, TResponse>? _writer;

    // Guarded by lock (this).
    private HttpResponseMessage? _response;
    private TaskCompletionSource<Metadata>? _responseHeadersTcs;
    private Task<Metadata>? _responseHeadersTask;
    private Status _status;
    private bool _cancelledLocally;
    private HttpHeaders? _trailerSource;
    private Metadata? _trailers;
    private volatile bool _completed;
    private volatile bool _disposed;

    public GrpcCall(GrpcChannel channel, Method<TRequest, TResponse> method, GrpcMethodInfo methodInfo, string? host, CallOptions options)
    {
        if (options.Deadline is { } deadline && deadline != DateTime.MaxValue && deadline != DateTime.MinValue && deadline.Kind != DateTimeKind.Utc)
        {
            throw new InvalidOperationException("Deadline must have a kind DateTimeKind.Utc or be equal to DateTime.MaxValue or DateTime.MinValue.");
        }

        _channel = channel;
        _methodInfo = methodInfo;
        _host = host;
        _deadline = options.Deadline ?? DateTime.MaxValue;
        Method = method;
        Options = options;
        CallToken = _cts.Token;
    }

    public Method<TRequest, TResponse> Method { get; }

    public CallOptions Options { get; }

    /// <summary>Cancelled when the call ends other than by reading it to its end; every transport operation of the call uses it.</summary>
    public CancellationToken CallToken { get; }

    /// <summary>Compresses request messages; null unless the call asked for compression.</summary>
    public ICompressionProvider? RequestCompressor { get; private set; }

    /// <summary>Decompresses response messages; null for identity.</summary>
    public ICompressionProvider? ResponseDecompressor { get; private set; }

    public int? MaxReceiveMessageSize => _channel.MaxReceiveMessageSize;

    public bool IsCompleted => _completed;

    public bool IsDisposed => _disposed;

    public Task<TResponse> StartUnary(TRequest request) => RunUnaryAsync(request);

    public ClientStreamReader<TRequest, TResponse> StartServerStreaming(TRequest request) =>
        new(this, RunStreamingAsync(request, singleResponse: false));

    public (ClientStreamWriter<TRequest, TResponse> Writer, Task<TResponse> Response) StartClientStreaming()
    {
        var writer = _writer = new ClientStreamWriter<TRequest, TResponse>(this, _channel.MaxSendMessageSize);
        var response = RunClientStreamingAsync(RunStreamingAsync(null, singleResponse: true));
        return (writer, response);
    }

    public (ClientStreamWriter<TRequest, TResponse> Writer, ClientStreamReader<TRequest, TResponse> Reader) StartDuplexStreaming()
    {
        var writer = _writer = new ClientStreamWriter<TRequest, TResponse>(this, _channel.MaxSendMessageSize);
        return (writer, new ClientStreamReader<TRequest, TResponse>(this, RunStreamingAsync(null, singleResponse: false)));
    }

    public Task<Metadata> GetResponseHeadersAsync()
    {
        lock (this)
        {
            if (_responseHeadersTask is null)
            {
                if (_response is not null)
                {
                    _responseHeadersTask = Task.FromResult(GrpcResponse.BuildMetadata(_response.Headers));
                }
                else if (_completed)
                {
                    _responseHeadersTask = Task.FromException<Metadata>(CreateFailureException());
                }
                else
                {
                    _responseHeadersTcs = new TaskCompletionSource<Metadata>(TaskCreationOptions.RunContinuationsAsynchronously);
                    _responseHeadersTask = _responseHeadersTcs.Task;
                }
            }

            return _responseHeadersTask;
        }
    }

    public Status GetStatus() => _completed
        ? _status
        : throw new InvalidOperationException("Unable to get the status because the call is not complete.");

    public Metadata GetTrailers()
    {
        lock (this)
        {
            if (_completed && TryGetTrailersUnsynchronized() is { } trailers)
            {
                return trailers;
            }
        }

        throw new InvalidOperationException("Can't get the call trailers because the call has not completed successfully.");
    }

    /// <summary>Cancels the call if it has not completed (status CANCELLED) and releases it.</summary>
    public void Dispose()
    {
        _disposed = true;
        Cancel(DisposedStatus);
    }

    /// <summary>Ends the call with a local status (cancellation, deadline) unless it already ended.</summary>
    public void Cancel(Status status) => TryComplete(status, trailerSource: null, cancelledLocally: true);

    /// <summary>A token passed to a read or write also cancels the whole call, as it does in grpc-dotnet.</summary>
    public CancellationTokenRegistration RegisterCancellation(CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled && cancellationToken != Options.CancellationToken
            ? cancellationToken.UnsafeRegister(CancellationCallback, this)
            : default;

    /// <summary>A pipe over the response body.</summary>
    public PipeReader CreateResponseReader(HttpResponseMessage response) =>
        PipeReader.Create(response.Content.ReadAsStream(CallToken), ReaderOptions);

    /// <summary>Completes the call from the trailers of a response read to its end; returns the final status.</summary>
    public Status CompleteFromTrailers()
    {
        var response = _response!;
        TryComplete(GrpcResponse.GetTrailerStatus(response), response.TrailingHeaders, cancelledLocally: false);
        return _status;
    }

    /// <summary>
    /// Turns whatever interrupted the call into its outcome (unless the call already has one) and returns
    /// the exception the caller sees for that outcome.
    /// </summary>
    public Exception ResolveException(Exception exception)
    {
        if (!_completed)
        {
            Status status;
            if (exception is RpcException rpc)
            {
                status = rpc.Status;
            }
            else if (exception is OperationCanceledException)
            {
                // Not one of ours (those complete the call first): an HttpClient.Timeout, for example.
                status = new Status(StatusCode.Cancelled, "The HTTP request was canceled: " + exception.Message, exception);
            }
            else
            {
                status = GrpcResponse.StatusFromException(_response is null ? "Error starting gRPC call." : "Error reading next message.", exception);
            }

            // A server may give up at the deadline (RST_STREAM CANCEL) a moment before our own timer fires.
            if (status.StatusCode == StatusCode.Cancelled && _deadline != DateTime.MaxValue && _deadline <= UtcNow())
            {
                status = new Status(StatusCode.DeadlineExceeded, DeadlineExceededStatus.Detail, status.DebugException);
            }

            TryComplete(status, trailerSource: null, cancelledLocally: false);
        }

        return CreateFailureException();
    }

    /// <summary>The exception a failed write throws; only a local protocol error (send limit) ends the call.</summary>
    public Exception ResolveWriteException(Exception exception)
    {
        if (!_completed)
        {
            if (exception is not RpcException rpc)
            {
                // The request stream broke; the response side reports the call's own outcome.
                return new RpcException(GrpcResponse.StatusFromException("Error writing message.", exception));
            }

            TryComplete(rpc.Status, trailerSource: null, cancelledLocally: false);
        }

        return _status.StatusCode == StatusCode.OK
            ? new InvalidOperationException("Can't write the message because the call is complete.")
            : CreateFailureException();
    }

    /// <summary>The exception for the call's failed outcome.</summary>
    public Exception CreateFailureException()
    {
        var status = _status;
        if (_channel.ThrowOperationCanceledOnCancellation
            && (status.StatusCode == StatusCode.DeadlineExceeded || (status.StatusCode == StatusCode.Cancelled && _cancelledLocally)))
        {
            return new OperationCanceledException(status.Detail, Options.CancellationToken.IsCancellationRequested ? Options.CancellationToken : CallToken);
        }

        Metadata trailers;
        lock (this)
        {
            trailers = TryGetTrailersUnsynchronized() ?? Metadata.Empty;
        }

        return new RpcException(status, trailers);
    }

    private async Task<TResponse> RunUnaryAsync(TRequest request)
    {
        try
        {
            var timeout = Start();
            var content = CreateUnaryContent(request);
            CallToken.ThrowIfCancellationRequested();
            var response = OnResponseHeaders(await SendAsync(CreateRequest(content, timeout)).ConfigureAwait(false), singleResponse: true);
            return response is null ? throw CreateFailureException() : await ReadSingleResponseAsync(response).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw ResolveException(ex);
        }
    }

    private async Task<TResponse> RunClientStreamingAsync(Task<HttpResponseMessage?> responseTask)
    {
        try
        {
            var response = await responseTask.ConfigureAwait(false);
            return response is null ? throw CreateFailureException() : await ReadSingleResponseAsync(response).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            throw ResolveException(ex);
        }
    }

    /// <summary>
    /// Sends a streaming call's request and validates the response headers. Never throws: null means the
    /// call already has its outcome (failed, or a trailers-only response).
    /// </summary>
    private async Task<HttpResponseMessage?> RunStreamingAsync(TRequest? request, bool singleResponse)
    {
        try
        {
            var timeout = Start();
            HttpContent content = request is null ? new StreamingRequestContent<TRequest, TResponse>(_writer!) : CreateUnaryContent(request);
            CallToken.ThrowIfCancellationRequested();
            return OnResponseHeaders(await SendAsync(CreateRequest(content, timeout)).ConfigureAwait(false), singleResponse);
        }
        catch (Exception ex)
        {
            ResolveException(ex);
            return null;
        }
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResponse> ReadSingleResponseAsync(HttpResponseMessage response)
    {
        var pipe = CreateResponseReader(response);
        try
        {
            var (read, message) = await MessageReader.ReadAsync(
                pipe,
                Method.ResponseMarshaller.ContextualDeserializer,
                new SequenceDeserializationContext(),
                _channel.MaxReceiveMessageSize,
                ResponseDecompressor,
                CallToken).ConfigureAwait(false);
            if (!read)
            {
                var status = GrpcResponse.GetTrailerStatus(response);
                if (status.StatusCode == StatusCode.OK)
                {
                    // Consistent with grpc-dotnet (and Grpc.Core): OK without a message is INTERNAL.
                    status = new Status(StatusCode.Internal, GrpcResponse.MissingResponseMessage);
                }

                TryComplete(status, response.TrailingHeaders, cancelledLocally: false);
                throw CreateFailureException();
            }

            // Exactly one message: the body must end here.
            while (true)
            {
                var result = await pipe.ReadAsync(CallToken).ConfigureAwait(false);
                if (!result.Buffer.IsEmpty)
                {
                    pipe.AdvanceTo(result.Buffer.End);
                    throw new RpcException(new Status(StatusCode.Internal, "Unexpected data after finished reading message."));
                }

                if (result.IsCompleted)
                {
                    break;
                }

                pipe.AdvanceTo(result.Buffer.End);
            }

            return CompleteFromTrailers().StatusCode == StatusCode.OK ? message! : throw CreateFailureException();
        }
        finally
        {
            await pipe.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Arms the deadline and the caller's token, starts the activity, resolves request compression; returns the timeout to send.</summary>
    private TimeSpan? Start()
    {
        _activity = ClientDiagnostics.StartCall(_methodInfo);

        TimeSpan? timeout = null;
        if (_deadline != DateTime.MaxValue)
        {
            var remaining = _deadline - UtcNow();
            timeout = remaining;
            if (remaining <= TimeSpan.Zero)
            {
                Cancel(DeadlineExceededStatus);
            }
            else
            {
                _deadlineTimer = _channel.TimeProvider.CreateTimer(DeadlineCallback, this, Min(remaining, MaxTimerDueTime), Timeout.InfiniteTimeSpan);
            }
        }

        if (Options.CancellationToken.CanBeCanceled)
        {
            _userCancellation = Options.CancellationToken.UnsafeRegister(CancellationCallback, this);
        }

        if (Options.Headers?.GetValue(CompressionRequestHeader) is { } encoding && encoding != GrpcProtocol.IdentityEncoding)
        {
            RequestCompressor = _channel.TryGetCompressionProvider(encoding, out var provider)
                ? provider
                : throw new RpcException(new Status(StatusCode.Internal, $"Could not find compression provider for '{encoding}'."));
        }

        return timeout;
    }

    private UnaryRequestContent CreateUnaryContent(TRequest request)
    {
        var payload = new PayloadPipeWriter(InitialPayloadSize);
        try
        {
            var flags = Options.WriteOptions?.Flags ?? default;
            var compressor = (flags & WriteFlags.NoCompress) != 0 ? null : RequestCompressor;
            new MessageWriter(_channel.MaxSendMessageSize).Write(payload, request, Method.RequestMarshaller.ContextualSerializer, compressor, null);
        }
        catch
        {
            payload.Release();
            throw;
        }

        var buffer = payload.Detach(out var length);
        return _unaryContent = new UnaryRequestContent(buffer, length);
    }

    private HttpRequestMessage CreateRequest(HttpContent content, TimeSpan? timeout)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, _methodInfo.CallUri)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };

        // Raw values: typed header values would parse and allocate.
        var headers = request.Headers;
        headers.TryAddWithoutValidation("User-Agent", UserAgent.Value);
        headers.TryAddWithoutValidation(GrpcProtocol.TeHeader, GrpcProtocol.TeTrailers);
        headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, _channel.MessageAcceptEncoding);
        if (_host is not null)
        {
            headers.Host = _host;
        }

        if (timeout is { } value)
        {
            headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcTimeout.Format(value));
        }

        if (RequestCompressor is not null)
        {
            // Sent even when WriteFlags.NoCompress leaves single messages uncompressed (flag 0).
            headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, RequestCompressor.EncodingName);
        }

        if (Options.Headers is { Count: > 0 } metadata)
        {
            foreach (var entry in metadata)
            {
                if (entry.Key != CompressionRequestHeader && !MetadataWire.IsReserved(entry.Key))
                {
                    headers.TryAddWithoutValidation(entry.Key, MetadataWire.EncodeValue(entry));
                }
            }
        }

        ClientDiagnostics.InjectTraceContext(_activity, headers);
        return request;
    }

    private Task<HttpResponseMessage> SendAsync(HttpRequestMessage request) => _channel.IsHttpClient
        ? ((HttpClient)_channel.HttpInvoker).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, CallToken)
        : _channel.HttpInvoker.SendAsync(request, CallToken);

    /// <summary>
    /// Takes the response headers: publishes them, and completes the call when they already end it.
    /// Returns the response when messages follow, otherwise null.
    /// </summary>
    private HttpResponseMessage? OnResponseHeaders(HttpResponseMessage response, bool singleResponse)
    {
        var status = GrpcResponse.ValidateHeaders(response, out var trailersOnly);
        if (status is null && GrpcResponse.GetEncoding(response) is { } encoding)
        {
            ResponseDecompressor = _channel.TryGetCompressionProvider(encoding, out var provider)
                ? provider
                : new UnsupportedCompressionProvider(encoding, _channel.SupportedEncodings());
        }

        if (status is { StatusCode: StatusCode.OK } && singleResponse)
        {
            // A trailers-only OK carries no message, which a unary response must have.
            status = new Status(StatusCode.Internal, GrpcResponse.MissingResponseMessage);
        }

        TaskCompletionSource<Metadata>? headersTcs;
        lock (this)
        {
            if (_completed)
            {
                // Cancelled (or timed out) while the headers were on their way.
                response.Dispose();
                return null;
            }

            _response = response;
            headersTcs = _responseHeadersTcs;
            if (status is { } value)
            {
                if (trailersOnly)
                {
                    _trailerSource = response.Headers;
                }
                else
                {
                    _trailers = [];
                }

                SetOutcomeUnsynchronized(value, cancelledLocally: false);
            }
        }

        if (status is { } final)
        {
            FinishCall(final);
        }

        headersTcs?.TrySetResult(GrpcResponse.BuildMetadata(response.Headers));
        return status is null ? response : null;
    }

    private bool TryComplete(Status status, HttpHeaders? trailerSource, bool cancelledLocally)
    {
        lock (this)
        {
            if (_completed)
            {
                return false;
            }

            _trailerSource = trailerSource;
            SetOutcomeUnsynchronized(status, cancelledLocally);
        }

        FinishCall(status);
        return true;
    }

    private void SetOutcomeUnsynchronized(Status status, bool cancelledLocally)
    {
        _status = status;
        _cancelledLocally = cancelledLocally;
        _completed = true;
    }

    /// <summary>Runs once, after the outcome is set: stops timers, ends the HTTP request, releases buffers, ends the activity.</summary>
    private void FinishCall(Status status)
    {
        _deadlineTimer?.Dispose();
        _userCancellation.Unregister();

        // Anything still in flight must stop: a pending send (the handler resets the HTTP/2 stream),
        // reads, and writes of a request body that is still open.
        if (status.StatusCode != StatusCode.OK || _writer is { IsOpen: true })
        {
            _cts.Cancel();
        }

        HttpResponseMessage? response;
        TaskCompletionSource<Metadata>? headersTcs;
        lock (this)
        {
            response = _response;
            headersTcs = _responseHeadersTcs;
        }

        // Disposing a response whose body was not read to its end resets the stream as well.
        response?.Dispose();
        _writer?.OnCallCompleted();
        _unaryContent?.ReleaseCallReference();

        if (response is null)
        {
            headersTcs?.TrySetException(CreateFailureException());
        }

        if (_activity is { } activity)
        {
            ClientDiagnostics.StopCall(activity, status);
        }
    }

    private Metadata? TryGetTrailersUnsynchronized()
    {
        if (_trailers is null && _trailerSource is not null)
        {
            _trailers = GrpcResponse.BuildMetadata(_trailerSource);
        }

        return _trailers;
    }

    private void OnDeadlineTimer()
    {
        if (_completed)
        {
            return;
        }

        var remaining = _deadline - UtcNow();
        if (remaining > TimeSpan.Zero)
        {
            // The timer was capped, or fired a little early.
            _deadlineTimer?.Change(Min(remaining, MaxTimerDueTime), Timeout.InfiniteTimeSpan);
            return;
        }

        Cancel(DeadlineExceededStatus);
    }

    private DateTime UtcNow() => _channel.TimeProvider.GetUtcNow().UtcDateTime;

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
