using Grpc.Net.Client;
using SentinelSync.Bench.Rpc.V1;

namespace SentinelSync.Bench.Rpc;

/// <summary>Reads the stream as any client of ours does: <see cref="GrpcChannel"/> and the generated client.</summary>
internal sealed class GrpcChannelDrain : IStreamDrain
{
    private readonly GrpcChannel _channel;
    private readonly BenchService.BenchServiceClient _client;

    public GrpcChannelDrain(Uri address)
    {
        _channel = GrpcChannel.ForAddress(address);
        _client = new BenchService.BenchServiceClient(_channel);
    }

    public async Task<long> DrainAsync(uint count, uint payloadSize, CancellationToken cancellationToken)
    {
        using var call = _client.StreamItems(new StreamItemsRequest { Count = count, PayloadSize = payloadSize }, cancellationToken: cancellationToken);
        long received = 0;
        while (await call.ResponseStream.MoveNext(cancellationToken))
        {
            if (call.ResponseStream.Current.Sequence != received)
            {
                throw new InvalidOperationException($"Item {received} arrived with sequence {call.ResponseStream.Current.Sequence}.");
            }

            received++;
        }

        var status = call.GetStatus();
        if (status.StatusCode != Grpc.Core.StatusCode.OK)
        {
            throw new InvalidOperationException($"The call ended with {status}.");
        }

        return received;
    }

    public void Dispose() => _channel.Dispose();
}
