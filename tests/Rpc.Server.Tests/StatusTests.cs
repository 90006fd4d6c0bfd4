using System.Net;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>How a call ends: trailers after messages, trailers-only when nothing was sent, status from exceptions.</summary>
public sealed class StatusTests
{
    [Fact]
    public async Task UnaryCall_HandlerReturns_MessageThenOkInTrailers()
    {
        await using var host = await GrpcTestHost.StartAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest { ResponseSize = 3 })));

        Assert.Equal(HttpStatusCode.OK, result.HttpStatus);
        Assert.Equal("application/grpc", result.ContentHeaders.ContentType?.MediaType);
        Assert.Single(result.Messages);
        Assert.Equal("0", Assert.Single(result.Trailers.GetValues("grpc-status")));
        Assert.False(result.Headers.Contains("grpc-status"));
        Assert.False(result.Trailers.Contains("grpc-message"));
    }

    [Fact]
    public async Task UnaryCall_HandlerThrowsRpcException_TrailersOnlyWithStatusAndTrailers()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, _) => throw new RpcException(new Status(StatusCode.NotFound, "no such thing"), new Metadata { { "x-reason", "gone" } });

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal(HttpStatusCode.OK, result.HttpStatus);
        Assert.True(result.IsTrailersOnly);
        Assert.Equal("application/grpc", result.ContentHeaders.ContentType?.MediaType);
        Assert.Equal("5", Assert.Single(result.Headers.GetValues("grpc-status")));
        Assert.Equal("no such thing", Assert.Single(result.Headers.GetValues("grpc-message")));
        Assert.Equal("gone", Assert.Single(result.Headers.GetValues("x-reason")));
    }

    [Fact]
    public async Task StreamingOutputCall_ThrowsAfterFirstMessage_StatusInTrailers()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.ServerStreaming = async (_, responses, context) =>
        {
            await responses.WriteAsync(new StreamingOutputCallResponse(), context.CancellationToken);
            throw new RpcException(new Status(StatusCode.Aborted, "stopped half way"));
        };

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.ServerStreaming, GrpcWire.Frame(new StreamingOutputCallRequest())));

        Assert.Single(result.Messages);
        Assert.False(result.Headers.Contains("grpc-status"));
        Assert.Equal("10", Assert.Single(result.Trailers.GetValues("grpc-status")));
        Assert.Equal("stopped half way", Assert.Single(result.Trailers.GetValues("grpc-message")));
    }

    [Fact]
    public async Task UnaryCall_HandlerSetsStatusAndReturns_MessageAndThatStatus()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, context) =>
        {
            context.Status = new Status(StatusCode.OutOfRange, "partial");
            context.ResponseTrailers.Add("x-extra", "1");
            return Task.FromResult(new SimpleResponse());
        };

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Single(result.Messages);
        Assert.Equal((int)StatusCode.OutOfRange, result.Status);
        Assert.Equal("1", Assert.Single(result.Trailers.GetValues("x-extra")));
    }

    [Fact]
    public async Task UnaryCall_HandlerThrowsOtherException_UnknownWithGenericMessageAndErrorLogged()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, _) => throw new InvalidOperationException("secret detail");

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal((int)StatusCode.Unknown, result.Status);
        Assert.Equal("Exception was thrown by handler.", result.RawMessage);
        var logged = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 2101);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task UnaryCall_DetailedErrorsEnabled_MessageNamesException()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.EnableDetailedErrors = true));
        host.Script.Unary = (_, _) => throw new InvalidOperationException("secret detail");

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal((int)StatusCode.Unknown, result.Status);
        Assert.Equal("Exception was thrown by handler. InvalidOperationException: secret detail", result.RawMessage);
    }

    [Fact]
    public async Task UnaryCall_UnicodeStatusMessage_PercentEncodedOnTheWire()
    {
        const string detail = "\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈 and 100%\t\n";
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, _) => throw new RpcException(new Status(StatusCode.Unknown, detail));

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal(
            "%09%0Atest with whitespace%0D%0Aand Unicode BMP %E2%98%BA and non-BMP %F0%9F%98%88 and 100%25%09%0A",
            result.RawMessage);
        Assert.Equal(detail, Uri.UnescapeDataString(result.RawMessage!));
    }

    [Fact]
    public async Task UnaryCall_NoRequestMessage_Internal()
    {
        await using var host = await GrpcTestHost.StartAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, new ByteArrayContent([])));

        Assert.Equal((int)StatusCode.Internal, result.Status);
        Assert.True(result.IsTrailersOnly);
    }

    [Fact]
    public async Task UnaryCall_TwoRequestMessages_Internal()
    {
        var called = false;
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, _) =>
        {
            called = true;
            return Task.FromResult(new SimpleResponse());
        };

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()), GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal((int)StatusCode.Internal, result.Status);
        Assert.False(called);
    }

    [Fact]
    public async Task UnaryCall_HandlerReturnsNull_Cancelled()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, _) => Task.FromResult<SimpleResponse>(null!);

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal((int)StatusCode.Cancelled, result.Status);
    }

    [Fact]
    public async Task UnaryCall_WriteResponseHeadersThenThrow_HeadersThenStatusInTrailers()
    {
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = async (_, context) =>
        {
            await context.WriteResponseHeadersAsync(new Metadata { { "x-early", "yes" } });
            var second = await Assert.ThrowsAsync<InvalidOperationException>(() => context.WriteResponseHeadersAsync([]));
            throw new RpcException(new Status(StatusCode.FailedPrecondition, second.Message));
        };

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal("yes", Assert.Single(result.Headers.GetValues("x-early")));
        Assert.False(result.Headers.Contains("grpc-status"));
        Assert.Equal((int)StatusCode.FailedPrecondition, result.Status);
        Assert.Equal("Response headers can only be sent once per call.", result.RawMessage);
    }
}
