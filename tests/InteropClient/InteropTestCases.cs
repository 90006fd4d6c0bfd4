using Google.Protobuf;
using Grpc.Core;
using Grpc.Testing;

namespace SentinelSync.InteropClient;

/// <summary>
/// The client side of the official interop cases (grpc/grpc doc/interop-test-descriptions.md), each
/// asserting exactly what the description asks. A case throws <see cref="InteropCaseFailedException"/>
/// (or the unexpected exception) when it fails.
/// </summary>
public sealed class InteropTestCases
{
    /// <summary>Every case, in the order <c>--test_case=all</c> runs them.</summary>
    public static readonly IReadOnlyList<string> All =
    [
        "empty_unary",
        "large_unary",
        "client_compressed_unary",
        "server_compressed_unary",
        "client_streaming",
        "client_compressed_streaming",
        "server_streaming",
        "server_compressed_streaming",
        "ping_pong",
        "empty_stream",
        "timeout_on_sleeping_server",
        "cancel_after_begin",
        "cancel_after_first_response",
        "custom_metadata",
        "status_code_and_message",
        "special_status_message",
        "unimplemented_method",
        "unimplemented_service",
    ];

    private const string EchoInitialKey = "x-grpc-test-echo-initial";
    private const string EchoTrailingKey = "x-grpc-test-echo-trailing-bin";
    private const string CompressionRequestHeader = "grpc-internal-encoding-request";

    private static readonly int[] RequestSizes = [27182, 8, 1828, 45904];
    private static readonly int[] ResponseSizes = [31415, 9, 2653, 58979];

    private readonly TestService.TestServiceClient _client;
    private readonly UnimplementedService.UnimplementedServiceClient _unimplementedClient;
    private readonly TimeSpan _rpcTimeout;

    /// <summary>Creates the cases over a channel.</summary>
    /// <param name="channel">The channel to the server.</param>
    /// <param name="authority">The <c>:authority</c> (and TLS name) to claim, or null for the channel's.</param>
    /// <param name="rpcTimeout">A safety deadline for RPCs whose case sets none; zero for none.</param>
    public InteropTestCases(ChannelBase channel, string? authority, TimeSpan rpcTimeout)
    {
        ArgumentNullException.ThrowIfNull(channel);
        var client = new TestService.TestServiceClient(channel);
        var unimplementedClient = new UnimplementedService.UnimplementedServiceClient(channel);
        _client = authority is null ? client : client.WithHost(authority);
        _unimplementedClient = authority is null ? unimplementedClient : unimplementedClient.WithHost(authority);
        _rpcTimeout = rpcTimeout;
    }

    /// <summary>Runs a case by its official name.</summary>
    /// <exception cref="ArgumentException">The name is not a known case.</exception>
    public Task RunAsync(string name, CancellationToken cancellationToken) => name switch
    {
        "empty_unary" => EmptyUnaryAsync(cancellationToken),
        "large_unary" => LargeUnaryAsync(cancellationToken),
        "client_compressed_unary" => ClientCompressedUnaryAsync(cancellationToken),
        "server_compressed_unary" => ServerCompressedUnaryAsync(cancellationToken),
        "client_streaming" => ClientStreamingAsync(cancellationToken),
        "client_compressed_streaming" => ClientCompressedStreamingAsync(cancellationToken),
        "server_streaming" => ServerStreamingAsync(cancellationToken),
        "server_compressed_streaming" => ServerCompressedStreamingAsync(cancellationToken),
        "ping_pong" => PingPongAsync(cancellationToken),
        "empty_stream" => EmptyStreamAsync(cancellationToken),
        "timeout_on_sleeping_server" => TimeoutOnSleepingServerAsync(),
        "cancel_after_begin" => CancelAfterBeginAsync(),
        "cancel_after_first_response" => CancelAfterFirstResponseAsync(),
        "custom_metadata" => CustomMetadataAsync(cancellationToken),
        "status_code_and_message" => StatusCodeAndMessageAsync(cancellationToken),
        "special_status_message" => SpecialStatusMessageAsync(cancellationToken),
        "unimplemented_method" => UnimplementedMethodAsync(cancellationToken),
        "unimplemented_service" => UnimplementedServiceAsync(cancellationToken),
        _ => throw new ArgumentException($"Unknown test case '{name}'.", nameof(name)),
    };

    private async Task EmptyUnaryAsync(CancellationToken cancellationToken)
    {
        var response = await _client.EmptyCallAsync(new Empty(), Options(cancellationToken));
        Check(response is not null, "EmptyCall returned no message");
    }

