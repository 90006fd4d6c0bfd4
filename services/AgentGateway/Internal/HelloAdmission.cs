using Microsoft.Extensions.Options;

namespace SentinelSync.AgentGateway.Internal;

/// <summary>
/// Admits at most <see cref="AgentGatewayOptions.MaxConcurrentHellos"/> new streams at a time to the Asset calls
/// that welcome them (recording the Hello, fetching the configuration); the others wait their turn.
/// </summary>
/// <remarks>
/// After a restart the whole fleet says Hello within seconds. Sent to Asset at once, thousands of calls share the
/// database until many run past their deadline; those streams are cut, the agents come back later, and the work is
/// done twice. Queued here, each admitted call finishes well within its deadline, and the queue drains as fast as
/// Asset can record. Reports of streams already welcomed are not queued: connected agents keep priority.
/// </remarks>
internal sealed class HelloAdmission
{
    private readonly SemaphoreSlim _slots;

    public HelloAdmission(IOptions<AgentGatewayOptions> options) =>
        _slots = new SemaphoreSlim(options.Value.MaxConcurrentHellos, options.Value.MaxConcurrentHellos);

    /// <summary>Slots free now (for tests and diagnostics).</summary>
    public int Available => _slots.CurrentCount;

    /// <summary>Waits for a slot; dispose the lease (at most once counts) to give it back.</summary>
    public async Task<Lease> EnterAsync(CancellationToken cancellationToken)
    {
        await _slots.WaitAsync(cancellationToken);
        return new Lease(_slots);
    }

    /// <summary>One admitted stream's slot.</summary>
    internal sealed class Lease(SemaphoreSlim slots) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                slots.Release();
            }
        }
    }
}
