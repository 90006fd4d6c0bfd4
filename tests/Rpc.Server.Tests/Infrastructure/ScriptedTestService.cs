using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>grpc.testing.TestService whose methods do what the test's <see cref="ServiceScript"/> says.</summary>
public sealed class ScriptedTestService : TestService.TestServiceBase
{
    private readonly ServiceScript _script;

    public ScriptedTestService(ServiceScript script) => _script = script;

    public override Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context) => _script.Unary(request, context);

    public override Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context) =>
        _script.ClientStreaming(requestStream, context);

    public override Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context) =>
        _script.ServerStreaming(request, responseStream, context);

    public override Task FullDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context) =>
        _script.Duplex(requestStream, responseStream, context);
}
