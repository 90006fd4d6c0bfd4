using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts;
using SentinelSync.Gateway.Transcoding.Tests.Library;

namespace SentinelSync.Gateway.Transcoding.Tests;

public sealed class MappingTests
{
    private static WebApplication BuildApp(Action<TranscodingOptions>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddTranscoding(configure);
        return builder.Build();
    }

    private static readonly TranscodingBackend NoBackend = new((_, _) => throw new InvalidOperationException("not called"));

    [Fact]
    public async Task MapTranscoding_CollidingBindings_ThrowsNamingBoth()
    {
        await using var app = BuildApp();

        var ex = Assert.Throws<InvalidOperationException>(() => app.MapTranscoding([LibraryReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("CollidingService")], NoBackend));

        Assert.Contains("CollidingService.First", ex.Message, StringComparison.Ordinal);
        Assert.Contains("CollidingService.Second", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MapTranscoding_Contracts_EndpointsCarryMethodMetadata()
    {
        await using var app = BuildApp();

        app.MapTranscoding(ContractCatalog.Services, NoBackend);

        var endpoints = ((IEndpointRouteBuilder)app).DataSources.SelectMany(d => d.Endpoints).ToList();
        var getAgent = endpoints.Single(e => e.Metadata.GetMetadata<TranscodingEndpointMetadata>()?.Method.Name == "GetAgent");
        var metadata = getAgent.Metadata.GetMetadata<TranscodingEndpointMetadata>()!;
        Assert.Equal("GET", metadata.HttpMethod);
        Assert.Equal("/v1/agents/{agent_id}", metadata.PathTemplate);
        Assert.Equal("asset.agents.read", ContractCatalog.GetAccess(metadata.Method)!.Permission);
    }

    [Fact]
    public async Task Transcode_GrpcMetadataHeadersByDefault_NotForwarded()
    {
        await using var host = await TranscodingTestHost.StartAsync(configure: o => o.ForwardGrpcMetadataHeaders = false);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agents/a1");
        request.Headers.Add("Grpc-Metadata-x-custom", "c1");
        request.Headers.Add("x-request-id", "r1");

        using var response = await host.Client.SendAsync(request).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Null(host.Recorder.LastHeaders.GetValue("x-custom"));
        Assert.Equal("r1", host.Recorder.LastHeaders.GetValue("x-request-id"));
    }

    [Fact]
    public void TranscodingOptions_Defaults_SafeForAnEdge()
    {
        var options = new TranscodingOptions();

        Assert.False(options.ForwardGrpcMetadataHeaders);
        Assert.Equal(4 * 1024 * 1024, options.MaxRequestBodySize);
        Assert.DoesNotContain("authorization", TranscodingOptions.DefaultForwardedHeaders);
    }

    [Fact]
    public async Task AddTranscoding_ZeroBodyLimit_StartFailsNamingTheSetting()
    {
        await using var app = BuildApp(o => o.MaxRequestBodySize = 0);

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync().WaitAsync(TestTimeouts.Call));

        Assert.Contains("Transcoding:MaxRequestBodySize", ex.Message, StringComparison.Ordinal);
    }
}
