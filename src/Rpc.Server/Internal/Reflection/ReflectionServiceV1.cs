using Grpc.Core;
using Grpc.Reflection.V1;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary><c>grpc.reflection.v1.ServerReflection</c>.</summary>
internal sealed class ReflectionServiceV1 : ServerReflection.ServerReflectionBase
{
    private readonly ReflectionIndexSource _source;

    public ReflectionServiceV1(ReflectionIndexSource source) => _source = source;

    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requestStream, IServerStreamWriter<ServerReflectionResponse> responseStream, ServerCallContext context)
    {
        var responder = new ReflectionResponder(_source.Index);
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            await responseStream.WriteAsync(responder.Respond(requestStream.Current)).ConfigureAwait(false);
        }
    }
}
