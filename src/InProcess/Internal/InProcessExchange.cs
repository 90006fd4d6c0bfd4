using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace SentinelSync.InProcess.Internal;

/// <summary>
/// One request handed to the application in memory: the request, response, body, trailer, lifetime and connection
/// features a server provides, with HTTP/2 semantics, over two pipes. The caller gets its
/// <see cref="HttpResponseMessage"/> when the response starts (first flush or write, an explicit start, or the end of
/// the request), reads the body as the application writes it, and finds the trailers in
/// <see cref="HttpResponseMessage.TrailingHeaders"/> once the body has ended. The request body streams in while the
/// application runs, so bidirectional streams work as over HTTP/2.
/// </summary>
/// <remarks>
/// Aborts, from either side, end the exchange as a reset stream would: the caller's token or its disposing the
/// response body before the end fires <see cref="HttpContext.RequestAborted"/>; the application's
/// <see cref="HttpContext.Abort"/> or <see cref="IHttpResetFeature.Reset"/> fails the caller's reads with an
/// <see cref="IOException"/>.
/// </remarks>
internal sealed class InProcessExchange :
    IHttpRequestFeature,
    IHttpRequestBodyDetectionFeature,
    IRequestBodyPipeFeature,
    IHttpResponseFeature,
    IHttpResponseBodyFeature,
    IHttpResponseTrailersFeature,
    IHttpRequestLifetimeFeature,
    IHttpConnectionFeature,
    IHttpResetFeature,
    IDisposable
{
    private static readonly PipeOptions PipeOptions = new(
        readerScheduler: PipeScheduler.Inline,
        writerScheduler: PipeScheduler.Inline,
        useSynchronizationContext: false);

    private static long _connections;

    private readonly HttpRequestMessage _request;
    private readonly CancellationToken _callerToken;
    private readonly CancellationTokenSource _aborted = new();
    private readonly TaskCompletionSource<HttpResponseMessage> _response = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Pipe _requestBody = new(PipeOptions);
    private readonly Pipe _responseBody = new(PipeOptions);
    private readonly ResponseBodyWriter _writer;
    private readonly FeatureCollection _features = new(10);
    private readonly HeaderDictionary _requestHeaders = new();
    private readonly HeaderDictionary _responseHeaders = new();
    private CancellationTokenRegistration _callerRegistration;
    private HeaderDictionary? _trailers;
    private Stack<(Func<object, Task> Callback, object State)>? _onStarting;
    private Stack<(Func<object, Task> Callback, object State)>? _onCompleted;
    private HttpResponseMessage? _message;
    private Stream? _requestStream;
    private Stream? _responseStream;
    private string? _connectionId;
    private readonly Lock _startLock = new();
    private Task? _start;
    private bool _starting;
    private volatile bool _started;
    private volatile bool _bodyCompleted;
    private volatile bool _finished;
    private volatile bool _abortRequested;

    public InProcessExchange(HttpRequestMessage request, IPEndPoint local, CancellationToken cancellationToken)
    {
        _request = request;
        _callerToken = cancellationToken;
        _writer = new ResponseBodyWriter(this, _responseBody.Writer);

        var uri = request.RequestUri!;
        Method = request.Method.Method;
        Scheme = uri.Scheme;
        Path = PathString.FromUriComponent(uri);
        QueryString = uri.Query;
        RawTarget = uri.PathAndQuery;
        CopyHeaders(request.Headers.NonValidated, _requestHeaders);
        if (request.Content is { } content)
        {
            CopyHeaders(content.Headers.NonValidated, _requestHeaders);
        }

        if (!_requestHeaders.ContainsKey(HeaderNames.Host))
        {
            _requestHeaders[HeaderNames.Host] = uri.Authority;
        }

        ((IHttpRequestFeature)this).Headers = _requestHeaders;
        ((IHttpResponseFeature)this).Headers = _responseHeaders;
        LocalIpAddress = local.Address;
        LocalPort = local.Port;
        RemoteIpAddress = local.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? IPAddress.IPv6Loopback : IPAddress.Loopback;

        _features.Set<IHttpRequestFeature>(this);
        _features.Set<IHttpRequestBodyDetectionFeature>(this);
        _features.Set<IRequestBodyPipeFeature>(this);
        _features.Set<IHttpResponseFeature>(this);
        _features.Set<IHttpResponseBodyFeature>(this);
        _features.Set<IHttpResponseTrailersFeature>(this);
        _features.Set<IHttpRequestLifetimeFeature>(this);
        _features.Set<IHttpConnectionFeature>(this);
        _features.Set<IHttpResetFeature>(this);
    }

    /// <summary>Completes with the response when it starts; fails when the exchange ends before that.</summary>
    public Task<HttpResponseMessage> Response => _response.Task;

    /// <summary>True once the response has started: its status and headers are fixed.</summary>
    public bool HasStarted => _started;

    /// <summary>True once the exchange was aborted by either side.</summary>
    public bool IsAborted => _abortRequested;

    // IHttpRequestFeature
    public string Protocol { get; set; } = HttpProtocol.Http2;

    public string Scheme { get; set; }

    public string Method { get; set; }

    public string PathBase { get; set; } = string.Empty;

    public string Path { get; set; }

    public string QueryString { get; set; }

    public string RawTarget { get; set; }

    IHeaderDictionary IHttpRequestFeature.Headers { get; set; } = null!;

    Stream IHttpRequestFeature.Body
    {
        get => _requestStream ??= _requestBody.Reader.AsStream(leaveOpen: true);
        set => _requestStream = value;
    }

    // IHttpRequestBodyDetectionFeature, IRequestBodyPipeFeature
    bool IHttpRequestBodyDetectionFeature.CanHaveBody => _request.Content is not null;

    PipeReader IRequestBodyPipeFeature.Reader => _requestBody.Reader;

    // IHttpResponseFeature
    public int StatusCode { get; set; } = StatusCodes.Status200OK;

    public string? ReasonPhrase { get; set; }

    IHeaderDictionary IHttpResponseFeature.Headers { get; set; } = null!;

    [Obsolete("Use IHttpResponseBodyFeature.Stream.")]
    Stream IHttpResponseFeature.Body
    {
        get => ((IHttpResponseBodyFeature)this).Stream;
        set => _responseStream = value;
    }

    // IHttpResponseBodyFeature
    Stream IHttpResponseBodyFeature.Stream => _responseStream ??= _writer.AsStream(leaveOpen: true);

    PipeWriter IHttpResponseBodyFeature.Writer => _writer;

    // IHttpResponseTrailersFeature
    IHeaderDictionary IHttpResponseTrailersFeature.Trailers
    {
        get => _trailers ??= new HeaderDictionary();
        set => _trailers = value as HeaderDictionary ?? Copy(value);
    }

    // IHttpRequestLifetimeFeature
    public CancellationToken RequestAborted
    {
        get => _aborted.Token;
        set => throw new NotSupportedException("The in-process request's abort token is its own.");
    }

    // IHttpConnectionFeature
    public string ConnectionId
    {
        get => _connectionId ??= "inprocess-" + Interlocked.Increment(ref _connections).ToString(System.Globalization.CultureInfo.InvariantCulture);
        set => _connectionId = value;
    }

    public IPAddress? RemoteIpAddress { get; set; }

    public IPAddress? LocalIpAddress { get; set; }

    public int RemotePort { get; set; }

    public int LocalPort { get; set; }

    /// <summary>
    /// Hands the request to <paramref name="application"/>: the application runs on this thread until it first waits,
    /// the request body is copied in alongside.
    /// </summary>
    public void Run(InProcessApplication application)
    {
        if (_callerToken.CanBeCanceled)
        {
            _callerRegistration = _callerToken.UnsafeRegister(static state => ((InProcessExchange)state!).Abort(), this);
        }

        if (_request.Content is { } content)
        {
            _ = CopyRequestBodyAsync(content);
        }
        else
        {
            _requestBody.Writer.Complete();
        }

        _ = RunAsync(application);
    }

    // IHttpResponseFeature
    public void OnStarting(Func<object, Task> callback, object state)
    {
        if (_started)
        {
            throw new InvalidOperationException("The response has already started.");
        }

        (_onStarting ??= new()).Push((callback, state));
    }

    public void OnCompleted(Func<object, Task> callback, object state) => (_onCompleted ??= new()).Push((callback, state));

    // IHttpResponseBodyFeature
    public void DisableBuffering()
    {
    }

    public Task StartAsync(CancellationToken cancellationToken = default)
    {
        if (_started)
        {
            return Task.CompletedTask;
        }

        // One start, which every caller waits for: the application's flush and the end of the request may race.
        lock (_startLock)
        {
            // Null while the start runs its OnStarting callbacks on this thread: one of them started the response.
            return _start ?? (_starting ? Task.CompletedTask : _start = StartCoreAsync());
        }
    }

    public Task SendFileAsync(string path, long offset, long? count, CancellationToken cancellationToken = default) =>
        SendFileFallback.SendFileAsync(((IHttpResponseBodyFeature)this).Stream, path, offset, count, cancellationToken);

    /// <summary>Ends the response body: starts the response if it has not, hands over the trailers, then the end of the body.</summary>
    public async Task CompleteAsync()
    {
        if (_bodyCompleted)
        {
            return;
        }

        await StartAsync().ConfigureAwait(false);
        if (_bodyCompleted)
        {
            return;
        }

        _bodyCompleted = true;
        if (_trailers is { Count: > 0 } trailers)
        {
            foreach (var (name, values) in trailers)
            {
                _message!.TrailingHeaders.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        await _responseBody.Writer.CompleteAsync().ConfigureAwait(false);
    }

    // IHttpRequestLifetimeFeature, IHttpResetFeature
    public void Abort()
    {
        if (_finished || _abortRequested)
        {
            return;
        }

        _abortRequested = true;
        if (!_bodyCompleted)
        {
            // The caller's next read fails, the application's pending flush returns; a body already complete stays readable.
            _responseBody.Reader.CancelPendingRead();
            _responseBody.Writer.CancelPendingFlush();
        }

        if (_callerToken.IsCancellationRequested)
        {
            _response.TrySetCanceled(_callerToken);
        }
        else
        {
            _response.TrySetException(new HttpRequestException(HttpRequestError.ResponseEnded, "The in-process request was aborted before its response started."));
        }

        try
        {
            _aborted.Cancel();
        }
        catch (AggregateException)
        {
            // A RequestAborted callback threw; the request ends regardless.
        }
    }

    void IHttpResetFeature.Reset(int errorCode) => Abort();

    public void Dispose() => _callerRegistration.Dispose();

    /// <summary>Called by the caller's body stream when it is disposed: before the end of the body, that aborts.</summary>
    internal void ResponseBodyAbandoned()
    {
        if (!_bodyCompleted)
        {
            Abort();
        }
    }

    private static void CopyHeaders(HttpHeadersNonValidated source, HeaderDictionary destination)
    {
        foreach (var (name, values) in source)
        {
            destination.Append(name, values.Count == 1 ? new StringValues(values.ToString()) : new StringValues(values.ToArray()));
        }
    }

    private static HeaderDictionary Copy(IHeaderDictionary source)
    {
        var copy = new HeaderDictionary();
        foreach (var (name, values) in source)
        {
            copy[name] = values;
        }

        return copy;
    }

    private async Task StartCoreAsync()
    {
        _starting = true;
        if (_onStarting is { } callbacks)
        {
            while (callbacks.TryPop(out var entry))
            {
                await entry.Callback(entry.State).ConfigureAwait(false);
            }
        }

        _responseHeaders.IsReadOnly = true;
        var message = new HttpResponseMessage((HttpStatusCode)StatusCode)
        {
            Version = HttpVersion.Version20,
            RequestMessage = _request,
            Content = new StreamContent(new ResponseBodyStream(this, _responseBody.Reader)),
        };
        if (ReasonPhrase is not null)
        {
            message.ReasonPhrase = ReasonPhrase;
        }

        foreach (var (name, values) in _responseHeaders)
        {
            if (!message.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                message.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        _message = message;
        _started = true;
        _response.TrySetResult(message);
    }

    private async Task CopyRequestBodyAsync(HttpContent content)
    {
        try
        {
            await content.CopyToAsync(_requestBody.Writer.AsStream(leaveOpen: true), _aborted.Token).ConfigureAwait(false);
            await _requestBody.Writer.CompleteAsync().ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            await _requestBody.Writer.CompleteAsync(new IOException("The request body ended with an error: " + ex.Message, ex)).ConfigureAwait(false);
        }
    }

    private async Task RunAsync(InProcessApplication application)
    {
        try
        {
            await application.ProcessAsync(_features, FinishAsync).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Finishing itself failed (an OnStarting callback threw, say): the caller must not wait for a response.
            _response.TrySetException(new HttpRequestException(HttpRequestError.Unknown, "The in-process request failed: " + ex.Message, ex));
            await _responseBody.Writer.CompleteAsync(new IOException("The in-process request failed.", ex)).ConfigureAwait(false);
        }
        finally
        {
            _finished = true;
            await _requestBody.Reader.CompleteAsync().ConfigureAwait(false);
            Dispose();
        }
    }

    /// <summary>The application is done with the request: end the response as a server would, then run OnCompleted.</summary>
    private async Task FinishAsync(Exception? error)
    {
        if (_abortRequested)
        {
            await _responseBody.Writer.CompleteAsync(new IOException("The in-process request was aborted.")).ConfigureAwait(false);
        }
        else if (error is null)
        {
            await CompleteAsync().ConfigureAwait(false);
        }
        else if (!_started)
        {
            // As Kestrel: an exception before the response started becomes an empty 500.
            _responseHeaders.Clear();
            _trailers = null;
            StatusCode = StatusCodes.Status500InternalServerError;
            ReasonPhrase = null;
            await CompleteAsync().ConfigureAwait(false);
        }
        else
        {
            // After it started, the caller sees the stream end in error, as a reset.
            _bodyCompleted = true;
            await _responseBody.Writer.CompleteAsync(new IOException("The in-process request failed after its response started: " + error.Message, error)).ConfigureAwait(false);
        }

        _finished = true;
        if (_onCompleted is { } callbacks)
        {
            while (callbacks.TryPop(out var entry))
            {
                try
                {
                    await entry.Callback(entry.State).ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // As a server does: one failing callback does not keep the others from running.
                }
            }
        }
    }
}
