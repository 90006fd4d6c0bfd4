using Google.Protobuf;
using Google.Protobuf.Reflection;
using Grpc.Reflection.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>
/// Server reflection, v1 and v1alpha (the same messages on the wire, so both are driven with v1 types): services,
/// files with their transitive imports (each once per stream), symbols, extensions, NOT_FOUND errors.
/// </summary>
public sealed class ReflectionTests
{
    private const string V1Path = "/grpc.reflection.v1.ServerReflection/ServerReflectionInfo";
    private const string V1AlphaPath = "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo";

    public static TheoryData<string> Versions => new() { V1Path, V1AlphaPath };

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task ListServices_EveryMappedServiceListed(string path)
    {
        await using var host = await StartHostAsync();
        using var call = await StreamingCall.StartAsync(host.Client, path, new ServerReflectionRequest { Host = "localhost", ListServices = "*" });

        var response = await call.ReadAsync(ServerReflectionResponse.Parser);

        Assert.Equal("localhost", response.ValidHost);
        Assert.Equal("*", response.OriginalRequest.ListServices);
        Assert.Equal(
            ["grpc.health.v1.Health", "grpc.reflection.v1.ServerReflection", "grpc.reflection.v1alpha.ServerReflection", "grpc.testing.TestService", "sentinel.testing.v1.Guarded"],
            response.ListServicesResponse.Service.Select(s => s.Name).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task FileContainingSymbol_Service_FileFirstThenTransitiveImports(string path)
    {
        await using var host = await StartHostAsync();
        using var call = await StreamingCall.StartAsync(host.Client, path, new ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService" });

        var files = FileNames(await call.ReadAsync(ServerReflectionResponse.Parser));

        Assert.Equal("grpc/testing/test.proto", files[0]);
        Assert.Equal(["grpc/testing/empty.proto", "grpc/testing/messages.proto"], files.Skip(1).Order(StringComparer.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task FileRequests_SameStream_EachImportSentOnce(string path)
    {
        await using var host = await StartHostAsync();
        using var call = await StreamingCall.StartAsync(host.Client, path, new ServerReflectionRequest { FileContainingSymbol = "sentinel.testing.v1.Guarded" });

        var first = FileNames(await call.ReadAsync(ServerReflectionResponse.Parser));
        var again = FileNames(await call.AskAsync(new ServerReflectionRequest { FileByFilename = "sentinel/testing/v1/guarded.proto" }, ServerReflectionResponse.Parser));
        var import = FileNames(await call.AskAsync(new ServerReflectionRequest { FileContainingSymbol = "google.protobuf.Empty" }, ServerReflectionResponse.Parser));

        Assert.Equal(["sentinel/testing/v1/guarded.proto", "google/protobuf/descriptor.proto", "google/protobuf/empty.proto"], first);
        Assert.Equal(["sentinel/testing/v1/guarded.proto"], again);
        Assert.Equal(["google/protobuf/empty.proto"], import);
    }

    [Theory]
    [InlineData("grpc.testing.TestService.UnaryCall", "grpc/testing/test.proto")]
    [InlineData("grpc.testing.SimpleRequest", "grpc/testing/messages.proto")]
    [InlineData("grpc.testing.SimpleRequest.response_size", "grpc/testing/messages.proto")]
    [InlineData("grpc.testing.PayloadType", "grpc/testing/messages.proto")]
    [InlineData("grpc.testing.COMPRESSABLE", "grpc/testing/messages.proto")]
    [InlineData("sentinel.testing.v1.Outer.Inner", "sentinel/testing/v1/guarded.proto")]
    [InlineData("sentinel.testing.v1.Outer.Inner.Level", "sentinel/testing/v1/guarded.proto")]
    [InlineData("sentinel.testing.v1.Outer.Inner.LEVEL_HIGH", "sentinel/testing/v1/guarded.proto")]
    [InlineData("sentinel.testing.v1.required_permission", "sentinel/testing/v1/guarded.proto")]
    [InlineData("grpc.health.v1.HealthCheckResponse.ServingStatus", "grpc/health/v1/health.proto")]
    [InlineData("google.protobuf.MethodOptions", "google/protobuf/descriptor.proto")]
    public async Task FileContainingSymbol_AnyKindOfSymbol_FindsDeclaringFile(string symbol, string file)
    {
        await using var host = await StartHostAsync();
        using var call = await StreamingCall.StartAsync(host.Client, V1Path, new ServerReflectionRequest { FileContainingSymbol = symbol });

        var files = FileNames(await call.ReadAsync(ServerReflectionResponse.Parser));

        Assert.Equal(file, files[0]);
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task UnknownSymbolOrFile_ErrorResponseNotFoundAndStreamStaysOpen(string path)
    {
        await using var host = await StartHostAsync();
        using var call = await StreamingCall.StartAsync(host.Client, path, new ServerReflectionRequest { FileContainingSymbol = "no.such.Symbol" });

        var symbol = await call.ReadAsync(ServerReflectionResponse.Parser);
        var file = await call.AskAsync(new ServerReflectionRequest { FileByFilename = "no/such.proto" }, ServerReflectionResponse.Parser);
        var list = await call.AskAsync(new ServerReflectionRequest { ListServices = "" }, ServerReflectionResponse.Parser);

        Assert.Equal(5, symbol.ErrorResponse.ErrorCode);
        Assert.Contains("no.such.Symbol", symbol.ErrorResponse.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal(5, file.ErrorResponse.ErrorCode);
        Assert.NotEmpty(list.ListServicesResponse.Service);
        call.CompleteRequest();
        Assert.Null(await call.ReadNextAsync());
        Assert.Equal("0", call.Trailer("grpc-status"));
    }

    [Theory]
    [MemberData(nameof(Versions))]
    public async Task Extensions_CustomMethodOption_FoundByNumberAndListed(string path)
    {
        await using var host = await StartHostAsync();
        using var call = await StreamingCall.StartAsync(host.Client, path, new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "google.protobuf.MethodOptions", ExtensionNumber = 50001 },
        });

        var byNumber = await call.ReadAsync(ServerReflectionResponse.Parser);
        var numbers = await call.AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "google.protobuf.MethodOptions" }, ServerReflectionResponse.Parser);
        var none = await call.AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "grpc.testing.SimpleRequest" }, ServerReflectionResponse.Parser);
        var unknownType = await call.AskAsync(new ServerReflectionRequest { AllExtensionNumbersOfType = "no.Such" }, ServerReflectionResponse.Parser);
        var unknownNumber = await call.AskAsync(new ServerReflectionRequest
        {
            FileContainingExtension = new ExtensionRequest { ContainingType = "google.protobuf.MethodOptions", ExtensionNumber = 1 },
        }, ServerReflectionResponse.Parser);

        Assert.Equal("sentinel/testing/v1/guarded.proto", FileNames(byNumber)[0]);
        Assert.Equal("google.protobuf.MethodOptions", numbers.AllExtensionNumbersResponse.BaseTypeName);
        Assert.Equal([50001], numbers.AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Empty(none.AllExtensionNumbersResponse.ExtensionNumber);
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.AllExtensionNumbersResponse, none.MessageResponseCase);
        Assert.Equal(5, unknownType.ErrorResponse.ErrorCode);
        Assert.Equal(5, unknownNumber.ErrorResponse.ErrorCode);
    }

    [Fact]
    public async Task FileDescriptor_Returned_IsUsableByAClientToBuildTheService()
    {
        await using var host = await StartHostAsync();
        using var call = await StreamingCall.StartAsync(host.Client, V1Path, new ServerReflectionRequest { FileContainingSymbol = "grpc.testing.TestService" });

        var response = await call.ReadAsync(ServerReflectionResponse.Parser);

        // What grpcurl does: rebuild the descriptors from the bytes alone, dependencies first.
        var built = FileDescriptor.BuildFromByteStrings(response.FileDescriptorResponse.FileDescriptorProto.Reverse());
        var service = built.Single(f => f.Name == "grpc/testing/test.proto").Services.Single(s => s.Name == "TestService");
        Assert.Equal("SimpleRequest", service.FindMethodByName("UnaryCall").InputType.Name);
    }

    private static List<string> FileNames(ServerReflectionResponse response)
    {
        Assert.Equal(ServerReflectionResponse.MessageResponseOneofCase.FileDescriptorResponse, response.MessageResponseCase);
        return response.FileDescriptorResponse.FileDescriptorProto.Select(b => FileDescriptorProto.Parser.ParseFrom(b).Name).ToList();
    }

    private static Task<GrpcTestHost> StartHostAsync() => GrpcTestHost.StartAsync(
        services =>
        {
            services.AddGrpc();
            services.AddGrpcReflection();
            services.AddGrpcHealthChecks();
        },
        app =>
        {
            app.MapGrpcService<ScriptedTestService>();
            app.MapGrpcService<GuardedService>();
            app.MapGrpcHealthChecksService();
            app.MapGrpcReflectionService();
        });
}
