using System.Threading.Channels;
using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Gateway;

/// <summary>One Connect call as the fake platform sees it: what the agent sent, and a way to answer.</summary>
internal sealed class FakeStream
{
    private readonly IServerStreamWriter<ConnectResponse> _responses;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly CancellationTokenSource _end = new();
    private readonly Action _abort;

    public FakeStream(IServerStreamWriter<ConnectResponse> responses, Action abort, string? clientSubject)
    {
        _responses = responses;
        _abort = abort;
        ClientSubject = clientSubject;
    }

    /// <summary>Every message the agent sent on this call, in order; completed when the call ends.</summary>
    public Channel<ConnectRequest> Received { get; } = Channel.CreateUnbounded<ConnectRequest>();

    /// <summary>The subject of the client certificate the agent presented, if any.</summary>
    public string? ClientSubject { get; }

    public CancellationToken Ending => _end.Token;

    /// <summary>The next message from the agent, within <paramref name="timeout"/>.</summary>
    public async Task<ConnectRequest> ReceiveAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            return await Received.Reader.ReadAsync(cancellation.Token);
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"no message from the agent within {timeout}");
        }
    }

    /// <summary>The next message that is not a heartbeat or pong.</summary>
    public async Task<ConnectRequest> ReceiveDataAsync(TimeSpan timeout)
    {
        while (true)
        {
            var message = await ReceiveAsync(timeout);
            if (message.BodyCase is not (ConnectRequest.BodyOneofCase.Heartbeat or ConnectRequest.BodyOneofCase.Pong))
            {
                return message;
            }
        }
    }

    /// <summary>Waits until the call ended, discarding what the agent still sent.</summary>
    public async Task WaitForEndAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        try
        {
            await foreach (var _ in Received.Reader.ReadAllAsync(cancellation.Token))
            {
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"the call did not end within {timeout}");
        }
    }

    public async Task SendAsync(ConnectResponse response)
    {
        await _writeGate.WaitAsync(TimeSpan.FromSeconds(10));
        try
        {
            await _responses.WriteAsync(response).WaitAsync(TimeSpan.FromSeconds(10));
        }
        finally
        {
            _writeGate.Release();
        }
    }

    public Task WelcomeAsync(ulong committed, TimeSpan? heartbeat = null) => SendAsync(new ConnectResponse
    {
        Welcome = new Welcome
        {
            AgentId = "agent-test",
            CommittedSequence = committed,
            HeartbeatInterval = Google.Protobuf.WellKnownTypes.Duration.FromTimeSpan(heartbeat ?? TimeSpan.FromSeconds(30)),
        },
    });

    public Task AckAsync(ulong sequence) => SendAsync(new ConnectResponse { Ack = new Ack { Sequence = sequence } });

    /// <summary>Ends the call normally (status OK), as a platform shutting down would.</summary>
    public void End() => _end.Cancel();

    /// <summary>Resets the HTTP/2 stream, as a crashed peer or a cut network would.</summary>
    public void Abort() => _abort();
}
