using System.Net;
using Grpc.Core;
using Grpc.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>What reaches a gRPC endpoint, and what unknown services and methods get.</summary>
public sealed class RoutingTests
{
    [Fact]
    public async Task UnknownService_Call_UnimplementedTrailersOnly()
    {
        await using var host = await GrpcTestHost.StartAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request("/grpc.testing.UnimplementedService/UnimplementedCall", GrpcWire.Frame(new Empty())));

        Assert.Equal(HttpStatusCode.OK, result.HttpStatus);
        Assert.True(result.IsTrailersOnly);
        Assert.Equal((int)StatusCode.Unimplemented, result.Status);
        Assert.Equal("Service is unimplemented.", result.RawMessage);
    }

    [Fact]
    public async Task UnknownMethodOfKnownService_Call_UnimplementedTrailersOnly()
    {
        await using var host = await GrpcTestHost.StartAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request("/grpc.testing.TestService/NoSuchMethod", GrpcWire.Frame(new Empty())));

        Assert.True(result.IsTrailersOnly);
        Assert.Equal((int)StatusCode.Unimplemented, result.Status);
        Assert.Equal("Method is unimplemented.", result.RawMessage);
    }

    [Fact]
    public async Task MethodNotOverridden_Call_Unimplemented()
    {
        await using var host = await GrpcTestHost.StartAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unimplemented, GrpcWire.Frame(new Empty())));

        Assert.True(result.IsTrailersOnly);
        Assert.Equal((int)StatusCode.Unimplemented, result.Status);
    }

    [Fact]
    public async Task UnknownService_IgnoreUnknownServices_FallsThroughTo404()
    {
        await using var host = await GrpcTestHost.StartAsync(services => services.AddGrpc(o => o.IgnoreUnknownServices = true));

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request("/grpc.testing.UnimplementedService/UnimplementedCall", GrpcWire.Frame(new Empty())));

        Assert.Equal(HttpStatusCode.NotFound, result.HttpStatus);
    }

    [Fact]
    public async Task UnknownPath_NonGrpcRequest_FallsThroughTo404()
    {
        await using var host = await GrpcTestHost.StartAsync(mapEndpoints: app =>
        {
            app.MapGrpcService<ScriptedTestService>();
            app.MapGet("/healthz", () => "ok");
        });

        using var healthz = await host.Client.GetAsync("/healthz").WaitAsync(TestTimeouts.Call);
        using var unknown = await host.Client.PostAsync("/some/path", new StringContent("{}")).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.OK, healthz.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/grpc-web")]
    [InlineData("text/plain")]
    public async Task UnaryCall_NonGrpcContentType_Http415(string contentType)
    {
        var called = false;
        await using var host = await GrpcTestHost.StartAsync();
        host.Script.Unary = (_, _) =>
        {
            called = true;
            return Task.FromResult(new SimpleResponse());
        };

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, new ByteArrayContent(GrpcWire.Frame(new SimpleRequest())), contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, result.HttpStatus);
        Assert.Equal((int)StatusCode.Internal, result.Status);
        Assert.Equal($"Content-Type '{contentType}' is not supported.", result.RawMessage);
        Assert.False(called);
    }

    [Theory]
    [InlineData("application/grpc+proto")]
    [InlineData("application/grpc; charset=utf-8")]
    public async Task UnaryCall_GrpcContentTypeVariants_Accepted(string contentType)
    {
        await using var host = await GrpcTestHost.StartAsync();

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, new ByteArrayContent(GrpcWire.Frame(new SimpleRequest())), contentType));

        Assert.Equal(0, result.Status);
    }

    [Fact]
    public async Task UnaryCall_Http11_Http426()
    {
        await using var host = await GrpcTestHost.StartAsync(protocols: HttpProtocols.Http1);
        var request = GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest()));
        request.Version = HttpVersion.Version11;

        using var response = await host.Client.SendAsync(request).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Equal("13", Assert.Single(response.Headers.GetValues("grpc-status")));
    }

    [Fact]
    public async Task UnaryCall_GetInsteadOfPost_NotHandled()
    {
        await using var host = await GrpcTestHost.StartAsync();

        using var response = await host.Client.GetAsync(TestPaths.Unary).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task MapGrpcService_WithoutAddGrpc_ExplainsWhatIsMissing()
    {
        var builder = WebApplication.CreateSlimBuilder();
        await using var app = builder.Build();

        var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<ScriptedTestService>());

        Assert.Contains("AddGrpc", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapGrpcService_Twice_Refused()
    {
        await using var host = await GrpcTestHost.StartAsync(mapEndpoints: app =>
        {
            app.MapGrpcService<ScriptedTestService>();
            var error = Assert.Throws<InvalidOperationException>(() => app.MapGrpcService<ScriptedTestService>());
            Assert.Contains("already mapped", error.Message, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task MapGrpcService_Conventions_AppliedToEveryMethodEndpoint()
    {
        var seen = new List<string?>();
        await using var host = await GrpcTestHost.StartAsync(mapEndpoints: app =>
            app.MapGrpcService<ScriptedTestService>().Add(endpoint => seen.Add(endpoint.DisplayName)));

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal(0, result.Status);
        Assert.Contains("gRPC - /grpc.testing.TestService/UnaryCall", seen);
        Assert.Contains("gRPC - /grpc.testing.TestService/FullDuplexCall", seen);
    }
}
