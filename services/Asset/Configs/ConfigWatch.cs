using Grpc.Core;
using SentinelSync.Asset.Notifications;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.Asset.Configs;

/// <summary>WatchConfigChanges: every new configuration version (target and version) as it is committed anywhere.</summary>
internal sealed class ConfigWatch
{
    private static readonly TimeSpan FeedTimeout = TimeSpan.FromSeconds(10);

    private readonly ConfigStore _store;
    private readonly ChangeFeed _feed;

    public ConfigWatch(ConfigStore store, ChangeFeed feed)
    {
        _store = store;
        _feed = feed;
    }

    public async Task WatchAsync(IServerStreamWriter<WatchConfigChangesResponse> stream, CancellationToken cancellationToken)
    {
        await _feed.WaitListeningAsync(FeedTimeout, cancellationToken);
        using var subscription = _feed.Subscribe(ChangeFeed.ConfigsChannel);
        while (true)
        {
            var configId = await subscription.ReadAsync(cancellationToken);
            if (await _store.ChangeAsync(configId, cancellationToken) is { } change)
            {
                await stream.WriteAsync(change, cancellationToken);
            }
        }
    }
}
