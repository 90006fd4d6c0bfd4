using System.Globalization;
using Google.Protobuf;
using Grpc.AspNetCore.Server.Internal;
using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.InteropServer;

/// <summary>
/// grpc.testing.TestService as the interop spec describes its server features: echo of metadata and status,
/// compressed requests and responses, response sizes and intervals. UnimplementedCall stays unimplemented.
/// </summary>
internal sealed class TestServiceImpl : TestService.TestServiceBase
{
    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";
    private const string CompressionRequestHeader = "grpc-internal-encoding-request";
    private const string Gzip = "gzip";

    private static readonly WriteOptions Uncompressed = new(WriteFlags.NoCompress);

    public override Task<Empty> EmptyCall(Empty request, ServerCallContext context) => Task.FromResult(new Empty());

    public override async Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context)
    {
        EnsureCompressed(request.ExpectCompressed, context);
        EchoTrailing(context);
        await SendHeadersAsync(context, compress: request.ResponseCompressed?.Value == true);
        ThrowIfStatusRequested(request.ResponseStatus);
        return new SimpleResponse { Payload = Zeros(request.ResponseSize) };
    }

    public override Task<SimpleResponse> CacheableUnaryCall(SimpleRequest request, ServerCallContext context)
    {
        context.GetHttpContext().Response.Headers.CacheControl = "max-age=60";
        var now = DateTime.UtcNow.Ticks.ToString(CultureInfo.InvariantCulture);
        return Task.FromResult(new SimpleResponse { Payload = new Payload { Body = ByteString.CopyFromUtf8(now) } });
    }

    public override async Task StreamingOutputCall(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        EchoTrailing(context);
        var compress = request.ResponseParameters.Any(p => p.Compressed?.Value == true);
        await SendHeadersAsync(context, compress);
        await WriteResponsesAsync(request, responseStream, compress, context.CancellationToken);
        ThrowIfStatusRequested(request.ResponseStatus);
    }

    public override async Task<StreamingInputCallResponse> StreamingInputCall(IAsyncStreamReader<StreamingInputCallRequest> requestStream, ServerCallContext context)
    {
        EchoTrailing(context);
        var size = 0;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            EnsureCompressed(requestStream.Current.ExpectCompressed, context);
            size += requestStream.Current.Payload?.Body.Length ?? 0;
        }

        return new StreamingInputCallResponse { AggregatedPayloadSize = size };
    }

    public override async Task FullDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        EchoTrailing(context);
        var headersSent = false;
        var compress = false;
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            var request = requestStream.Current;
            if (!headersSent)
            {
                // The first request decides whether responses are compressed: headers announce it.
                compress = request.ResponseParameters.Any(p => p.Compressed?.Value == true);
                await SendHeadersAsync(context, compress);
                headersSent = true;
            }

            ThrowIfStatusRequested(request.ResponseStatus);
            await WriteResponsesAsync(request, responseStream, compress, context.CancellationToken);
        }

        if (!headersSent)
        {
            await SendHeadersAsync(context, compress: false);
        }
    }

    public override async Task HalfDuplexCall(IAsyncStreamReader<StreamingOutputCallRequest> requestStream, IServerStreamWriter<StreamingOutputCallResponse> responseStream, ServerCallContext context)
    {
        EchoTrailing(context);
        var requests = new List<StreamingOutputCallRequest>();
        while (await requestStream.MoveNext(context.CancellationToken))
        {
            requests.Add(requestStream.Current);
        }

        await SendHeadersAsync(context, compress: false);
        foreach (var request in requests)
        {
            ThrowIfStatusRequested(request.ResponseStatus);
            await WriteResponsesAsync(request, responseStream, compress: false, context.CancellationToken);
        }
    }

    private static async Task WriteResponsesAsync(StreamingOutputCallRequest request, IServerStreamWriter<StreamingOutputCallResponse> responseStream, bool compress, CancellationToken cancellationToken)
    {
        foreach (var parameters in request.ResponseParameters)
        {
            if (parameters.IntervalUs > 0)
            {
                await Task.Delay(TimeSpan.FromMicroseconds(parameters.IntervalUs), cancellationToken);
            }

            // The call's encoding is gzip when any response asked for compression; the others opt out.
            responseStream.WriteOptions = compress && parameters.Compressed?.Value != true ? Uncompressed : null;
            await responseStream.WriteAsync(new StreamingOutputCallResponse { Payload = Zeros(parameters.Size) }, cancellationToken);
        }
    }

    /// <summary>Sends the response headers: the echoed initial metadata, and gzip when responses are compressed.</summary>
    private static Task SendHeadersAsync(ServerCallContext context, bool compress)
    {
        var headers = new Metadata();
        var echo = context.RequestHeaders.Get(EchoInitialKey);
        if (echo is not null)
        {
            headers.Add(echo);
        }

        if (compress)
        {
            headers.Add(CompressionRequestHeader, Gzip);
        }

        return headers.Count == 0 ? Task.CompletedTask : context.WriteResponseHeadersAsync(headers);
    }

    private static void EchoTrailing(ServerCallContext context)
    {
        var echo = context.RequestHeaders.Get(EchoTrailingKey);
        if (echo is not null)
        {
            context.ResponseTrailers.Add(echo);
        }
    }

    private static void EnsureCompressed(BoolValue? expectCompressed, ServerCallContext context)
    {
        // CompressedRequest, checked per message as the C++ reference server does: the compressed flag must be
        // what the message says it expects.
        if (expectCompressed is null)
        {
            return;
        }

        var compressed = ((ServerCall)context).LastRequestMessageCompressed;
        if (expectCompressed.Value != compressed)
        {
            throw new RpcException(new Status(
                StatusCode.InvalidArgument,
                expectCompressed.Value ? "Expected a compressed request message, but it was not compressed." : "Expected an uncompressed request message, but it was compressed."));
        }
    }

    private static void ThrowIfStatusRequested(EchoStatus? status)
    {
        if (status is not null && status.Code != 0)
        {
            throw new RpcException(new Status((StatusCode)status.Code, status.Message));
        }
    }

    private static Payload Zeros(int size) => new() { Type = PayloadType.Compressable, Body = size == 0 ? ByteString.Empty : ByteString.CopyFrom(new byte[size]) };
}
