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
using Microsoft.Extensions.Logging;
using SentinelSync.InProcess;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>
/// With the host's <see cref="InProcessServer"/>, the agent gateway's calls to an Asset that is this process go to the
/// application in memory, not over a socket. Shown with a stranger holding the address the configuration names as
/// this process's internal endpoint: a call that took the network would reach it.
/// </summary>
public class AssetInProcessTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task AssetOnThisProcess_CallsServedInMemory_NeverOverTheSocket()
    {
        var strangerRequests = 0;
        await using var stranger = await StartStrangerAsync(() => Interlocked.Increment(ref strangerRequests));

        // This host listens elsewhere, but is told its internal endpoint is the stranger's address; it maps no Asset,
        // so the in-memory trust call is answered UNIMPLEMENTED by this host itself.
        var failures = new ConcurrentQueue<string>();
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddProvider(new EventCapture(2001, message =>
        {
            failures.Enqueue(message);
            if (!message.Contains("not serving", StringComparison.Ordinal))
            {
                failed.TrySetResult();
            }
        }));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Listen:Internal"] = stranger.Address });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        builder.Services.AddInProcessServer();
        builder.AddAgentGateway();
        await using var app = builder.Build();
        await app.StartAsync().WaitAsync(Timeout);
        try
        {
            await failed.Task.WaitAsync(Timeout);

            Assert.Equal(0, Volatile.Read(ref strangerRequests));
            Assert.Contains(failures, message => message.Contains("Unimplemented", StringComparison.OrdinalIgnoreCase) || message.Contains("UNIMPLEMENTED", StringComparison.Ordinal));
        }
        finally
        {
            await app.StopAsync().WaitAsync(Timeout);
        }
    }

    private static async Task<Stranger> StartStrangerAsync(Action onRequest)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(context =>
        {
            onRequest();
            context.Response.ContentType = "application/grpc";
            context.Response.Headers["grpc-status"] = "14";
            context.Response.Headers["grpc-message"] = "a stranger answered";
            return Task.CompletedTask;
        });
        await app.StartAsync().WaitAsync(Timeout);
        return new Stranger(app, app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());
    }

    private sealed record Stranger(WebApplication App, string Address) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await App.StopAsync().WaitAsync(Timeout);
            await App.DisposeAsync();
        }
    }

    /// <summary>Hands the message of every log entry with one event id to a callback.</summary>
    private sealed class EventCapture(int eventId, Action<string> onEntry) : ILoggerProvider, ILogger
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
