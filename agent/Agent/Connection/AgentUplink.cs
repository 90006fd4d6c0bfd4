using System.Collections.Concurrent;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Runtime;
using SentinelSync.Agent.Spool;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Connection;

/// <summary>
/// Holds the agent's one <c>AgentGatewayService.Connect</c> stream, and opens it again after it
/// broke, with exponential backoff and full jitter.
/// </summary>
/// <remarks>
/// <para>Each stream: (1) Hello; (2) wait for Welcome; (3) drop from the spool what the platform
/// committed; (4) replay the spool after <c>committed_sequence</c> in order, then send new reports
/// as they are spooled, with heartbeats between. Acks delete from the spool; nothing else does.
/// Pings are answered at once; configuration updates are validated, applied and answered with a
/// spooled ConfigStatus.</para>
/// <para>A dead platform is noticed twice over: HTTP/2 keepalive pings on the connection (the
/// channel's handler), and a stream that carried nothing from the platform for
/// <c>reconnect.silence_timeout</c>.</para>
/// <para>A GoAway from the platform (it is shutting down or restarting) names a window: until it has passed, every
/// reconnect attempt waits a uniformly random share of what is left of it (or of the backoff, if that is longer), so
/// a fleet cut at one instant comes back spread over the window.</para>
/// <para>One writer (the send loop) and one reader per stream. Cancelling <see cref="RunAsync"/>
/// half-closes the stream, waits briefly for the platform's last acks, and returns.</para>
/// </remarks>
internal sealed partial class AgentUplink
{
    private static readonly TimeSpan CloseGrace = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan DefaultHeartbeat = TimeSpan.FromSeconds(30);

    /// <summary>The longest reconnect window a GoAway may ask for; a longer one (a platform bug) is cut to this.</summary>
    private static readonly TimeSpan MaxSpread = TimeSpan.FromHours(1);

    private readonly Func<AgentOptions, GrpcChannel> _createChannel;
    private readonly AgentSpool _spool;
    private readonly EffectiveConfiguration _configuration;
    private readonly WakeSignal _wake;
    private readonly string _hostname;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Func<double>? _random;
    private long _streams;
    private long _committed;
    private long _spreadUntil;

    /// <param name="createChannel">A fresh channel for each stream, from the settings in force.</param>
    /// <param name="spool">What is sent, and what acks delete from.</param>
    /// <param name="configuration">The settings in force; updates from the platform are applied to it.</param>
    /// <param name="wake">Notified whenever something was spooled; the send loop waits on it.</param>
    /// <param name="hostname">Sent in Hello.</param>
    /// <param name="time">Heartbeats, silence and backoff.</param>
    /// <param name="logger">Event ids 3200-3299.</param>
    /// <param name="random">Uniform values in [0, 1) for the jitter; tests fix them.</param>
    public AgentUplink(
        Func<AgentOptions, GrpcChannel> createChannel,
        AgentSpool spool,
        EffectiveConfiguration configuration,
        WakeSignal wake,
        string hostname,
        TimeProvider time,
        ILogger<AgentUplink> logger,
        Func<double>? random = null)
    {
        _createChannel = createChannel;
        _spool = spool;
        _configuration = configuration;
        _wake = wake;
        _hostname = hostname;
        _time = time;
        _logger = logger;
        _random = random;
    }

    /// <summary>Streams that reached Welcome since start.</summary>
    public long Streams => Interlocked.Read(ref _streams);

    /// <summary>The highest sequence the platform said it committed.</summary>
    public ulong CommittedSequence => (ulong)Interlocked.Read(ref _committed);

