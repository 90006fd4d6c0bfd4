using Google.Protobuf;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>A duplex or server-streaming call driven message by message over raw HTTP/2.</summary>
public sealed class StreamingCall : IDisposable
{
    private readonly DuplexContent _content;
    private readonly HttpResponseMessage _response;
    private readonly MessageStreamReader _reader;

    private StreamingCall(DuplexContent content, HttpResponseMessage response, MessageStreamReader reader)
    {
        _content = content;
        _response = response;
        _reader = reader;
    }

    public HttpResponseMessage Response => _response;

    /// <summary>Starts a call, sending a first message so that the server answers with headers.</summary>
    public static async Task<StreamingCall> StartAsync(HttpClient client, string path, IMessage first, bool completeRequest = false)
    {
        var content = new DuplexContent();
        var send = client.SendAsync(GrpcWire.Request(path, content), HttpCompletionOption.ResponseHeadersRead);
        await content.SendAsync(GrpcWire.Frame(first));
        if (completeRequest)
        {
            content.Complete();
        }

        var response = await send.WaitAsync(TestTimeouts.Call);
        return new StreamingCall(content, response, new MessageStreamReader(await response.Content.ReadAsStreamAsync()));
    }

    public Task SendAsync(IMessage message) => _content.SendAsync(GrpcWire.Frame(message));

    public Task<T> ReadAsync<T>(MessageParser<T> parser)
        where T : IMessage<T> => _reader.ReadAsync(parser);

    /// <summary>Reads to the end of the response; null when it ended without another message.</summary>
    public Task<GrpcMessage?> ReadNextAsync() => _reader.ReadAsync();

    public async Task<T> AskAsync<T>(IMessage request, MessageParser<T> parser)
        where T : IMessage<T>
    {
        await SendAsync(request);
        return await ReadAsync(parser);
    }

    public void CompleteRequest() => _content.Complete();

    public string? Trailer(string name) => _response.TrailingHeaders.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    public void Dispose() => _response.Dispose();
}
