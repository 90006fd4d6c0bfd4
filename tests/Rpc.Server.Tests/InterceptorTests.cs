using System.Collections.Concurrent;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Grpc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Server interceptors: order (first registered outermost, global before per-service) and lifetime.</summary>
public sealed class InterceptorTests
{
    [Fact]
    public async Task UnaryCall_GlobalAndServiceInterceptors_RunOutermostFirst()
    {
        var journal = new Journal();
        await using var host = await GrpcTestHost.StartAsync(services =>
        {
            services.AddSingleton(journal);
            services.AddGrpc(o =>
            {
                o.Interceptors.Add<RecordingInterceptor>("first");
                o.Interceptors.Add<RecordingInterceptor>("second");
            }).AddServiceOptions<ScriptedTestService>(o => o.Interceptors.Add<RecordingInterceptor>("service"));
        });
        host.Script.Unary = (_, _) =>
        {
            journal.Add("handler");
            return Task.FromResult(new SimpleResponse());
        };

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal(0, result.Status);
        Assert.Equal(
            ["first in", "second in", "service in", "handler", "service out", "second out", "first out"],
            journal.Entries.Where(e => !e.EndsWith("disposed", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task FullDuplexCall_Interceptor_SeesStreamsAndCanEndCall()
    {
        var journal = new Journal();
        await using var host = await GrpcTestHost.StartAsync(services =>
        {
            services.AddSingleton(journal);
            services.AddGrpc(o => o.Interceptors.Add<RecordingInterceptor>("only"));
        });

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(
            TestPaths.Duplex,
            GrpcWire.Frame(new StreamingOutputCallRequest { ResponseParameters = { new ResponseParameters { Size = 1 } } })));

        Assert.Equal(0, result.Status);
        Assert.Single(result.Messages);
        Assert.Equal(["only in", "only out", "only disposed"], journal.Entries);
    }

    [Fact]
    public async Task UnaryCall_InterceptorThrowsRpcException_HandlerSkippedAndStatusSent()
    {
        var journal = new Journal();
        await using var host = await GrpcTestHost.StartAsync(services =>
        {
            services.AddSingleton(journal);
            services.AddGrpc(o => o.Interceptors.Add<DenyingInterceptor>());
        });
        host.Script.Unary = (_, _) =>
        {
            journal.Add("handler");
            return Task.FromResult(new SimpleResponse());
        };

        var result = await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));

        Assert.Equal((int)StatusCode.PermissionDenied, result.Status);
        Assert.Empty(journal.Entries);
    }

    [Fact]
    public async Task UnaryCall_InterceptorNotRegistered_CreatedPerCallAndDisposed()
    {
        var journal = new Journal();
        await using var host = await GrpcTestHost.StartAsync(services =>
        {
            services.AddSingleton(journal);
            services.AddGrpc(o => o.Interceptors.Add<RecordingInterceptor>("per-call"));
        });

        for (var i = 0; i < 3; i++)
        {
            await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));
        }

        Assert.Equal(3, journal.Entries.Count(e => e == "per-call disposed"));
        Assert.Equal(3, journal.Instances.Count);
    }

    [Fact]
    public async Task UnaryCall_InterceptorRegisteredAsSingleton_ResolvedAndNotDisposed()
    {
        var journal = new Journal();
        await using var host = await GrpcTestHost.StartAsync(services =>
        {
            services.AddSingleton(journal);
            services.AddSingleton<SingletonInterceptor>();
            services.AddGrpc(o => o.Interceptors.Add<SingletonInterceptor>());
        });

        for (var i = 0; i < 3; i++)
        {
            await GrpcWire.CallAsync(host.Client, GrpcWire.Request(TestPaths.Unary, GrpcWire.Frame(new SimpleRequest())));
        }

        Assert.Single(journal.Instances);
        Assert.DoesNotContain("singleton disposed", journal.Entries);
    }

    public sealed class Journal
    {
        private readonly ConcurrentQueue<string> _entries = new();

        public ConcurrentDictionary<object, bool> Instances { get; } = new(ReferenceEqualityComparer.Instance);

        public IReadOnlyList<string> Entries => _entries.ToArray();

        public void Add(string entry) => _entries.Enqueue(entry);
    }

    public sealed class RecordingInterceptor : Interceptor, IDisposable
    {
        private readonly string _name;
        private readonly Journal _journal;

        public RecordingInterceptor(string name, Journal journal)
        {
            _name = name;
            _journal = journal;
            journal.Instances.TryAdd(this, true);
        }

        public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
        {
            _journal.Add(_name + " in");
            var response = await continuation(request, context);
            _journal.Add(_name + " out");
            return response;
        }

        public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(IAsyncStreamReader<TRequest> requestStream, IServerStreamWriter<TResponse> responseStream, ServerCallContext context, DuplexStreamingServerMethod<TRequest, TResponse> continuation)
        {
            _journal.Add(_name + " in");
            await continuation(requestStream, responseStream, context);
            _journal.Add(_name + " out");
        }

        public void Dispose() => _journal.Add(_name + " disposed");
    }

    public sealed class DenyingInterceptor : Interceptor
    {
        public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation) =>
            throw new RpcException(new Status(StatusCode.PermissionDenied, "not for you"));
    }

    public sealed class SingletonInterceptor : Interceptor, IDisposable
    {
        private readonly Journal _journal;

        public SingletonInterceptor(Journal journal)
        {
            _journal = journal;
            journal.Instances.TryAdd(this, true);
        }

        public void Dispose() => _journal.Add("singleton disposed");
    }
}
