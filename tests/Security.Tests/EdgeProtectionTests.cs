using System.Net;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using SentinelSync.Security.Internal;
using SentinelSync.Security.Tests.Fortress;

namespace SentinelSync.Security.Tests;

/// <summary>The edge middleware on a real Kestrel listener: rate limits, security headers, body limits, authentication.</summary>
public sealed class EdgeProtectionTests
{
    [Fact]
    public async Task Rest_BurstFromOneAddress_429WithRetryAfter()
    {
        await using var host = await StartAsync(HttpProtocols.Http1);
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? last = null;
        for (var i = 0; i < 5; i++)
        {
            last?.Dispose();
            last = await host.Http.GetAsync(new Uri("/v1/ping", UriKind.Relative)).WaitAsync(TestTimeouts.Call);
            statuses.Add(last.StatusCode);
        }

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests, HttpStatusCode.TooManyRequests], statuses);
        Assert.True(last!.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        last.Dispose();
    }

    [Fact]
    public async Task Rest_AuthenticatedPrincipal_HasOwnPartition()
    {
        await using var host = await StartAsync(HttpProtocols.Http1);
        var token = new AccessTokenCodec(TestSecurity.Options(), TimeProvider.System).Issue(TestSecurity.Person("pat", BuiltInRoles.Viewer), out _);
        for (var i = 0; i < 4; i++)
        {
            using var anonymous = await host.Http.GetAsync(new Uri("/v1/ping", UriKind.Relative)).WaitAsync(TestTimeouts.Call);
        }

        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/ping");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
        using var authenticated = await host.Http.SendAsync(request).WaitAsync(TestTimeouts.Call);
        using var anonymousAgain = await host.Http.GetAsync(new Uri("/v1/ping", UriKind.Relative)).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.Equal("pat", await authenticated.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Call));
        Assert.Equal(HttpStatusCode.TooManyRequests, anonymousAgain.StatusCode);
    }

    [Fact]
    public async Task Grpc_Burst_ResourceExhausted()
    {
        await using var host = await StartAsync(HttpProtocols.Http2);
        for (var i = 0; i < 3; i++)
        {
            await host.Fortress.OpenThingAsync(new ThingRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call);
        }

        var error = await Assert.ThrowsAsync<RpcException>(() => host.Fortress.OpenThingAsync(new ThingRequest()).ResponseAsync.WaitAsync(TestTimeouts.Call));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Contains("rate limit", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rest_AnyResponse_CarriesSecurityHeadersWithoutHstsOnCleartext()
    {
        await using var host = await StartAsync(HttpProtocols.Http1);

        using var response = await host.Http.GetAsync(new Uri("/v1/ping", UriKind.Relative)).WaitAsync(TestTimeouts.Call);

        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("no-referrer", Header(response, "Referrer-Policy"));
        Assert.Contains("default-src 'self'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"), StringComparison.Ordinal);
        Assert.False(response.Headers.Contains("Strict-Transport-Security"));
    }

    [Fact]
    public async Task Grpc_Response_NoBrowserSecurityHeaders()
    {
        await using var host = await StartAsync(HttpProtocols.Http2);

        using var call = host.Fortress.OpenThingAsync(new ThingRequest());
        var headers = await call.ResponseHeadersAsync.WaitAsync(TestTimeouts.Call);
        await call.ResponseAsync.WaitAsync(TestTimeouts.Call);

        Assert.Null(headers.Get("x-frame-options"));
        Assert.Null(headers.Get("content-security-policy"));
    }

    [Fact]
    public async Task Rest_BodyOverLimit_413()
    {
        await using var host = await StartAsync(HttpProtocols.Http1);

        using var small = await host.Http.PostAsync(new Uri("/v1/echo", UriKind.Relative), new ByteArrayContent(new byte[512])).WaitAsync(TestTimeouts.Call);
        using var large = await host.Http.PostAsync(new Uri("/v1/echo", UriKind.Relative), new ByteArrayContent(new byte[4096])).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, large.StatusCode);
    }

    [Fact]
    public async Task Rest_ProtectedEndpoint_401WithoutOrWithBadTokenAnd200WithToken()
    {
        await using var host = await StartAsync(HttpProtocols.Http1);
        var token = new AccessTokenCodec(TestSecurity.Options(), TimeProvider.System).Issue(TestSecurity.Person("pat", BuiltInRoles.Viewer), out _);

        using var none = await host.Http.GetAsync(new Uri("/v1/secure", UriKind.Relative)).WaitAsync(TestTimeouts.Call);
        using var badRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/secure") { Headers = { { "Authorization", "Bearer " + token[..^3] + "AAA" } } };
        using var bad = await host.Http.SendAsync(badRequest).WaitAsync(TestTimeouts.Call);
        using var goodRequest = new HttpRequestMessage(HttpMethod.Get, "/v1/secure") { Headers = { { "Authorization", "Bearer " + token } } };
        using var good = await host.Http.SendAsync(goodRequest).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, bad.StatusCode);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : string.Empty;

    private static Task<SecurityTestHost> StartAsync(HttpProtocols protocols) =>
        SecurityTestHost.StartAsync(
            new Dictionary<string, string?>
            {
                ["Security:RateLimit:PermitsPerAddress"] = "3",
                ["Security:RateLimit:PermitsPerPrincipal"] = "5",
                ["Security:RateLimit:Window"] = "00:05:00",
                ["Security:MaxRequestBodyBytes"] = "1024",
            },
            builder =>
            {
                builder.Services.AddSentinelAuthentication();
                builder.Services.AddAuthorization();
                builder.Services.AddSentinelRateLimiting();
            },
            app =>
            {
                app.UseSentinelSecurityHeaders();
                app.UseSentinelRequestLimits();
                app.UseSentinelAuthentication();
                app.UseRateLimiter();
                app.UseAuthorization();
                app.MapGet("/v1/ping", (HttpContext context) => context.GetSentinelPrincipal()?.Name ?? "anonymous");
                app.MapGet("/v1/secure", (HttpContext context) => context.GetSentinelPrincipal()!.Name).RequireAuthorization();
                app.MapPost("/v1/echo", async (HttpContext context) =>
                {
                    using var buffer = new MemoryStream();
                    await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
                    return buffer.Length;
                });
                app.MapGrpcService<FortressService>();
            },
            protocols: protocols);
}
