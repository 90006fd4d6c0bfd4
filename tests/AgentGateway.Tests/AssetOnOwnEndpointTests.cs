using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Grpc.Core;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.InProcess;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>
/// In single-node mode Asset is this process's own internal endpoint: its calls must reach this process, in memory
/// when the host offers it, and never another process that holds the port. Until the process serves it (hosted services,
/// the gateway's among them, start before Kestrel binds), whatever else listens on that port must not get the
/// gateway's calls: another installation there answered them with "signed principal refused: the principal
/// signature does not match" for the seconds a fresh installation takes to migrate its schemas.
/// </summary>
public class AssetOnOwnEndpointTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AssetCalls_WhileTheHostIsStarting_DoNotReachAnotherProcessOnItsInternalPort()
    {
        // 1. Another installation holds the port this host's internal endpoint is configured on.
        var foreignRequests = 0;
        await using var foreign = await StartForeignInstallationAsync(() => Interlocked.Increment(ref foreignRequests));

        // 2. This host starts, and is held in its start-up (a schema migration, say) until the gateway's first
        //    attempt to load its trust material from Asset has failed.
        var warnings = new ConcurrentQueue<string>();
        var firstTrustFailure = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new WarningCapture(2001, message =>
        {
            warnings.Enqueue(message);
            firstTrustFailure.TrySetResult();
        }));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Listen:Internal"] = foreign.Address });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.AddAgentGateway();
        builder.Services.AddHostedService(_ => new HeldStart(release.Task));
        await using var app = builder.Build();
        var starting = app.StartAsync();
        try
        {
            await firstTrustFailure.Task.WaitAsync(Timeout);

            Assert.Equal(0, Volatile.Read(ref foreignRequests));
            Assert.Contains("not serving", Assert.Single(warnings), StringComparison.Ordinal);
        }
        finally
        {
            release.TrySetResult();
            await starting.WaitAsync(Timeout);
            await app.StopAsync().WaitAsync(Timeout);
        }
    }

    /// <summary>
    /// With the host's <see cref="InProcessServer"/>, the gateway's calls to an Asset that is this process go to the
    /// application in memory, never over a socket: a stranger holding the configured internal address gets none.
    /// </summary>
    [Fact]
    public async Task AssetOnThisProcess_CallsServedInMemory_NeverOverTheSocket()
    {
        var strangerRequests = 0;
        await using var stranger = await StartForeignInstallationAsync(() => Interlocked.Increment(ref strangerRequests));

        // This host listens elsewhere, but is told its internal endpoint is the stranger's address; it maps no Asset,
        // so a call in memory is answered UNIMPLEMENTED by this host itself, and one over the socket by the stranger.
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Listen:Internal"] = stranger.Address });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.AddAgentGateway();
        await using var app = builder.Build();
        await app.StartAsync().WaitAsync(Timeout);
        try
        {
            var asset = app.Services.GetRequiredService<AssetService.AssetServiceClient>();

            var call = asset.GetAgentTrustAsync(new GetAgentTrustRequest(), deadline: DateTime.UtcNow.Add(Timeout));
            var error = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);

            Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
            Assert.Equal(0, Volatile.Read(ref strangerRequests));
        }
        finally
        {
            await app.StopAsync().WaitAsync(Timeout);
        }
    }

    /// <summary>A gRPC server that refuses every call the way another installation's access control does.</summary>
    private static async Task<ForeignInstallation> StartForeignInstallationAsync(Action onRequest)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(context =>
        {
            onRequest();
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "16";
            context.Response.Headers["grpc-message"] = "signed principal refused: the principal signature does not match";
            return Task.CompletedTask;
        });
        await app.StartAsync().WaitAsync(Timeout);
        return new ForeignInstallation(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    private sealed record ForeignInstallation(WebApplication App, string Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync().WaitAsync(Timeout);
            await App.DisposeAsync();
        }
    }

    /// <summary>A start-up step that takes until <paramref name="release"/> completes.</summary>
    private sealed class HeldStart(Task release) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => release.WaitAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Hands the message of every log entry with one event id to a callback.</summary>
    private sealed class WarningCapture(int eventId, Action<string> onEntry) : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId id, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (id.Id == eventId)
            {
                onEntry(formatter(state, exception));
            }
        }

        public void Dispose()
        {
        }
    }
}
