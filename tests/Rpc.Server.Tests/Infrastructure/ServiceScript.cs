using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>What <see cref="ScriptedTestService"/> does, set per test. Defaults echo sizes as the interop server does.</summary>
public sealed class ServiceScript
{
    public Func<SimpleRequest, ServerCallContext, Task<SimpleResponse>> Unary { get; set; } =
        (request, _) => Task.FromResult(new SimpleResponse { Payload = Zeros(request.ResponseSize) });

    public Func<IAsyncStreamReader<StreamingInputCallRequest>, ServerCallContext, Task<StreamingInputCallResponse>> ClientStreaming { get; set; } =
        async (requests, context) =>
        {
            var size = 0;
            while (await requests.MoveNext(context.CancellationToken))
            {
                size += requests.Current.Payload?.Body.Length ?? 0;
            }

            return new StreamingInputCallResponse { AggregatedPayloadSize = size };
        };

    public Func<StreamingOutputCallRequest, IServerStreamWriter<StreamingOutputCallResponse>, ServerCallContext, Task> ServerStreaming { get; set; } =
        async (request, responses, context) =>
        {
            foreach (var parameters in request.ResponseParameters)
            {
                await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Zeros(parameters.Size) }, context.CancellationToken);
            }
        };

    public Func<IAsyncStreamReader<StreamingOutputCallRequest>, IServerStreamWriter<StreamingOutputCallResponse>, ServerCallContext, Task> Duplex { get; set; } =
        async (requests, responses, context) =>
        {
            while (await requests.MoveNext(context.CancellationToken))
            {
                foreach (var parameters in requests.Current.ResponseParameters)
                {
                    await responses.WriteAsync(new StreamingOutputCallResponse { Payload = Zeros(parameters.Size) }, context.CancellationToken);
                }
            }
        };

    public static Payload Zeros(int size) => new() { Body = ByteString.CopyFrom(new byte[size]) };
}
