using Google.Protobuf;
using Grpc.Core;
using SentinelSync.Bench.Rpc.V1;

namespace SentinelSync.Bench.Rpc;

/// <summary>The benchmark service as any service on our runtime is written: the generated base class.</summary>
internal sealed class BenchEndpoints : BenchService.BenchServiceBase
{
    public override Task<EchoResponse> Echo(EchoRequest request, ServerCallContext context) =>
        Task.FromResult(new EchoResponse { Id = request.Id, Payload = request.Payload });

    public override async Task StreamItems(StreamItemsRequest request, IServerStreamWriter<StreamItem> responseStream, ServerCallContext context)
    {
        if (request.PayloadSize > RawEndpoints.MaxPayloadSize)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"payload_size may be at most {RawEndpoints.MaxPayloadSize} bytes."));
        }

        var payload = ByteString.CopyFrom(new byte[request.PayloadSize]);
        for (uint sequence = 0; sequence < request.Count; sequence++)
        {
            await responseStream.WriteAsync(new StreamItem { Sequence = sequence, Payload = payload });
        }
    }
}
