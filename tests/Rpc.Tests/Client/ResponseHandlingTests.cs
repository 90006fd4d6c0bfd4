using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Http;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

/// <summary>How the client reads crafted responses: statuses, metadata, framing, limits, compression.</summary>
public class ResponseHandlingTests
{
    [Theory]
    [InlineData(400, StatusCode.Internal)]
    [InlineData(401, StatusCode.Unauthenticated)]
    [InlineData(403, StatusCode.PermissionDenied)]
    [InlineData(404, StatusCode.Unimplemented)]
    [InlineData(429, StatusCode.Unavailable)]
    [InlineData(502, StatusCode.Unavailable)]
    [InlineData(503, StatusCode.Unavailable)]
    [InlineData(504, StatusCode.Unavailable)]
    [InlineData(500, StatusCode.Unknown)]
    [InlineData(418, StatusCode.Unknown)]
    public async Task UnaryCall_HttpErrorWithoutGrpcStatus_MapsHttpStatus(int httpStatus, StatusCode expected)
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            context.Response.StatusCode = httpStatus;
            context.Response.ContentType = "text/plain";
            await context.Response.WriteAsync("proxy says no");
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(expected, ex.StatusCode);
        Assert.Contains(httpStatus.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryCall_HttpErrorWithGrpcStatus_UsesGrpcStatus()
    {
        await using var server = await RawHttp2Server.StartAsync(context =>
        {
            context.Response.StatusCode = 503;
            context.Response.Headers["grpc-status"] = "5";
            context.Response.Headers["grpc-message"] = "not here";
            return Task.CompletedTask;
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(new Status(StatusCode.NotFound, "not here"), ex.Status);
    }

    [Theory]
    [InlineData("text/html; charset=utf-8")]
    [InlineData("application/json")]
    [InlineData("application/grpcx")]
    public async Task UnaryCall_NonGrpcContentType_FailsNamingIt(string contentType)
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response, contentType);
            await context.Response.WriteAsync("<html>login</html>");
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
        Assert.Contains(contentType, ex.Status.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task UnaryCall_GrpcContentTypeVariant_Accepted(string contentType)
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response, contentType);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("ok"u8));
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();

        Assert.Equal("ok"u8.ToArray(), await Unary(channel).WithTimeout());
    }

    [Fact]
    public async Task UnaryCall_TrailersOnlyError_StatusAndMetadataFromHeaders()
    {
        await using var server = await RawHttp2Server.StartAsync(context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            context.Response.Headers["grpc-status"] = "7";
            context.Response.Headers["grpc-message"] = "denied";
            context.Response.Headers["x-reason"] = "policy";
            return Task.CompletedTask;
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []);

        var ex = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WithTimeout());

