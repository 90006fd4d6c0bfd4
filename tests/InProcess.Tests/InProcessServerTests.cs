using System.IO.Pipelines;
using System.Net;
using System.Text;

namespace SentinelSync.InProcess.Tests;

public sealed class InProcessServerTests : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private TestApplication _app = null!;

    public async Task InitializeAsync() => _app = await TestApplication.StartAsync();

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task LocalRequest_ServedInMemory_WithStatusHeadersBodyQueryAndTrailers()
    {
        using var client = _app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_app.Address, "/echo?q=query"))
        {
            Content = new StringContent("hello", Encoding.UTF8, "text/plain"),
        };
        request.Headers.Add("x-test", "header-value");

        using var response = await client.SendAsync(request).WaitAsync(Bound);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("header-value", Assert.Single(response.Headers.GetValues("x-echo")));
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("echo:hello|query", body);
        Assert.Equal("done", Assert.Single(response.TrailingHeaders.GetValues("x-trailer")));
    }

    [Fact]
    public async Task LocalRequest_ArrivesAsOnTheInternalEndpointFromLoopback_OverHttp2()
    {
        using var client = _app.CreateClient();

        var facts = (await client.GetStringAsync(new Uri(_app.Address, "/connection")).WaitAsync(Bound)).Split('|');

        Assert.StartsWith("inprocess-", facts[0], StringComparison.Ordinal);
        Assert.Equal(_app.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), facts[1]);
        Assert.Equal("127.0.0.1", facts[2]);
        Assert.Equal("HTTP/2", facts[3]);
        Assert.Equal(_app.Address.Authority, facts[4]);
    }

    [Fact]
    public async Task OtherAddress_GoesOverTheNetwork()
    {
        // Same port, another host name: not the local address, so the socket handler sends it to Kestrel.
        using var client = _app.CreateClient();

        var facts = (await client.GetStringAsync(new Uri($"http://localhost:{_app.Port}/connection")).WaitAsync(Bound)).Split('|');

        Assert.DoesNotContain("inprocess-", facts[0], StringComparison.Ordinal);
        Assert.Equal("HTTP/2", facts[3]);
    }

    [Fact]
    public async Task Duplex_EachChunkEchoedBeforeTheNextIsSent_ThenTrailers()
    {
        using var client = _app.CreateClient();
        var requestBody = new Pipe();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_app.Address, "/duplex"))
        {
            Content = new StreamContent(requestBody.Reader.AsStream()),
        };

        var sending = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        await requestBody.Writer.WriteAsync("one"u8.ToArray());
        using var response = await sending.WaitAsync(Bound);
        await using var responseBody = await response.Content.ReadAsStreamAsync();

        Assert.Equal("one", await ReadAsync(responseBody, 3));
        await requestBody.Writer.WriteAsync("two"u8.ToArray());

        // As YARP's copier reads: a zero-byte read to wait for data, then the read that takes it.
        Assert.Equal(0, await responseBody.ReadAsync(Memory<byte>.Empty).AsTask().WaitAsync(Bound));
        Assert.Equal("two", await ReadAsync(responseBody, 3));
        await requestBody.Writer.CompleteAsync();
        Assert.Equal(0, await responseBody.ReadAsync(new byte[16]).AsTask().WaitAsync(Bound));
        Assert.Equal("all", Assert.Single(response.TrailingHeaders.GetValues("x-chunks")));
    }

    [Fact]
    public async Task ApplicationThrowsBeforeResponse_EmptyInternalServerError()
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri(_app.Address, "/throw-before")).WaitAsync(Bound);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Equal(string.Empty, await response.Content.ReadAsStringAsync());
    }

    [Theory]
    [InlineData("/throw-after")]
    [InlineData("/reset")]
    public async Task ApplicationFailsOrResetsAfterResponseStarted_CallerReadFails(string path)
    {
        using var client = _app.CreateClient();

        using var response = await client.GetAsync(new Uri(_app.Address, path), HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        await using var body = await response.Content.ReadAsStreamAsync();

        await Assert.ThrowsAsync<IOException>(() => new StreamReader(body).ReadToEndAsync().WaitAsync(Bound));
    }

    [Fact]
    public async Task CallerCancels_ApplicationSeesRequestAborted()
    {
        // As YARP and the gRPC client send: through an invoker, whose token stays the request's after the headers
        // (HttpClient lets go of it then).
        using var invoker = new HttpMessageInvoker(_app.Server.CreateHandler(_app.Address, new SocketsHttpHandler()));
        using var cancel = new CancellationTokenSource();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(_app.Address, "/wait-abort")) { Version = HttpVersion.Version20 };

        using var response = await invoker.SendAsync(request, cancel.Token).WaitAsync(Bound);
        Assert.False(_app.RequestAbortedSeen.Task.IsCompleted);
        await cancel.CancelAsync();

        await _app.RequestAbortedSeen.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task CallerDisposesResponseBeforeTheEnd_ApplicationSeesRequestAborted()
    {
        using var client = _app.CreateClient();

        var response = await client.GetAsync(new Uri(_app.Address, "/wait-abort"), HttpCompletionOption.ResponseHeadersRead).WaitAsync(Bound);
        Assert.False(_app.RequestAbortedSeen.Task.IsCompleted);
        response.Dispose();

        await _app.RequestAbortedSeen.Task.WaitAsync(Bound);
    }

    [Fact]
    public async Task ServerStopped_LocalRequestRefusedAsAConnectionError()
    {
        using var client = _app.CreateClient();
        await _app.StopAsync();

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync(new Uri(_app.Address, "/connection")).WaitAsync(Bound));

        Assert.False(_app.Server.IsServing);
        Assert.Equal(HttpRequestError.ConnectionError, error.HttpRequestError);
    }

    private static async Task<string> ReadAsync(Stream stream, int count)
    {
        var buffer = new byte[count];
        await stream.ReadExactlyAsync(buffer).AsTask().WaitAsync(Bound);
        return Encoding.UTF8.GetString(buffer);
    }
}
