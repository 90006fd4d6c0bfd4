using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using SentinelSync.Bench.Rpc.V1;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// Reads the stream with a bare <see cref="HttpClient"/> over HTTP/2: splits the length-prefixed
/// messages itself and parses each with the generated parser. The reference for what our client costs.
/// </summary>
internal sealed class RawHttpDrain : IStreamDrain
{
    private readonly HttpClient _client;
    private readonly Uri _method;

    public RawHttpDrain(Uri address)
    {
        _client = new HttpClient(new SocketsHttpHandler())
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _method = new Uri(address, "/bench.v1.BenchService/StreamItems");
    }

    public async Task<long> DrainAsync(uint count, uint payloadSize, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _method)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(Framing.Frame(new StreamItemsRequest { Count = count, PayloadSize = payloadSize })),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        response.EnsureSuccessStatusCode();

        var reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(cancellationToken), new StreamPipeReaderOptions(bufferSize: 64 * 1024));
        long received = 0;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken);
            var buffer = result.Buffer;
            while (TryReadMessage(ref buffer, out var payload))
            {
                var item = StreamItem.Parser.ParseFrom(payload);
                if (item.Sequence != received)
                {
                    throw new InvalidOperationException($"Item {received} arrived with sequence {item.Sequence}.");
                }

                received++;
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
            if (result.IsCompleted)
            {
                if (buffer.Length != 0)
                {
                    throw new InvalidOperationException("The stream ended inside a message.");
                }

                break;
            }
        }

        await reader.CompleteAsync();
        var status = response.TrailingHeaders.TryGetValues("grpc-status", out var values) || response.Headers.TryGetValues("grpc-status", out values)
            ? values.FirstOrDefault()
            : null;
        if (status != "0")
        {
            throw new InvalidOperationException($"The call ended with grpc-status '{status ?? "(none)"}'.");
        }

        return received;
    }

    public void Dispose() => _client.Dispose();

    private static bool TryReadMessage(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> payload)
    {
        payload = default;
        var length = Framing.ReadPrefix(buffer, maxLength: 1024 * 1024);
        if (length is null || buffer.Length < Framing.PrefixSize + length)
        {
            return false;
        }

        payload = buffer.Slice(Framing.PrefixSize, length.Value);
        buffer = buffer.Slice(payload.End);
        return true;
    }
}
