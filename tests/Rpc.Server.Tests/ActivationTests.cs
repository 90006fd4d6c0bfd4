using System.Collections.Concurrent;
using Grpc.Core;
using Grpc.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Service instances: resolved per call from DI when registered, otherwise created and disposed per call.</summary>
public sealed class ActivationTests
{
    [Fact]
    public async Task UnaryCall_ServiceNotRegistered_CreatedPerCallWithDependenciesAndDisposed()
    {
        var tracker = new InstanceTracker();
        await using var host = await GrpcTestHost.StartAsync(
            services => services.AddSingleton(tracker),
            app => app.MapGrpcService<DisposableService>());

        for (var i = 0; i < 3; i++)
        {
            var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));
            Assert.Equal(0, result.Status);
        }

        Assert.Equal(3, tracker.Created.Count);
        Assert.Equal(3, tracker.Disposed.Count);
    }

    [Fact]
    public async Task UnaryCall_ServiceRegisteredAsSingleton_SameInstanceNeverDisposed()
    {
        var tracker = new InstanceTracker();
        await using var host = await GrpcTestHost.StartAsync(
            services =>
            {
                services.AddSingleton(tracker);
                services.AddSingleton<DisposableService>();
            },
            app => app.MapGrpcService<DisposableService>());

        for (var i = 0; i < 3; i++)
        {
            await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));
        }

        Assert.Single(tracker.Created);
        Assert.Empty(tracker.Disposed);
    }

    [Fact]
    public async Task UnaryCall_ServiceRegisteredAsScoped_OneInstancePerCallDisposedWithTheRequest()
    {
        var tracker = new InstanceTracker();
        await using var host = await GrpcTestHost.StartAsync(
            services =>
            {
                services.AddSingleton(tracker);
                services.AddScoped<DisposableService>();
            },
            app => app.MapGrpcService<DisposableService>());

        for (var i = 0; i < 2; i++)
        {
            await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));
        }

        Assert.Equal(2, tracker.Created.Count);
        await WaitUntilAsync(() => tracker.Disposed.Count == 2);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        while (!condition())
        {
            await Task.Delay(5, timeout.Token);
        }
    }

    public sealed class InstanceTracker
    {
        public ConcurrentBag<object> Created { get; } = [];

        public ConcurrentBag<object> Disposed { get; } = [];
    }

    public sealed class DisposableService : TestService.TestServiceBase, IAsyncDisposable
    {
        private readonly InstanceTracker _tracker;

        public DisposableService(InstanceTracker tracker)
        {
            _tracker = tracker;
            tracker.Created.Add(this);
        }

        public override Task<SimpleResponse> UnaryCall(SimpleRequest request, ServerCallContext context) => Task.FromResult(new SimpleResponse());

        public ValueTask DisposeAsync()
        {
            _tracker.Disposed.Add(this);
            return default;
        }
    }
}