    /// <summary>Connects, streams, and reconnects until <paramref name="cancellationToken"/> is cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var reconnect = _configuration.Current.Reconnect;
        var backoff = new ReconnectBackoff(reconnect.InitialDelay, reconnect.MaxDelay, _random);
        while (!cancellationToken.IsCancellationRequested)
        {
            var welcomed = false;
            try
            {
                await RunStreamAsync(() => welcomed = true, cancellationToken).ConfigureAwait(false);
                if (cancellationToken.IsCancellationRequested)
                {
                    return;
                }

                LogStreamEnded();
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (RpcException ex)
            {
                LogStreamFailed(ex.StatusCode, ex.Status.Detail);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException or TimeoutException or InvalidDataException or OperationCanceledException)
            {
                LogStreamBroken(ex.GetType().Name, ex.Message);
            }

            if (welcomed)
            {
                backoff.Reset();
            }

            // A pushed configuration may have moved the bounds; the attempt count carries over.
            if (_configuration.Current.Reconnect is var current && (current.InitialDelay != reconnect.InitialDelay || current.MaxDelay != reconnect.MaxDelay))
            {
                reconnect = current;
                var attempt = backoff.Attempt;
                backoff = new ReconnectBackoff(reconnect.InitialDelay, reconnect.MaxDelay, _random);
                for (var i = 0; i < attempt; i++)
                {
                    backoff.NextDelay();
                }
            }

            var delay = backoff.NextDelay(SpreadLeft());
            LogReconnecting(delay.TotalMilliseconds, backoff.Attempt);
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RunStreamAsync(Action welcomed, CancellationToken stopping)
    {
        var options = _configuration.Current;
        using var channel = _createChannel(options);
        var client = new AgentGatewayService.AgentGatewayServiceClient(channel);
        using var callCancellation = new CancellationTokenSource();
        using var call = client.Connect(cancellationToken: callCancellation.Token);

        // 1. Hello.
        await call.RequestStream.WriteAsync(
            new ConnectRequest
            {
                Hello = new Hello
                {
                    AgentVersion = AgentVersion.Current,
                    Hostname = _hostname,
                    LastSequence = _spool.LastSequence,
                    AppliedConfigVersion = _configuration.AppliedVersion,
                },
            },
            stopping).ConfigureAwait(false);

        // 2. Welcome, within the silence timeout.
        var silence = options.Reconnect.SilenceTimeout;
        using (var welcomeTimeout = new CancellationTokenSource(silence, _time))
        using (var welcomeWait = CancellationTokenSource.CreateLinkedTokenSource(stopping, welcomeTimeout.Token))
        {
            bool received;
            try
            {
                received = await call.ResponseStream.MoveNext(welcomeWait.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is OperationCanceledException or RpcException { StatusCode: StatusCode.Cancelled } && welcomeTimeout.IsCancellationRequested)
            {
                throw new TimeoutException($"no Welcome from the platform within {DurationText.Format(silence)}");
            }

            if (!received)
            {
                throw new InvalidDataException("the platform ended the stream without a Welcome");
            }
        }

        var welcome = call.ResponseStream.Current.Welcome
            ?? throw new InvalidDataException($"the platform's first message was {call.ResponseStream.Current.BodyCase}, not Welcome");

        // 3. What the platform committed is no longer needed (and raises the sequence past it if the spool lost it).
        _spool.Acknowledge(welcome.CommittedSequence);
        RaiseCommitted(welcome.CommittedSequence);
        Interlocked.Increment(ref _streams);
        welcomed();
        var heartbeat = welcome.HeartbeatInterval?.ToTimeSpan() is { } interval && interval >= TimeSpan.FromSeconds(1) ? interval : DefaultHeartbeat;
        LogConnected(welcome.AgentId, welcome.CommittedSequence, _spool.LastSequence, heartbeat.TotalSeconds);

        // 4. Replay and stream until stopped or broken.
        var stream = new StreamState(_time.GetTimestamp());
        var reader = ReadAsync(call.ResponseStream, stream, callCancellation.Token);
        try
        {
            await SendAsync(call.RequestStream, welcome.CommittedSequence + 1, heartbeat, silence, stream, reader, stopping).ConfigureAwait(false);
            if (reader.IsCompleted)
            {
                await reader.ConfigureAwait(false);
                return;
            }

            // Stopping: half-close, give the platform a moment to ack what it has, then go.
            await call.RequestStream.CompleteAsync().ConfigureAwait(false);
            await Task.WhenAny(reader, Task.Delay(CloseGrace, _time, CancellationToken.None)).ConfigureAwait(false);
            LogClosed(_spool.LastSequence, CommittedSequence);
        }
        finally
        {
            await callCancellation.CancelAsync().ConfigureAwait(false);
            try
            {
                await reader.ConfigureAwait(false);
            }
            catch (Exception) when (callCancellation.IsCancellationRequested)
            {
                // The reader's fate is decided: the stream is over either way.
            }
        }
    }

    private async Task SendAsync(
        IClientStreamWriter<ConnectRequest> requests,
        ulong next,
        TimeSpan heartbeat,
        TimeSpan silence,
        StreamState stream,
        Task reader,
        CancellationToken stopping)
    {
        var nextHeartbeat = _time.GetTimestamp() + (long)(heartbeat.TotalSeconds * _time.TimestampFrequency);
        while (!stopping.IsCancellationRequested && !reader.IsCompleted)
        {
            // Take the wake-up before looking for work, so a report spooled meanwhile is not missed.
            var wake = _wake.WaitAsync();
            await SendPongsAsync(requests, stream, stopping).ConfigureAwait(false);
            foreach (var message in _spool.ReadFrom(next))
            {
                await requests.WriteAsync(message, stopping).ConfigureAwait(false);
                next = message.Sequence + 1;
                await SendPongsAsync(requests, stream, stopping).ConfigureAwait(false);
                if (stopping.IsCancellationRequested || reader.IsCompleted)
                {
                    return;
                }
            }

            var quiet = _time.GetElapsedTime(stream.LastHeard);
            if (quiet >= silence)
            {
                throw new TimeoutException($"nothing from the platform for {DurationText.Format(quiet)} (reconnect.silence_timeout {DurationText.Format(silence)})");
            }

            var now = _time.GetTimestamp();
            if (now >= nextHeartbeat)
            {
                await requests.WriteAsync(new ConnectRequest { Heartbeat = new Heartbeat { SentAt = Timestamp.FromDateTimeOffset(_time.GetUtcNow()) } }, stopping).ConfigureAwait(false);
                nextHeartbeat = now + (long)(heartbeat.TotalSeconds * _time.TimestampFrequency);
            }

            var untilHeartbeat = TimeSpan.FromSeconds((double)(nextHeartbeat - _time.GetTimestamp()) / _time.TimestampFrequency);
            var untilSilent = silence - _time.GetElapsedTime(stream.LastHeard);
            var wait = untilHeartbeat < untilSilent ? untilHeartbeat : untilSilent;
            using var delayCancellation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var delay = Task.Delay(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, _time, delayCancellation.Token);
            await Task.WhenAny(wake, reader, delay).ConfigureAwait(false);
            await delayCancellation.CancelAsync().ConfigureAwait(false);
        }
    }

    private static async Task SendPongsAsync(IClientStreamWriter<ConnectRequest> requests, StreamState stream, CancellationToken cancellationToken)
    {
        while (stream.Pongs.TryDequeue(out var pong))
        {
            await requests.WriteAsync(pong, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task ReadAsync(IAsyncStreamReader<ConnectResponse> responses, StreamState stream, CancellationToken cancellationToken)
    {
        // Off the caller's stack: the send loop starts at once.
        await Task.Yield();
        while (await responses.MoveNext(cancellationToken).ConfigureAwait(false))
        {
            stream.LastHeard = _time.GetTimestamp();
            var response = responses.Current;
            switch (response.BodyCase)
            {
                case ConnectResponse.BodyOneofCase.Ack:
                    _spool.Acknowledge(response.Ack.Sequence);
                    RaiseCommitted(response.Ack.Sequence);
                    break;
                case ConnectResponse.BodyOneofCase.Ping:
                    stream.Pongs.Enqueue(new ConnectRequest { Pong = new Pong { Nonce = response.Ping.Nonce } });
                    _wake.Notify();
                    break;
                case ConnectResponse.BodyOneofCase.Config:
                    ApplyConfiguration(response.Config);
                    break;
                case ConnectResponse.BodyOneofCase.GoAway:
                    OnGoAway(response.GoAway);
                    break;
                default:
                    LogIgnored(response.BodyCase.ToString());
                    break;
            }
        }
    }

    private void ApplyConfiguration(ConfigUpdate update)
    {
        var status = _configuration.Apply(update);
        if (status.Applied)
        {
            var spool = _configuration.Current.Spool;
            _spool.Resize(spool.MaxBytes, spool.SegmentBytes);
        }

        // Spooled like a report: the platform learns the outcome even across a disconnect.
        _spool.Append(new ConnectRequest { ConfigStatus = status });
        _wake.Notify();
    }

    /// <summary>Starts the window the platform asked its agents to spread their return over.</summary>
    private void OnGoAway(GoAway goAway)
    {
        var window = goAway.ReconnectWindow?.ToTimeSpan() ?? TimeSpan.Zero;
        if (window > MaxSpread)
        {
            window = MaxSpread;
        }

        if (window > TimeSpan.Zero)
        {
            Interlocked.Exchange(ref _spreadUntil, _time.GetTimestamp() + (long)(window.TotalSeconds * _time.TimestampFrequency));
        }

        LogGoAway(window.TotalSeconds);
    }

    /// <summary>What is left of the last GoAway's window; zero when none is running.</summary>
    private TimeSpan SpreadLeft()
    {
        var until = Interlocked.Read(ref _spreadUntil);
        var now = _time.GetTimestamp();
        return until > now ? TimeSpan.FromSeconds((double)(until - now) / _time.TimestampFrequency) : TimeSpan.Zero;
    }

    private void RaiseCommitted(ulong sequence)
    {
        long seen;
        while ((ulong)(seen = Interlocked.Read(ref _committed)) < sequence && Interlocked.CompareExchange(ref _committed, (long)sequence, seen) != seen)
        {
        }
    }

    /// <summary>What the reader hands the send loop within one stream.</summary>
    private sealed class StreamState(long lastHeard)
    {
        private long _lastHeard = lastHeard;

        public ConcurrentQueue<ConnectRequest> Pongs { get; } = new();

        public long LastHeard
        {
            get => Interlocked.Read(ref _lastHeard);
            set => Interlocked.Exchange(ref _lastHeard, value);
        }
    }
}