    private async Task LargeUnaryAsync(CancellationToken cancellationToken)
    {
        var response = await _client.UnaryCallAsync(LargeRequest(), Options(cancellationToken));
        CheckPayload(response.Payload, 314159, "UnaryCall response");
    }

    private async Task ClientCompressedUnaryAsync(CancellationToken cancellationToken)
    {
        // 1. Probe: a server that checks compression must refuse an uncompressed message expected compressed.
        var probe = LargeRequest();
        probe.ExpectCompressed = new BoolValue { Value = true };
        await ExpectStatusAsync(async () => await _client.UnaryCallAsync(probe, Options(cancellationToken)), StatusCode.InvalidArgument, "uncompressed probe");

        // 2. A compressed message, expected compressed.
        var compressed = LargeRequest();
        compressed.ExpectCompressed = new BoolValue { Value = true };
        var response = await _client.UnaryCallAsync(compressed, Options(cancellationToken, Gzip()));
        CheckPayload(response.Payload, 314159, "compressed UnaryCall response");

        // 3. An uncompressed message, expected uncompressed.
        var uncompressed = LargeRequest();
        uncompressed.ExpectCompressed = new BoolValue { Value = false };
        response = await _client.UnaryCallAsync(uncompressed, Options(cancellationToken));
        CheckPayload(response.Payload, 314159, "uncompressed UnaryCall response");
    }

    private async Task ServerCompressedUnaryAsync(CancellationToken cancellationToken)
    {
        foreach (var compressed in new[] { true, false })
        {
            var request = LargeRequest();
            request.ResponseCompressed = new BoolValue { Value = compressed };
            var response = await _client.UnaryCallAsync(request, Options(cancellationToken));
            CheckPayload(response.Payload, 314159, $"UnaryCall response (response_compressed={compressed})");
        }
    }

    private async Task ClientStreamingAsync(CancellationToken cancellationToken)
    {
        using var call = _client.StreamingInputCall(Options(cancellationToken));
        foreach (var size in RequestSizes)
        {
            await call.RequestStream.WriteAsync(new StreamingInputCallRequest { Payload = Zeros(size) }, cancellationToken);
        }

        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        CheckEqual(74922, response.AggregatedPayloadSize, "aggregated_payload_size");
    }

