using Grpc.Core;
using Microsoft.AspNetCore.Http.Features;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

/// <summary>RST_STREAM from the server maps to a status as PROTOCOL-HTTP2.md's error table says.</summary>
public class StreamResetTests
{
    [Theory]
    [InlineData(0x1, StatusCode.Internal)]
    [InlineData(0x2, StatusCode.Internal)]
    [InlineData(0x7, StatusCode.Unavailable)]
    [InlineData(0x8, StatusCode.Cancelled)]
    [InlineData(0xb, StatusCode.ResourceExhausted)]
    [InlineData(0xc, StatusCode.PermissionDenied)]
    public async Task ServerStreamingCall_ServerResetsStream_MapsErrorCode(int errorCode, StatusCode expected)
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("first"u8));
            context.Features.Get<IHttpResetFeature>()!.Reset(errorCode);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);

        // The reset may overtake the message already sent: the client drops what it buffered.
        var ex = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout())
            {
            }
        });

        Assert.True(expected == ex.StatusCode, ex.Status.ToString());
        Assert.Equal(expected, call.GetStatus().StatusCode);
    }
}
