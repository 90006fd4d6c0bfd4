using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Gateway.Transcoding;
using SentinelSync.Gateway.Transcoding.Internal;

namespace Microsoft.AspNetCore.Builder;

/// <summary>Maps REST/JSON transcoding endpoints and the OpenAPI document.</summary>
public static class TranscodingEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps one endpoint per <c>google.api.http</c> binding (additional bindings included) of the given
    /// services. Each calls its method on the backend's call invoker; unary responses are JSON, server
    /// streams newline-delimited JSON or server-sent events. Requires <c>AddTranscoding</c>.
    /// </summary>
    /// <param name="endpoints">The route builder.</param>
    /// <param name="services">The services whose annotated methods become routes, e.g. <c>ContractCatalog.Services</c>.</param>
    /// <param name="backend">Where calls go and what metadata they carry.</param>
    /// <returns>A builder for conventions applied to every transcoding endpoint (e.g. authorization).</returns>
    /// <exception cref="InvalidOperationException">An annotation is invalid; the message names the method.</exception>
    /// <remarks>
    /// Every endpoint carries <see cref="TranscodingEndpointMetadata"/>. Query parameters that name no field
    /// are ignored, like grpc-gateway does; unknown JSON body fields are an error.
    /// </remarks>
    public static IEndpointConventionBuilder MapTranscoding(this IEndpointRouteBuilder endpoints, IEnumerable<ServiceDescriptor> services, TranscodingBackend backend)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(backend);
        var options = endpoints.ServiceProvider.GetRequiredService<IOptions<TranscodingOptions>>().Value;
        var logger = endpoints.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger("SentinelSync.Gateway.Transcoding");
        var builders = new List<IEndpointConventionBuilder>();
        var routes = new Dictionary<(string, string), HttpBinding>();
        foreach (var binding in HttpBindingTable.Create(services))
        {
            // Two bindings on the same method and route pattern would make every such request ambiguous.
            if (!routes.TryAdd((binding.HttpMethod, binding.Template.ToRoutePattern()), binding))
            {
                var other = routes[(binding.HttpMethod, binding.Template.ToRoutePattern())];
                throw new InvalidOperationException($"REST bindings collide: '{binding}' and '{other}' match the same requests.");
            }

            var endpoint = new TranscodingEndpoint(binding, backend, options, logger);
            var builder = endpoints.MapMethods(binding.Template.ToRoutePattern(), [binding.HttpMethod], endpoint.HandleAsync)
                .WithDisplayName($"REST {binding.HttpMethod} {binding.Template.Text} => {binding.Method.FullName}")
                .WithMetadata(new TranscodingEndpointMetadata(binding.Method, binding.HttpMethod, binding.Template.Text));
            builders.Add(builder);
        }

        TranscodingLog.EndpointsMapped(logger, builders.Count);
        return new CompositeEndpointConventionBuilder(builders);
    }

    /// <summary>
    /// Maps a GET endpoint that serves the OpenAPI 3.0 document of the services' REST bindings, e.g. at
    /// <c>/openapi.json</c>. The document is generated once, from the descriptors, and is byte-for-byte
    /// stable for the same contracts.
    /// </summary>
    public static IEndpointConventionBuilder MapOpenApiDocument(
        this IEndpointRouteBuilder endpoints,
        string pattern,
        IEnumerable<ServiceDescriptor> services,
        string title = "SentinelSync API",
        string version = "v1")
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrEmpty(pattern);
        ArgumentNullException.ThrowIfNull(services);
        var document = OpenApiDocumentWriter.Write(HttpBindingTable.Create(services), title, version);
        return endpoints.MapGet(pattern, (HttpContext context) =>
        {
            context.Response.ContentType = "application/json";
            return context.Response.Body.WriteAsync(document, context.RequestAborted).AsTask();
        }).WithDisplayName("OpenAPI document");
    }
}