    private async Task ClientCompressedStreamingAsync(CancellationToken cancellationToken)
    {
        // 1. Probe: a first message expected compressed but sent uncompressed must be refused.
        using (var probe = _client.StreamingInputCall(Options(cancellationToken)))
        {
            try
            {
                await probe.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = true }, Payload = Zeros(27182) }, cancellationToken);
                await probe.RequestStream.CompleteAsync();
            }
            catch (RpcException)
            {
                // The server may already have refused; the response says how.
            }
            catch (InvalidOperationException)
            {
                // The call may already be over.
            }

            await ExpectStatusAsync(() => probe.ResponseAsync, StatusCode.InvalidArgument, "uncompressed probe");
        }

        // 2. A compressed call: the first message compressed, the second sent without compression.
        using var call = _client.StreamingInputCall(Options(cancellationToken, Gzip()));
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = true }, Payload = Zeros(27182) }, cancellationToken);
        call.RequestStream.WriteOptions = new WriteOptions(WriteFlags.NoCompress);
        await call.RequestStream.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = false }, Payload = Zeros(45904) }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        var response = await call.ResponseAsync;
        CheckEqual(73086, response.AggregatedPayloadSize, "aggregated_payload_size");
    }

    private async Task ServerStreamingAsync(CancellationToken cancellationToken)
    {
        var request = new StreamingOutputCallRequest();
        foreach (var size in ResponseSizes)
        {
            request.ResponseParameters.Add(new ResponseParameters { Size = size });
        }

        using var call = _client.StreamingOutputCall(request, Options(cancellationToken));
        var sizes = await ReadPayloadSizesAsync(call.ResponseStream, cancellationToken);
        CheckEqual(string.Join(",", ResponseSizes), string.Join(",", sizes), "response sizes");
    }

    private async Task ServerCompressedStreamingAsync(CancellationToken cancellationToken)
    {
        var request = new StreamingOutputCallRequest
        {
            ResponseParameters =
            {
                new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } },
                new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } },
            },
        };
        using var call = _client.StreamingOutputCall(request, Options(cancellationToken));
        var sizes = await ReadPayloadSizesAsync(call.ResponseStream, cancellationToken);
        CheckEqual("31415,92653", string.Join(",", sizes), "response sizes");
    }

    private async Task PingPongAsync(CancellationToken cancellationToken)
    {
        using var call = _client.FullDuplexCall(Options(cancellationToken));
        for (var i = 0; i < RequestSizes.Length; i++)
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
            {
                ResponseParameters = { new ResponseParameters { Size = ResponseSizes[i] } },
                Payload = Zeros(RequestSizes[i]),
            }, cancellationToken);
            Check(await call.ResponseStream.MoveNext(cancellationToken), $"no response to request {i + 1}");
            CheckPayload(call.ResponseStream.Current.Payload, ResponseSizes[i], $"response {i + 1}");
        }

        await call.RequestStream.CompleteAsync();
        Check(!await call.ResponseStream.MoveNext(cancellationToken), "a response after the last one");
    }

    private async Task EmptyStreamAsync(CancellationToken cancellationToken)
    {
        using var call = _client.FullDuplexCall(Options(cancellationToken));
        await call.RequestStream.CompleteAsync();
        Check(!await call.ResponseStream.MoveNext(cancellationToken), "a response on an empty stream");
    }

    private async Task TimeoutOnSleepingServerAsync()
    {
        using var call = _client.FullDuplexCall(deadline: DateTime.UtcNow.AddMilliseconds(1));
        try
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { Payload = Zeros(27182) });
        }
        catch (RpcException)
        {
            // The deadline may pass before the write.
        }

        await ExpectStatusAsync(() => call.ResponseStream.MoveNext(CancellationToken.None), StatusCode.DeadlineExceeded, "FullDuplexCall past its deadline");
    }

    private async Task CancelAfterBeginAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.StreamingInputCall(cancellationToken: cts.Token);
        await cts.CancelAsync();
        await ExpectStatusAsync(() => call.ResponseAsync, StatusCode.Cancelled, "StreamingInputCall cancelled after begin");
    }

    private async Task CancelAfterFirstResponseAsync()
    {
        using var cts = new CancellationTokenSource();
        using var call = _client.FullDuplexCall(deadline: SafetyDeadline(), cancellationToken: cts.Token);
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
        {
            ResponseParameters = { new ResponseParameters { Size = 31415 } },
            Payload = Zeros(27182),
        });
        Check(await call.ResponseStream.MoveNext(CancellationToken.None), "no first response");
        CheckPayload(call.ResponseStream.Current.Payload, 31415, "first response");
        await cts.CancelAsync();
        await ExpectStatusAsync(() => call.ResponseStream.MoveNext(CancellationToken.None), StatusCode.Cancelled, "FullDuplexCall cancelled after the first response");
    }

    private async Task CustomMetadataAsync(CancellationToken cancellationToken)
    {
        byte[] trailingValue = [0xab, 0xab, 0xab];
        var metadata = new Metadata
        {
            { EchoInitialKey, "test_initial_metadata_value" },
            { EchoTrailingKey, trailingValue },
        };

        // 1. Unary.
        using (var call = _client.UnaryCallAsync(LargeRequest(), Options(cancellationToken, metadata)))
        {
            CheckPayload((await call.ResponseAsync).Payload, 314159, "UnaryCall response");
            CheckEchoedMetadata(await call.ResponseHeadersAsync, call.GetTrailers(), trailingValue, "UnaryCall");
        }

        // 2. Full duplex.
        using (var call = _client.FullDuplexCall(Options(cancellationToken, metadata)))
        {
            await call.RequestStream.WriteAsync(new StreamingOutputCallRequest
            {
                ResponseParameters = { new ResponseParameters { Size = 314159 } },
                Payload = Zeros(271828),
            }, cancellationToken);
            await call.RequestStream.CompleteAsync();
            var headers = await call.ResponseHeadersAsync;
            var sizes = await ReadPayloadSizesAsync(call.ResponseStream, cancellationToken);
            CheckEqual("314159", string.Join(",", sizes), "FullDuplexCall response sizes");
            CheckEchoedMetadata(headers, call.GetTrailers(), trailingValue, "FullDuplexCall");
        }
    }

    private async Task StatusCodeAndMessageAsync(CancellationToken cancellationToken)
    {
        const string Message = "test status message";
        var echo = new EchoStatus { Code = 2, Message = Message };

        // 1. Unary.
        await ExpectStatusAsync(
            async () => await _client.UnaryCallAsync(new SimpleRequest { ResponseStatus = echo }, Options(cancellationToken)),
            StatusCode.Unknown,
            "UnaryCall",
            Message);

        // 2. Full duplex.
        using var call = _client.FullDuplexCall(Options(cancellationToken));
        await call.RequestStream.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = echo }, cancellationToken);
        await call.RequestStream.CompleteAsync();
        await ExpectStatusAsync(() => ReadPayloadSizesAsync(call.ResponseStream, cancellationToken), StatusCode.Unknown, "FullDuplexCall", Message);
    }

    private async Task SpecialStatusMessageAsync(CancellationToken cancellationToken)
    {
        const string Message = "\t\ntest with whitespace\r\nand Unicode BMP \u263A and non-BMP \U0001F608\t\n";
        await ExpectStatusAsync(
            async () => await _client.UnaryCallAsync(new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = Message } }, Options(cancellationToken)),
            StatusCode.Unknown,
            "UnaryCall",
            Message);
    }

    private Task UnimplementedMethodAsync(CancellationToken cancellationToken) =>
        ExpectStatusAsync(async () => await _client.UnimplementedCallAsync(new Empty(), Options(cancellationToken)), StatusCode.Unimplemented, "TestService/UnimplementedCall");

    private Task UnimplementedServiceAsync(CancellationToken cancellationToken) =>
        ExpectStatusAsync(async () => await _unimplementedClient.UnimplementedCallAsync(new Empty(), Options(cancellationToken)), StatusCode.Unimplemented, "UnimplementedService/UnimplementedCall");

    private CallOptions Options(CancellationToken cancellationToken, Metadata? headers = null) =>
        new(headers, SafetyDeadline(), cancellationToken);

    private DateTime? SafetyDeadline() => _rpcTimeout > TimeSpan.Zero ? DateTime.UtcNow + _rpcTimeout : null;

    private static Metadata Gzip() => new() { { CompressionRequestHeader, "gzip" } };

    private static SimpleRequest LargeRequest() => new()
    {
        ResponseType = PayloadType.Compressable,
        ResponseSize = 314159,
        Payload = Zeros(271828),
    };

    private static Payload Zeros(int size) => new() { Type = PayloadType.Compressable, Body = ByteString.CopyFrom(new byte[size]) };

    private static async Task<List<int>> ReadPayloadSizesAsync(IAsyncStreamReader<StreamingOutputCallResponse> stream, CancellationToken cancellationToken)
    {
        var sizes = new List<int>();
        while (await stream.MoveNext(cancellationToken))
        {
            var payload = stream.Current.Payload;
            CheckPayload(payload, payload.Body.Length, $"response {sizes.Count + 1}");
            sizes.Add(payload.Body.Length);
        }

        return sizes;
    }

    private static void CheckPayload(Payload? payload, int size, string what)
    {
        Check(payload is not null, $"{what}: no payload");
        CheckEqual(PayloadType.Compressable, payload!.Type, $"{what}: payload type");
        CheckEqual(size, payload.Body.Length, $"{what}: payload size");
        foreach (var b in payload.Body.Span)
        {
            Check(b == 0, $"{what}: payload is not all zeros");
        }
    }

    private static void CheckEchoedMetadata(Metadata headers, Metadata trailers, byte[] trailingValue, string what)
    {
        CheckEqual("test_initial_metadata_value", headers.GetValue(EchoInitialKey), $"{what}: echoed initial metadata");
        var trailing = trailers.GetValueBytes(EchoTrailingKey);
        Check(trailing is not null && trailing.AsSpan().SequenceEqual(trailingValue), $"{what}: echoed trailing metadata is {(trailing is null ? "missing" : Convert.ToHexString(trailing))}");
    }

    private static async Task ExpectStatusAsync(Func<Task> call, StatusCode code, string what, string? detail = null)
    {
        try
        {
            await call();
        }
        catch (RpcException ex)
        {
            CheckEqual(code, ex.StatusCode, $"{what}: status code (detail '{ex.Status.Detail}')");
            if (detail is not null)
            {
                CheckEqual(detail, ex.Status.Detail, $"{what}: status detail");
            }

            return;
        }

        throw new InteropCaseFailedException($"{what}: succeeded, expected {code}");
    }

    private static void Check(bool condition, string message)
    {
        if (!condition)
        {
            throw new InteropCaseFailedException(message);
        }
    }

    private static void CheckEqual<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw new InteropCaseFailedException($"{what}: expected {expected}, got {actual}");
        }
    }
}
