using Grpc.Core;
using Grpc.Net.Client;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Client;

public class GrpcChannelTests
{
    [Theory]
    [InlineData("ftp://127.0.0.1:1")]
    [InlineData("/relative")]
    public void ForAddress_NotHttpOrHttps_Throws(string address)
    {
        Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress(new Uri(address, UriKind.RelativeOrAbsolute)));
    }

    [Fact]
    public void ForAddress_HttpClientAndHandler_Throws()
    {
        using var client = new HttpClient();
        using var handler = new SocketsHttpHandler();

        Assert.Throws<ArgumentException>(() => GrpcChannel.ForAddress("http://127.0.0.1:1", new GrpcChannelOptions { HttpClient = client, HttpHandler = handler }));
    }

    [Fact]
    public void ForAddress_Address_SetsTargetToAuthority()
    {
        using var channel = GrpcChannel.ForAddress("https://gateway.example:7443");

        Assert.Equal("gateway.example:7443", channel.Target);
        Assert.Equal(new Uri("https://gateway.example:7443"), channel.Address);
    }

    [Fact]
    public void CreateCallInvoker_AfterDispose_Throws()
    {
        var channel = GrpcChannel.ForAddress("http://127.0.0.1:1");
        var invoker = channel.CreateCallInvoker();

        channel.Dispose();

        Assert.Throws<ObjectDisposedException>(() => channel.CreateCallInvoker());
        Assert.Throws<ObjectDisposedException>(() => invoker.AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []));
    }

    [Fact]
    public async Task UnaryCall_AddressWithPathBase_PrefixesMethodPath()
    {
        var path = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            path.TrySetResult(context.Request.Path);
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = GrpcChannel.ForAddress(new Uri(server.Address, "/prefix/"));

        await channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync.WithTimeout();

        Assert.Equal("/prefix/test.Raw/Unary", await path.Task.WithTimeout());
    }

    [Fact]
    public async Task UnaryCall_OwnHttpClient_UsedAndNotDisposedByDefault()
    {
        await using var server = await RawHttp2Server.StartAsync(context => ResponseHandlingTests.OkResponse(context));
        using var client = new HttpClient();
        var channel = GrpcChannel.ForAddress(server.Address, new GrpcChannelOptions { HttpClient = client });

        Assert.Equal("ok"u8.ToArray(), await channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, null, new CallOptions(), []).ResponseAsync.WithTimeout());
        channel.Dispose();

        // The caller's client still works after the channel is gone.
        using var request = new HttpRequestMessage(HttpMethod.Get, server.Address) { Version = System.Net.HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var response = await client.SendAsync(request).WithTimeout();
    }

    [Fact]
    public async Task UnaryCall_HostOverride_SentAsAuthority()
    {
        var authority = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var server = await RawHttp2Server.StartAsync(async context =>
        {
            authority.TrySetResult(context.Request.Host.Value ?? string.Empty);
            await ResponseHandlingTests.OkResponse(context);
        });
        using var channel = server.CreateChannel();

        await channel.CreateCallInvoker().AsyncUnaryCall(RawMethods.Unary, "api.example", new CallOptions(), []).ResponseAsync.WithTimeout();

        Assert.Equal("api.example", await authority.Task.WithTimeout());
    }
}
