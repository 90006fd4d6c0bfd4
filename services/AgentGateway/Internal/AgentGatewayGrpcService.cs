using System.Threading.Channels;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// <c>AgentGatewayService.Connect</c>: one stream per agent. The agent is the subject of its client certificate;
/// its reports go to Asset in sequence order, batched, and are acked once Asset committed them.
/// </summary>
/// <remarks>
/// Per stream: the handler's loop reads the agent's messages, one forwarding loop sends reports to Asset, and one
/// writer loop drains the session's downstream queue. A cut (decommission, replacement, dead peer, Asset refusal)
/// cancels all three and ends the call with the cut's status.
/// </remarks>
internal sealed class AgentGatewayGrpcService : AgentGatewayService.AgentGatewayServiceBase
{
    private readonly AssetService.AssetServiceClient _asset;
    private readonly AgentSessionRegistry _sessions;
    private readonly ConfigPusher _configPusher;
    private readonly AgentTrust _trust;
    private readonly HelloAdmission _admission;
    private readonly AgentGatewayOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<AgentGatewayGrpcService> _logger;

    public AgentGatewayGrpcService(
        AssetService.AssetServiceClient asset,
        AgentSessionRegistry sessions,
        ConfigPusher configPusher,
        AgentTrust trust,
        HelloAdmission admission,
        IOptions<AgentGatewayOptions> options,
        TimeProvider timeProvider,
        ILogger<AgentGatewayGrpcService> logger)
    {
        _asset = asset;
        _sessions = sessions;
        _configPusher = configPusher;
        _trust = trust;
        _admission = admission;
        _options = options.Value;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The platform CA for enrolling agents; they check it against the fingerprint that came with their token.</summary>
    public override Task<GetTrustBundleResponse> GetTrustBundle(GetTrustBundleRequest request, ServerCallContext context) =>
        _trust.Ca is { } ca
            ? Task.FromResult(new GetTrustBundleResponse { CaCertificatePem = ca.ExportCertificatePem() })
            : throw new RpcException(new Status(StatusCode.Unavailable, "The agent endpoint has no platform CA yet (the Asset service has not answered); try again shortly."));

    public override async Task Connect(IAsyncStreamReader<ConnectRequest> requestStream, IServerStreamWriter<ConnectResponse> responseStream, ServerCallContext context)
    {
        // 1. Who: the certificate the TLS handshake validated against the platform CA; never a message field.
        var httpContext = context.GetHttpContext();
        var certificate = httpContext.Connection.ClientCertificate;
        if (certificate is null || !AgentEndpointMarker.IsAgentEndpoint(httpContext))
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "Connect needs the agent's client certificate on the agent endpoint (Listen:Agent); enroll the agent first (sentinel-agent enroll)."));
        }

        var agentId = AgentCertificate.AgentIdOf(certificate);
        if (agentId.Length == 0)
        {
            throw new RpcException(new Status(StatusCode.Unauthenticated, "The client certificate has no subject common name to take the agent id from; enroll the agent again."));
        }

        var peer = httpContext.Connection.RemoteIpAddress?.ToString() ?? string.Empty;

        // 2. Hello first, within HelloTimeout.
        var hello = await ReadHelloAsync(requestStream, context.CancellationToken);

        // 3. Asset records the hello (and refuses a decommissioned agent) and says what is committed already; a
        //    bounded number of new streams at a time (HelloAdmission), until their welcome is sent.
        using var admission = await _admission.EnterAsync(context.CancellationToken);
        var committed = await RecordAsync(agentId, peer, [new ConnectRequest { Hello = hello }], context.CancellationToken);

        var session = new AgentSession(agentId, peer, hello.AppliedConfigVersion, _timeProvider.GetTimestamp(), context.CancellationToken);
        _sessions.Add(session);
        AgentGatewayLog.Connected(_logger, agentId, peer, hello.AgentVersion, committed);
        Task? writer = null;
        Task? forwarder = null;
        var reports = Channel.CreateBounded<ConnectRequest>(new BoundedChannelOptions(_options.MaxBatchSize) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.Wait });
        try
        {
            var token = session.Cancelled;
            writer = WriteAsync(session, responseStream, token);
            await session.SendAsync(new ConnectResponse
            {
                Welcome = new Welcome { AgentId = agentId, CommittedSequence = committed, HeartbeatInterval = Duration.FromTimeSpan(_options.HeartbeatInterval) },
            }, token);

            // 4. Configuration the agent does not run yet.
            await _configPusher.PushIfChangedAsync(session, token);
            admission.Dispose();

            // 5. Reports: checked here, forwarded to Asset by one loop, acked after commit.
            forwarder = ForwardAsync(session, reports.Reader, committed, token);
            var lastSequence = 0UL;
            while (await requestStream.MoveNext(token))
            {
                var message = requestStream.Current;
                session.MarkActive(_timeProvider.GetTimestamp());
                switch (message.BodyCase)
                {
                    case ConnectRequest.BodyOneofCase.Pong:
                        session.OnPong(message.Pong.Nonce, _timeProvider.GetTimestamp());
                        continue;
                    case ConnectRequest.BodyOneofCase.Heartbeat when message.Sequence == 0:
                        // Not spooled (the agent sends it straight): a sign of life for Asset, forwarded unsequenced, never acked.
                        await reports.Writer.WriteAsync(message, token);
                        continue;
                    case ConnectRequest.BodyOneofCase.Hello:
                        throw new RpcException(new Status(StatusCode.InvalidArgument, "Hello is sent once, as the first message of a stream; open a new stream to say hello again."));
                    case ConnectRequest.BodyOneofCase.None:
                        throw new RpcException(new Status(StatusCode.InvalidArgument, "A ConnectRequest without a body; every message carries one of hello, heartbeat, inventory, metrics, logs, command_output, config_status, pong."));
                }

                if (message.Sequence == 0)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"A {message.BodyCase} report has sequence 0; spooled reports carry a per-agent sequence starting at 1."));
                }

                if (message.Sequence <= lastSequence)
                {
                    throw new RpcException(new Status(StatusCode.InvalidArgument, $"Report sequence {message.Sequence} after {lastSequence}: sequences on a stream must strictly increase."));
                }

                lastSequence = message.Sequence;
                await reports.Writer.WriteAsync(message, token);
            }

            // 6. The agent closed its side: forward what is left, send the last acks, then end.
            reports.Writer.TryComplete();
            await forwarder;
            if (session.CutStatus is { } cut)
            {
                throw new RpcException(cut);
            }

            session.CompleteDownstream();
            await writer;
        }
        catch (OperationCanceledException) when (session.CutStatus is { } status)
        {
            throw new RpcException(status);
        }
        catch (ChannelClosedException) when (session.CutStatus is { } status)
        {
            throw new RpcException(status);
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.InvalidArgument)
        {
            AgentGatewayLog.ProtocolViolation(_logger, agentId, peer, ex.Status.Detail);
            throw;
        }
        finally
        {
            var endStatus = session.CutStatus?.StatusCode ?? StatusCode.OK;
            reports.Writer.TryComplete();
            session.Cut(new Status(StatusCode.Cancelled, "The stream ended."));
            _sessions.Remove(session);
            await Observe(forwarder);
            await Observe(writer);
            session.Dispose();
            AgentGatewayLog.Disconnected(_logger, agentId, peer, endStatus);
        }
    }

    private async Task<Hello> ReadHelloAsync(IAsyncStreamReader<ConnectRequest> requestStream, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HelloTimeout);
        bool read;
        try
        {
            read = await requestStream.MoveNext(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.DeadlineExceeded, $"No Hello within {_options.HelloTimeout}; the first message of Connect must be Hello."));
        }

        if (!read)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, "The stream ended before Hello; the first message of Connect must be Hello."));
        }

        var first = requestStream.Current;
        if (first.BodyCase != ConnectRequest.BodyOneofCase.Hello)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"The first message of Connect must be Hello, not {first.BodyCase}."));
        }

        return first.Hello;
    }

    private async Task ForwardAsync(AgentSession session, ChannelReader<ConnectRequest> reports, ulong committed, CancellationToken cancellationToken)
    {
        var acked = committed;
        try
        {
            // Waits without the token: Connect completes the channel whenever the stream ends, cut or not; a wait with
            // a cancelable token would allocate an operation that lives until the next heartbeat (see WriteAsync).
            while (await reports.WaitToReadAsync(CancellationToken.None))
            {
                var batch = new List<ConnectRequest>();
                Drain(reports, batch, ref committed);
                if (batch.Count < _options.MaxBatchSize && _options.BatchDelay > TimeSpan.Zero && !reports.Completion.IsCompleted)
                {
                    await Task.Delay(_options.BatchDelay, _timeProvider, cancellationToken);
                    Drain(reports, batch, ref committed);
                }

                if (batch.Count > 0)
                {
                    try
                    {
                        committed = Math.Max(committed, await RecordAsync(session.AgentId, session.PeerAddress, batch, cancellationToken));
                    }
                    catch (RpcException ex) when (ex.StatusCode == StatusCode.Unavailable && batch.TrueForAll(report => report.Sequence == 0))
                    {
                        // Only a sign of life was lost: there is nothing to replay, and cutting the stream would turn
                        // a slow Asset into a reconnect storm (handshake, Hello) that slows it further. The next
                        // heartbeat tries again.
                    }
                }

                if (committed > acked)
                {
                    acked = committed;
                    await session.SendAsync(new ConnectResponse { Ack = new Ack { Sequence = acked } }, cancellationToken);
                }
            }
        }
        catch (RpcException ex)
        {
            session.Cut(ex.Status);
        }

        void Drain(ChannelReader<ConnectRequest> reader, List<ConnectRequest> batch, ref ulong committedSoFar)
        {
            while (batch.Count < _options.MaxBatchSize && reader.TryRead(out var report))
            {
                // Already committed (a replay after a lost ack): acked again without troubling Asset. Unsequenced
                // heartbeats always go.
                if (report.Sequence == 0 || report.Sequence > committedSoFar)
                {
                    batch.Add(report);
                }
            }
        }
    }

    /// <summary>Records reports with Asset; returns the committed sequence. Asset's refusals become the stream's status.</summary>
    private async Task<ulong> RecordAsync(string agentId, string peer, IReadOnlyList<ConnectRequest> reports, CancellationToken cancellationToken)
    {
        var request = new RecordAgentReportsRequest { AgentId = agentId, PeerAddress = peer };
        request.Reports.AddRange(reports);
        try
        {
            var response = await _asset.RecordAgentReportsAsync(request, deadline: _timeProvider.GetUtcNow().UtcDateTime + _options.AssetCallTimeout, cancellationToken: cancellationToken);
            return response.CommittedSequence;
        }
        catch (RpcException ex) when (ex.StatusCode == StatusCode.PermissionDenied)
        {
            AgentGatewayLog.Refused(_logger, agentId, peer, ex.Status.Detail);
            throw new RpcException(new Status(StatusCode.PermissionDenied, $"Agent '{agentId}' is not allowed to connect: {ex.Status.Detail}"));
        }
        catch (RpcException ex) when (!cancellationToken.IsCancellationRequested && ex.StatusCode is not StatusCode.InvalidArgument)
        {
            AgentGatewayLog.RecordFailed(_logger, agentId, ex.Status.StatusCode, ex.Status.Detail);
            throw new RpcException(new Status(StatusCode.Unavailable, $"The platform could not record reports right now ({ex.Status.StatusCode}); reconnect and send them again."));
        }
    }

    private async Task WriteAsync(AgentSession session, IServerStreamWriter<ConnectResponse> responseStream, CancellationToken cancellationToken)
    {
        try
        {
            // Without the token: a cut completes the queue (AgentSession.Cut), which ends the wait. A wait with a
            // cancelable token allocates an operation object instead of using the channel's reusable one, and it lives
            // as long as the wait, tens of seconds on an idle stream: ten thousand of them a minute, promoted and dead
            // in the collector's oldest generation.
            while (await session.Downstream.WaitToReadAsync(CancellationToken.None))
            {
                while (session.Downstream.TryRead(out var message))
                {
                    await responseStream.WriteAsync(message, cancellationToken);
                    session.MarkSent(_timeProvider.GetTimestamp());
                }
            }

            // The queue was completed: a farewell (GoAway) is sent, now end the stream.
            if (session.LeaveStatus is { } leave)
            {
                session.Cut(leave);
            }
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException)
        {
            session.Cut(new Status(StatusCode.Unavailable, "The stream to the agent broke: " + ex.Message));
        }
    }

    private static async Task Observe(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            // A write stuck on a dead peer's flow control ends when the call is reset; do not wait for it forever.
            await task.WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (Exception)
        {
            // The loops report through the session's cut status; what is left here is their teardown.
        }
    }
}
