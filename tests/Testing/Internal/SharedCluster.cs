namespace SentinelSync.Testing.Internal;

/// <summary>
/// The one <see cref="PostgresCluster"/> of a test process: every <see cref="PostgresFixture"/>
/// leases it, the first lease starts it and the last release stops it, so a test assembly with many
/// fixtures starts one server rather than one each.
/// </summary>
internal static class SharedCluster
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static PostgresCluster? _cluster;
    private static int _leases;

    /// <summary>Returns the process's cluster, starting it if nobody holds a lease.</summary>
    public static async Task<PostgresCluster> AcquireAsync(CancellationToken cancellationToken)
    {
        await Gate.WaitAsync(cancellationToken);
        try
        {
            _cluster ??= await PostgresCluster.StartAsync(cancellationToken);
            _leases++;
            return _cluster;
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>Gives a lease back; the last one stops the cluster.</summary>
    public static async Task ReleaseAsync()
    {
        await Gate.WaitAsync();
        try
        {
            if (_leases == 0 || --_leases > 0)
            {
                return;
            }

            var cluster = _cluster;
            _cluster = null;
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }
        finally
        {
            Gate.Release();
        }
    }
}
