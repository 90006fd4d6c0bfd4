using Google.Protobuf;
using Grpc.Core;
using Grpc.Reflection.V1Alpha;
using V1 = Grpc.Reflection.V1;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>
/// <c>grpc.reflection.v1alpha.ServerReflection</c>. Its messages are v1's under another package, field for
/// field, so each request is read as v1 and each answer re-read as v1alpha through the wire format.
/// </summary>
internal sealed class ReflectionServiceV1Alpha : ServerReflection.ServerReflectionBase
{
    private readonly ReflectionIndexSource _source;

    public ReflectionServiceV1Alpha(ReflectionIndexSource source) => _source = source;

    public override async Task ServerReflectionInfo(IAsyncStreamReader<ServerReflectionRequest> requestStream, IServerStreamWriter<ServerReflectionResponse> responseStream, ServerCallContext context)
    {
        var responder = new ReflectionResponder(_source.Index);
        while (await requestStream.MoveNext(context.CancellationToken).ConfigureAwait(false))
        {
            var request = V1.ServerReflectionRequest.Parser.ParseFrom(requestStream.Current.ToByteString());
            var response = responder.Respond(request);
            await responseStream.WriteAsync(ServerReflectionResponse.Parser.ParseFrom(response.ToByteString())).ConfigureAwait(false);
        }
    }
}
