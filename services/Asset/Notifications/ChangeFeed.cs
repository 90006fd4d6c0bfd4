using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SentinelSync.Asset.Notifications;

/// <summary>
/// One PostgreSQL <c>LISTEN</c> connection per process on the registry's change channels, fanned out to any
/// number of watchers through bounded channels. Changes made by any replica reach the watchers of every replica.
/// </summary>
/// <remarks>
/// A watcher that does not keep up (its channel is full) is completed with RESOURCE_EXHAUSTED instead of
/// slowing the others down. When the listening connection fails, every watcher is completed with UNAVAILABLE
/// (it may have missed changes and must resubscribe, reading the current state again) and the feed reconnects.
/// </remarks>
internal sealed partial class ChangeFeed : BackgroundService
{
    public const string AgentsChannel = "asset_agents";
    public const string ConfigsChannel = "asset_configs";

    private const int WatcherCapacity = 1024;
    private static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(2);

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly ILogger<ChangeFeed> _logger;
    private readonly ConcurrentDictionary<long, ChangeSubscription> _subscriptions = new();
    private long _nextId;
    private volatile TaskCompletionSource _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ChangeFeed(NpgsqlDataSource dataSource, TimeProvider time, ILogger<ChangeFeed> logger)
    {
        _dataSource = dataSource;
        _time = time;
        _logger = logger;
    }

    /// <summary>Waits until the feed listens, so a subscriber taken after it misses nothing.</summary>
    /// <exception cref="RpcException">UNAVAILABLE when the feed does not listen within <paramref name="timeout"/>.</exception>
    public async Task WaitListeningAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await _listening.Task.WaitAsync(timeout, _time, cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, "the change feed is not connected to PostgreSQL yet; retry shortly."));
        }
    }

    /// <summary>Subscribes to the payloads (ids) notified on <paramref name="channel"/>; dispose to leave.</summary>
    public ChangeSubscription Subscribe(string channel)
    {
        var id = Interlocked.Increment(ref _nextId);
        var subscription = new ChangeSubscription(channel, Channel.CreateBounded<string>(new BoundedChannelOptions(WatcherCapacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        }), () => _subscriptions.TryRemove(id, out _));
        _subscriptions[id] = subscription;
        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex) when (ex is NpgsqlException or InvalidOperationException or IOException or TimeoutException)
            {
                LogListenFailed(_logger, ex);
                if (_listening.Task.IsCompleted)
                {
                    _listening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                }

                FailAll(new RpcException(new Status(StatusCode.Unavailable, "the registry's change feed lost its database connection; watch again.")));
                try
                {
                    await Task.Delay(ReconnectDelay, _time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        FailAll(new RpcException(new Status(StatusCode.Unavailable, "the server is shutting down; watch again on another replica.")));
    }

    private async Task ListenAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        connection.Notification += (_, e) => Dispatch(e.Channel, e.Payload);
        await using (var command = new NpgsqlCommand($"LISTEN {AgentsChannel}; LISTEN {ConfigsChannel}", connection))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        _listening.TrySetResult();
        LogListening(_logger);
        while (true)
        {
            await connection.WaitAsync(cancellationToken);
        }
    }

    private void Dispatch(string channel, string payload)
    {
        foreach (var (id, subscription) in _subscriptions)
        {
            if (subscription.Channel != channel)
            {
                continue;
            }

            if (!subscription.Writer.TryWrite(payload))
            {
                _subscriptions.TryRemove(id, out _);
                subscription.Writer.TryComplete(new RpcException(new Status(StatusCode.ResourceExhausted, $"this watcher fell more than {WatcherCapacity} changes behind and was dropped; read faster or watch again.")));
                LogWatcherDropped(_logger, channel);
            }
        }
    }

    private void FailAll(Exception error)
    {
        foreach (var (id, subscription) in _subscriptions)
        {
            _subscriptions.TryRemove(id, out _);
            subscription.Writer.TryComplete(error);
        }
    }

    [LoggerMessage(EventId = 1050, Level = LogLevel.Information, Message = "Listening for registry changes on asset_agents and asset_configs")]
    private static partial void LogListening(ILogger logger);

    [LoggerMessage(EventId = 1051, Level = LogLevel.Warning, Message = "The registry change feed lost its connection; watchers are told to watch again, reconnecting")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1052, Level = LogLevel.Warning, Message = "A slow watcher of {Channel} was dropped with RESOURCE_EXHAUSTED")]
    private static partial void LogWatcherDropped(ILogger logger, string channel);
}
