using System.Collections.Concurrent;
using Google.Protobuf;
using Grpc.Core;

namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>What the backend received: each request with its metadata, in arrival order.</summary>
public sealed class BackendRecorder
{
    private readonly ConcurrentQueue<(IMessage Request, Metadata Headers)> _calls = new();

    /// <summary>Set when a streaming call saw its cancellation.</summary>
    public TaskCompletionSource StreamCancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Record(IMessage request, ServerCallContext context) => _calls.Enqueue((request, context.RequestHeaders));

    public IReadOnlyList<(IMessage Request, Metadata Headers)> Calls => _calls.ToArray();

    public T Last<T>()
        where T : IMessage => _calls.Select(c => c.Request).OfType<T>().Last();

    public Metadata LastHeaders => _calls.Last().Headers;
}
