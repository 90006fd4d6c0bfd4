using System.Net;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SentinelSync.Security.Tests.Fortress;

namespace SentinelSync.Security.Tests;

/// <summary>
/// A real Kestrel h2c listener on 127.0.0.1:0 hosting <see cref="FortressService"/> behind the access-control
/// interceptor (and optionally the auth role), with a <see cref="GrpcChannel"/> to it.
/// </summary>
public sealed class SecurityTestHost : IAsyncDisposable
{
    private SecurityTestHost(WebApplication app, Uri address)
    {
        App = app;
        Address = address;
        Channel = GrpcChannel.ForAddress(address);
        Http = new HttpClient { BaseAddress = address, Timeout = TestTimeouts.Call };
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public GrpcChannel Channel { get; }

    /// <summary>An HTTP/1.1-or-2 client for REST-shaped requests (when the listener speaks HTTP/1.1 too).</summary>
    public HttpClient Http { get; }

    public Fortress.FortressService.FortressServiceClient Fortress => new(Channel);

    public static async Task<SecurityTestHost> StartAsync(
        IDictionary<string, string?>? settings = null,
        Action<WebApplicationBuilder>? configure = null,
        Action<WebApplication>? map = null,
        TimeProvider? clock = null,
        HttpProtocols protocols = HttpProtocols.Http2,
        Action<ListenOptions>? listen = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(SecurityTestHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, options =>
        {
            options.Protocols = protocols;
            listen?.Invoke(options);
        }));
        var all = new Dictionary<string, string?> { ["Security:InternalSigningKey"] = TestSecurity.SigningKey };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }

        builder.Configuration.AddInMemoryCollection(all);
        if (clock is not null)
        {
            builder.Services.AddSingleton(clock);
        }

        builder.Services.AddSentinelAccessControl([FortressReflection.Descriptor]);
        configure?.Invoke(builder);
        var app = builder.Build();
        if (map is null)
        {
            app.MapGrpcService<FortressService>();
        }
        else
        {
            map(app);
        }

        try
        {
            await app.StartAsync().WaitAsync(TestTimeouts.Call);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        return new SecurityTestHost(app, new Uri(address));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        Channel.Dispose();
        try
        {
            await App.StopAsync().WaitAsync(TestTimeouts.Call);
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
