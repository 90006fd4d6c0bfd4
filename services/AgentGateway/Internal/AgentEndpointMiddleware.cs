using System.Net;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Keeps the agent endpoint to agent methods: Connect and GetTrustBundle are served here, Enroll is forwarded to Asset (so agents
/// need one address), and every other method answers UNIMPLEMENTED, whatever else the process maps.
/// AgentGatewayService is served only here.
/// </summary>
internal sealed class AgentEndpointMiddleware
{
    internal const string ConnectPath = "/sentinel.agent.v1.AgentGatewayService/Connect";
    internal const string TrustBundlePath = "/sentinel.agent.v1.AgentGatewayService/GetTrustBundle";
    internal const string EnrollPath = "/sentinel.asset.v1.AssetService/Enroll";

    private const long MaxEnrollRequestBytes = 64 * 1024;

    private static readonly HashSet<string> HopHeaders = new(StringComparer.OrdinalIgnoreCase)
    {
        "host", "connection", "keep-alive", "transfer-encoding", "upgrade", "proxy-connection", "te", "content-length", InternalCaller.HeaderName,
    };

    private readonly RequestDelegate _next;
    private readonly EnrollForwardingClient _forwarding;
    private readonly ILogger<AgentEndpointMiddleware> _logger;
    private readonly bool _shrinkHeaderBuffers;

    public AgentEndpointMiddleware(RequestDelegate next, EnrollForwardingClient forwarding, IOptions<AgentGatewayOptions> options, ILogger<AgentEndpointMiddleware> logger)
    {
        _next = next;
        _forwarding = forwarding;
        _logger = logger;
        _shrinkHeaderBuffers = options.Value.ShrinkHeaderBuffers && HeaderEncodingBufferShrink.IsAvailable;
        if (options.Value.ShrinkHeaderBuffers && !HeaderEncodingBufferShrink.IsAvailable)
        {
            AgentGatewayLog.HeaderBufferShrinkUnavailable(logger);
        }
    }

    public Task InvokeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value;
        if (!AgentEndpointMarker.IsAgentEndpoint(context))
        {
            return path is ConnectPath or TrustBundlePath
                ? Unimplemented(context, "AgentGatewayService is served on the agent endpoint (Listen:Agent) only.")
                : _next(context);
        }

        return path switch
        {
            ConnectPath => ConnectAsync(context),
            TrustBundlePath => _next(context),
            EnrollPath => ForwardEnrollAsync(context),
            _ => Unimplemented(context, $"'{path}' is not served on the agent endpoint; it serves AgentGatewayService.Connect and GetTrustBundle, and AssetService.Enroll."),
        };
    }

    /// <summary>A Connect stream holds its connection for hours: the connection gives back what it keeps only for bursts.</summary>
    private Task ConnectAsync(HttpContext context)
    {
        if (_shrinkHeaderBuffers)
        {
            HeaderEncodingBufferShrink.TryShrink(context);
        }

        return _next(context);
    }

    private static Task Unimplemented(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status200OK;
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = "12";
        context.Response.Headers["grpc-message"] = Uri.EscapeDataString(message);
        return Task.CompletedTask;
    }

    /// <summary>Forwards the call to Asset as it is, headers, body and trailers: deadline, metadata and compression pass through.</summary>
    private async Task ForwardEnrollAsync(HttpContext context)
    {
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxEnrollRequestBytes;
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(_forwarding.AssetAddress, EnrollPath))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new StreamContent(context.Request.Body),
        };
        foreach (var (name, values) in context.Request.Headers)
        {
            if (name.StartsWith(':') || HopHeaders.Contains(name))
            {
                continue;
            }

            if (!request.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values))
            {
                request.Content.Headers.TryAddWithoutValidation(name, (IEnumerable<string?>)values);
            }
        }

        request.Headers.TryAddWithoutValidation("te", "trailers");
        request.Headers.TryAddWithoutValidation("x-forwarded-for", context.Connection.RemoteIpAddress?.ToString());

        HttpResponseMessage response;
        try
        {
            response = await _forwarding.Client.SendAsync(request, context.RequestAborted);
        }
        catch (HttpRequestException ex)
        {
            AgentGatewayLog.EnrollForwardFailed(_logger, ex.Message);
            context.Response.StatusCode = StatusCodes.Status200OK;
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-message"] = Uri.EscapeDataString("The enrollment service is unreachable right now; try again shortly.");
            return;
        }

        using (response)
        {
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var (name, values) in response.Headers.Concat(response.Content.Headers))
            {
                if (!HopHeaders.Contains(name))
                {
                    context.Response.Headers[name] = values.ToArray();
                }
            }

            await using (var body = await response.Content.ReadAsStreamAsync(context.RequestAborted))
            {
                await body.CopyToAsync(context.Response.Body, context.RequestAborted);
            }

            foreach (var (name, values) in response.TrailingHeaders)
            {
                context.Response.AppendTrailer(name, values.ToArray());
            }
        }
    }
}