        Assert.Equal(new Status(StatusCode.PermissionDenied, "denied"), ex.Status);
        Assert.Equal("policy", ex.Trailers.GetValue("x-reason"));
        Assert.Equal(ex.Status, call.GetStatus());
        Assert.Equal("policy", call.GetTrailers().GetValue("x-reason"));
        Assert.Null(call.GetTrailers().Get("grpc-status"));
        Assert.Equal("policy", (await call.ResponseHeadersAsync.WithTimeout()).GetValue("x-reason"));
    }

    [Fact]
    public async Task UnaryCall_TrailersOnlyOk_FailsInternalForMissingMessage()
    {
        await using var server = await RawHttp2Server.StartAsync(TrailersOnlyOk);
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ServerStreamingCall_TrailersOnlyOk_EndsWithoutMessages()
    {
        await using var server = await RawHttp2Server.StartAsync(TrailersOnlyOk);
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);

        Assert.False(await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout());
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task UnaryCall_PercentEncodedMessage_Decoded()
    {
        await using var server = await RawHttp2Server.StartAsync(context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            RawHttp2Server.SetStatusTrailers(context.Response, 2, "h%C3%A9llo%20%F0%9F%98%88%0Aline%zz 100%");
            return Task.CompletedTask;
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal("h\u00E9llo \U0001F608\nline%zz 100%", ex.Status.Detail);
    }

    [Fact]
    public async Task UnaryCall_BinaryMetadataPaddedAndUnpadded_BothDecoded()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            context.Response.Headers["x-padded-bin"] = "AQ==";
            context.Response.Headers["x-unpadded-bin"] = "AQI";
            context.Response.Headers["x-text"] = "plain";
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("ok"u8));
            context.Response.AppendTrailer("x-trailer-padded-bin", "q6ur");
            context.Response.AppendTrailer("x-trailer-unpadded-bin", "AQID");
            context.Response.AppendTrailer("x-trailer-unpadded2-bin", "AQ");
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []);

        await call.ResponseAsync.WithTimeout();
        var headers = await call.ResponseHeadersAsync.WithTimeout();
        var trailers = call.GetTrailers();

        Assert.Equal([1], headers.GetValueBytes("x-padded-bin"));
        Assert.Equal([1, 2], headers.GetValueBytes("x-unpadded-bin"));
        Assert.Equal("plain", headers.GetValue("x-text"));
        Assert.Equal([0xab, 0xab, 0xab], trailers.GetValueBytes("x-trailer-padded-bin"));
        Assert.Equal([1, 2, 3], trailers.GetValueBytes("x-trailer-unpadded-bin"));
        Assert.Equal([1], trailers.GetValueBytes("x-trailer-unpadded2-bin"));
    }

    [Fact]
    public async Task UnaryCall_RequestHeaders_FollowProtocol()
    {
        var seen = new TaskCompletionSource<Dictionary<string, string>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            var headers = context.Request.Headers.ToDictionary(h => h.Key.ToLowerInvariant(), h => h.Value.ToString());
            headers[":method"] = context.Request.Method;
            headers[":path"] = context.Request.Path;
            headers[":protocol-version"] = context.Request.Protocol;
            seen.TrySetResult(headers);
            await OkResponse(context);
        });
        using var channel = server.CreateChannel();
        var metadata = new Metadata { { "x-text", "hello" }, { "x-data-bin", new byte[] { 1 } }, { "x-data-bin", new byte[] { 1, 2, 3 } } };

        await channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(metadata, DateTime.UtcNow.AddSeconds(30)), []).ResponseAsync.WithTimeout();
        var headers = await seen.Task.WithTimeout();

        Assert.Equal("POST", headers[":method"]);
        Assert.Equal("/test.Raw/Unary", headers[":path"]);
        Assert.Equal("HTTP/2", headers[":protocol-version"]);
        Assert.Equal("application/grpc", headers["content-type"]);
        Assert.Equal("trailers", headers["te"]);
        Assert.StartsWith("grpc-", headers["user-agent"], StringComparison.Ordinal);
        Assert.Equal("identity,gzip", headers["grpc-accept-encoding"]);
        Assert.Equal("hello", headers["x-text"]);

        // Binary values go out as unpadded base64.
        Assert.Equal("AQ,AQID", headers["x-data-bin"].Replace(" ", string.Empty, StringComparison.Ordinal));
        Assert.True(Grpc.Core.Internal.GrpcTimeout.TryParse(headers["grpc-timeout"], out var timeout));
        Assert.InRange(timeout, TimeSpan.FromSeconds(25), TimeSpan.FromSeconds(31));
        Assert.False(headers.ContainsKey("grpc-encoding"));
    }

    [Fact]
    public async Task UnaryCall_NoMessageWithOkStatus_FailsInternal()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await context.Response.BodyWriter.FlushAsync();
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_TwoMessages_FailsInternal()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("one"u8));
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("two"u8));
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_MessageThenErrorStatus_ThrowsServerStatus()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("partial"u8));
            RawHttp2Server.SetStatusTrailers(context.Response, 10, "aborted");
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(new Status(StatusCode.Aborted, "aborted"), ex.Status);
    }

    [Fact]
    public async Task UnaryCall_MissingGrpcStatusTrailer_FailsUnknown()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("ok"u8));
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.Unknown, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_ResponseOverReceiveLimit_ResourceExhaustedAndStreamReset()
    {
        var aborted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);

            // Only the prefix of a 64 MiB message; the client must give up on the prefix alone.
            await RawHttp2Server.WriteAndFlushAsync(context.Response, [0, 0x04, 0x00, 0x00, 0x00]);
            await WaitForAbortAsync(context, aborted);
        });
        using var channel = server.CreateChannel(new GrpcChannelOptions { MaxReceiveMessageSize = 1024 });

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        await aborted.Task.WithTimeout();
    }

    [Fact]
    public async Task UnaryCall_MessageSplitAcrossFlushes_Reassembled()
    {
        var payload = Encoding.UTF8.GetBytes(new string('x', 50_000));
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            var frame = GrpcFrames.Frame(payload);
            foreach (var (start, end) in new[] { (0, 2), (2, 5), (5, 6), (6, 30_000), (30_000, frame.Length) })
            {
                await RawHttp2Server.WriteAndFlushAsync(context.Response, frame[start..end]);
                await Task.Delay(10);
            }

            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();

        Assert.Equal(payload, await Unary(channel).WithTimeout());
    }

    [Fact]
    public async Task ServerStreamingCall_MessagesSplitAndCoalescedAcrossFlushes_ReadInOrder()
    {
        var messages = Enumerable.Range(0, 20).Select(i => Encoding.UTF8.GetBytes(new string((char)('a' + i), i * 97))).ToList();
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            var all = messages.SelectMany(m => GrpcFrames.Frame(m)).ToArray();

            // Chunks of 7 bytes cut through prefixes and payloads alike, several messages share others.
            for (var offset = 0; offset < all.Length; offset += offset % 3 == 0 ? 7 : 700)
            {
                await RawHttp2Server.WriteAndFlushAsync(context.Response, all[offset..Math.Min(all.Length, offset + (offset % 3 == 0 ? 7 : 700))]);
            }

            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncServerStreamingCall(RawMethods.ServerStreaming, null, new CallOptions(), []);

        var received = new List<byte[]>();
        while (await call.ResponseStream.MoveNext(CancellationToken.None).WithTimeout())
        {
            received.Add(call.ResponseStream.Current);
        }

        Assert.Equal(messages, received);
        Assert.Equal(StatusCode.OK, call.GetStatus().StatusCode);
    }

    [Fact]
    public async Task UnaryCall_RequestOverSendLimit_ResourceExhaustedWithoutSending()
    {
        var requests = 0;
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            Interlocked.Increment(ref requests);
            await OkResponse(context);
        });
        using var channel = server.CreateChannel(new GrpcChannelOptions { MaxSendMessageSize = 100 });
        var invoker = channel.CreateCallInvoker();

        var ex = await Assert.ThrowsAsync<RpcException>(() => invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), new byte[101]).ResponseAsync.WithTimeout());
        await invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), new byte[100]).ResponseAsync.WithTimeout();

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Equal(1, Volatile.Read(ref requests));
    }

    [Fact]
    public async Task UnaryCall_GzipResponse_Decompressed()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            context.Response.Headers["grpc-encoding"] = "gzip";
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame(GrpcFrames.Gzip("squeezed"u8), compressedFlag: true));
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();

        Assert.Equal("squeezed"u8.ToArray(), await Unary(channel).WithTimeout());
    }

    [Fact]
    public async Task UnaryCall_UnknownResponseEncoding_UnimplementedLikeGrpcDotnet()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            context.Response.Headers["grpc-encoding"] = "snappy";
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame("???"u8, compressedFlag: true));
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.Unimplemented, ex.StatusCode);
        Assert.Contains("snappy", ex.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnaryCall_CompressedFlagWithoutEncoding_Internal()
    {
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            RawHttp2Server.StartGrpcResponse(context.Response);
            await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame(GrpcFrames.Gzip("x"u8), compressedFlag: true));
            RawHttp2Server.SetStatusTrailers(context.Response, 0);
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => Unary(channel).WithTimeout());

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task UnaryCall_CompressionRequested_SendsGrpcEncodingAndCompressedMessage()
    {
        var seen = new TaskCompletionSource<(string? Encoding, bool InternalHeader, List<(bool Compressed, byte[] Payload)> Frames)>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            var frames = await GrpcFrames.ReadAllAsync(context.Request.BodyReader, context.RequestAborted);
            seen.TrySetResult((context.Request.Headers["grpc-encoding"], context.Request.Headers.ContainsKey("grpc-internal-encoding-request"), frames));
            await OkResponse(context);
        });
        using var channel = server.CreateChannel();
        var payload = new byte[5000];

        await channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(new Metadata { { "grpc-internal-encoding-request", "gzip" } }), payload).ResponseAsync.WithTimeout();
        var (encoding, internalHeader, frames) = await seen.Task.WithTimeout();

        Assert.Equal("gzip", encoding);
        Assert.False(internalHeader);
        var (compressed, body) = Assert.Single(frames);
        Assert.True(compressed);
        Assert.Equal(payload, GrpcFrames.Gunzip(body));
    }

    [Fact]
    public async Task ClientStreamingCall_NoCompressFlag_SendsThatMessageUncompressed()
    {
        var seen = new TaskCompletionSource<List<(bool Compressed, byte[] Payload)>>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            seen.TrySetResult(await GrpcFrames.ReadAllAsync(context.Request.BodyReader, context.RequestAborted));
            await OkResponse(context);
        });
        using var channel = server.CreateChannel();
        using var call = channel.CreateCallInvoker().AsyncClientStreamingCall(RawMethods.ClientStreaming, null, new CallOptions(new Metadata { { "grpc-internal-encoding-request", "gzip" } }));

        await call.RequestStream.WriteAsync("first"u8.ToArray()).WithTimeout();
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync("second"u8.ToArray()).WithTimeout();
        await call.RequestStream.CompleteAsync().WithTimeout();
        await call.ResponseAsync.WithTimeout();
        var frames = await seen.Task.WithTimeout();

        Assert.Equal(2, frames.Count);
        Assert.True(frames[0].Compressed);
        Assert.Equal("first"u8.ToArray(), GrpcFrames.Gunzip(frames[0].Payload));
        Assert.False(frames[1].Compressed);
        Assert.Equal("second"u8.ToArray(), frames[1].Payload);
    }

    [Fact]
    public async Task UnaryCall_UnknownRequestCompression_FailsWithoutSending()
    {
        var requests = 0;
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            Interlocked.Increment(ref requests);
            await OkResponse(context);
        });
        using var channel = server.CreateChannel();

        var ex = await Assert.ThrowsAsync<RpcException>(() => channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(new Metadata { { "grpc-internal-encoding-request", "zstd" } }), []).ResponseAsync.WithTimeout());

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
        Assert.Contains("zstd", ex.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(0, Volatile.Read(ref requests));
    }

    internal static async Task OkResponse(HttpContext context, byte[]? payload = null)
    {
        RawHttp2Server.StartGrpcResponse(context.Response);
        await RawHttp2Server.WriteAndFlushAsync(context.Response, GrpcFrames.Frame(payload ?? "ok"u8.ToArray()));
        RawHttp2Server.SetStatusTrailers(context.Response, 0);
    }

    internal static async Task WaitForAbortAsync(HttpContext context, TaskCompletionSource aborted)
    {
        try
        {
            await Task.Delay(TestTimeouts.Default, context.RequestAborted);
        }
        catch (OperationCanceledException)
        {
            aborted.TrySetResult();
        }
    }

    private static Task TrailersOnlyOk(HttpContext context)
    {
        RawHttp2Server.StartGrpcResponse(context.Response);
        context.Response.Headers["grpc-status"] = "0";
        return Task.CompletedTask;
    }

    private static Task<byte[]> Unary(GrpcChannel channel) =>
        channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync;
}
