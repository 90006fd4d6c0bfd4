using System.Diagnostics;
using System.Text.Json;
using SentinelSync.Contracts;
using SentinelSync.Gateway.Transcoding.Internal;

namespace SentinelSync.Gateway.Transcoding.Tests;

public sealed class OpenApiDocumentTests
{
    private static readonly IReadOnlyList<HttpBinding> Bindings = HttpBindingTable.Create(TranscodingTestHost.Services);

    private static JsonDocument Generate() => JsonDocument.Parse(OpenApiDocumentWriter.Write(Bindings, "Test API", "v1"));

    private static JsonElement Operation(JsonDocument document, string path, string method) =>
        document.RootElement.GetProperty("paths").GetProperty(path).GetProperty(method);

    private static JsonElement Schema(JsonDocument document, string name) =>
        document.RootElement.GetProperty("components").GetProperty("schemas").GetProperty(name);

    [Fact]
    public void Write_Contracts_EveryBindingIsAnOperation()
    {
        using var document = Generate();

        Assert.Equal("3.0.3", document.RootElement.GetProperty("openapi").GetString());
        foreach (var binding in Bindings)
        {
            var operation = Operation(document, binding.Template.ToOpenApiPath(), binding.HttpMethod.ToLowerInvariant());
            Assert.Equal(binding.OperationId, operation.GetProperty("operationId").GetString());
            Assert.Equal(binding.Method.Service.Name, operation.GetProperty("tags")[0].GetString());
        }

        var operationIds = document.RootElement.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject()).Select(o => o.Value.GetProperty("operationId").GetString()).ToList();
        Assert.Equal(Bindings.Count, operationIds.Count);
        Assert.Equal(operationIds.Count, operationIds.Distinct().Count());
    }

    [Fact]
    public void Write_Contracts_EveryRefResolves()
    {
        using var document = Generate();
        var schemas = document.RootElement.GetProperty("components").GetProperty("schemas");
        var refs = new List<string>();
        CollectRefs(document.RootElement, refs);

        Assert.NotEmpty(refs);
        Assert.All(refs, reference =>
        {
            Assert.StartsWith("#/components/schemas/", reference, StringComparison.Ordinal);
            Assert.True(schemas.TryGetProperty(reference["#/components/schemas/".Length..], out _), $"unresolved {reference}");
        });
    }

    [Fact]
    public void Write_SameContracts_ByteForByteStable()
    {
        var first = OpenApiDocumentWriter.Write(HttpBindingTable.Create(TranscodingTestHost.Services), "Test API", "v1");
        var second = OpenApiDocumentWriter.Write(HttpBindingTable.Create(TranscodingTestHost.Services.Reverse()), "Test API", "v1");

        Assert.Equal(first, second);
    }

    [Fact]
    public void Write_Parameters_PathAndQueryWithTypes()
    {
        using var document = Generate();
        var parameters = Operation(document, "/v1/shelves/{shelf.id}/books", "get").GetProperty("parameters").EnumerateArray().ToList();

        var shelf = parameters.Single(p => p.GetProperty("name").GetString() == "shelf.id");
        Assert.Equal("path", shelf.GetProperty("in").GetString());
        Assert.True(shelf.GetProperty("required").GetBoolean());
        Assert.Equal("string", shelf.GetProperty("schema").GetProperty("type").GetString());
        Assert.Equal("int64", shelf.GetProperty("schema").GetProperty("format").GetString());

        var names = parameters.Where(p => p.GetProperty("in").GetString() == "query").Select(p => p.GetProperty("name").GetString()).ToList();
        Assert.Contains("shelf.theme", names);
        Assert.Contains("filter.after", names);
        Assert.Contains("filter.maxPages", names);
        Assert.Contains("pageSize", names);
        Assert.DoesNotContain("shelf.id", names);
        Assert.DoesNotContain("options", names);

        var genres = parameters.Single(p => p.GetProperty("name").GetString() == "filter.genres").GetProperty("schema");
        Assert.Equal("array", genres.GetProperty("type").GetString());
        Assert.Equal("#/components/schemas/sentinel.testing.transcoding.v1.Genre", genres.GetProperty("items").GetProperty("$ref").GetString());
        var after = parameters.Single(p => p.GetProperty("name").GetString() == "filter.after").GetProperty("schema");
        Assert.Equal("date-time", after.GetProperty("format").GetString());
    }

    [Fact]
    public void Write_Schemas_FollowProto3JsonMapping()
    {
        using var document = Generate();
        var agent = Schema(document, "sentinel.asset.v1.Agent").GetProperty("properties");

        Assert.Equal("string", agent.GetProperty("appliedConfigVersion").GetProperty("type").GetString());
        Assert.Equal("int64", agent.GetProperty("appliedConfigVersion").GetProperty("format").GetString());
        Assert.Equal("date-time", agent.GetProperty("firstSeen").GetProperty("format").GetString());
        Assert.Equal("#/components/schemas/sentinel.asset.v1.AgentState", agent.GetProperty("state").GetProperty("$ref").GetString());
        Assert.Equal("string", agent.GetProperty("labels").GetProperty("additionalProperties").GetProperty("type").GetString());
        Assert.Equal("array", agent.GetProperty("addresses").GetProperty("type").GetString());

        var state = Schema(document, "sentinel.asset.v1.AgentState");
        Assert.Equal("string", state.GetProperty("type").GetString());
        Assert.Contains("AGENT_STATE_ONLINE", state.GetProperty("enum").EnumerateArray().Select(e => e.GetString()));

        var ttl = Schema(document, "sentinel.asset.v1.CreateEnrollmentTokenRequest").GetProperty("properties").GetProperty("ttl");
        Assert.Equal("string", ttl.GetProperty("type").GetString());
        Assert.EndsWith("s$", ttl.GetProperty("pattern").GetString(), StringComparison.Ordinal);

        Assert.Contains("Oneof `target`", Schema(document, "sentinel.asset.v1.ConfigTarget").GetProperty("description").GetString(), StringComparison.Ordinal);
        Assert.True(Schema(document, "sentinel.testing.transcoding.v1.Filter").GetProperty("properties").GetProperty("maxPages").GetProperty("nullable").GetBoolean());
        Assert.Equal("uint64", Schema(document, "sentinel.testing.transcoding.v1.Book").GetProperty("properties").GetProperty("pages").GetProperty("format").GetString());
    }

    [Fact]
    public void Write_BodiesAndResponses_DescribedFromDescriptors()
    {
        using var document = Generate();

        // body "*" with a path variable: the path-bound field is not in the body schema.
        var labels = Operation(document, "/v1/agents/{agent_id}/labels", "put").GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.False(labels.GetProperty("properties").TryGetProperty("agentId", out _));
        Assert.True(labels.GetProperty("properties").TryGetProperty("labels", out _));

        // body: field, response_body: field.
        var update = Operation(document, "/v1/shelves/{book.shelf_id}/books/{book.id}", "patch");
        Assert.Equal("#/components/schemas/sentinel.testing.transcoding.v1.Book", update.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
        var file = Operation(document, "/v1/files/{path}", "get").GetProperty("responses").GetProperty("200").GetProperty("content").GetProperty("application/json").GetProperty("schema");
        Assert.Equal("string", file.GetProperty("type").GetString());

        // Streams, and the error schema on every operation.
        var watch = Operation(document, "/v1/agents:watch", "get").GetProperty("responses");
        Assert.True(watch.GetProperty("200").GetProperty("content").TryGetProperty("text/event-stream", out _));
        Assert.True(watch.GetProperty("200").GetProperty("content").TryGetProperty("application/x-ndjson", out _));
        Assert.Equal("#/components/schemas/google.rpc.Status", watch.GetProperty("default").GetProperty("content").GetProperty("application/json").GetProperty("schema").GetProperty("$ref").GetString());
    }

    /// <summary>
    /// The document of the platform's contracts passes openapi-spec-validator, a validator nobody here wrote. The
    /// machine image ships it with its Python (pip package openapi-spec-validator); without it the test fails
    /// rather than passing without having checked anything.
    /// </summary>
    [Fact]
    public async Task Write_PlatformContracts_PassesOpenApiSpecValidator()
    {
        var path = Path.Combine(Path.GetTempPath(), $"sentinel-openapi-{Guid.NewGuid():N}.json");
        await File.WriteAllBytesAsync(path, OpenApiDocumentWriter.Write(HttpBindingTable.Create(ContractCatalog.Services), "SentinelSync API", "v1"));
        try
        {
            var check = await RunPythonAsync("-c", "import openapi_spec_validator");
            Assert.True(check is { ExitCode: 0 }, "python3 cannot import openapi_spec_validator: install the pip package openapi-spec-validator.");

            var result = await RunPythonAsync("-m", "openapi_spec_validator", path);
            Assert.True(result!.Value.ExitCode == 0, $"openapi-spec-validator rejected the document:\n{result.Value.Output}");
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<(int ExitCode, string Output)?> RunPythonAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            try
            {
                await process.WaitForExitAsync().WaitAsync(TestTimeouts.Process);
            }
            catch (TimeoutException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }

            return (process.ExitCode, await stdout.WaitAsync(TestTimeouts.Process) + await stderr.WaitAsync(TestTimeouts.Process));
        }
    }

    private static void CollectRefs(JsonElement element, List<string> refs)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "$ref")
                    {
                        refs.Add(property.Value.GetString()!);
                    }
                    else
                    {
                        CollectRefs(property.Value, refs);
                    }
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    CollectRefs(item, refs);
                }

                break;
        }
    }
}
