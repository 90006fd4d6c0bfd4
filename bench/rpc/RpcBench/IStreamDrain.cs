namespace SentinelSync.Bench.Rpc;

/// <summary>A client that makes one StreamItems call and reads every item of it.</summary>
internal interface IStreamDrain : IDisposable
{
    /// <summary>Asks for <paramref name="count"/> items and reads them all; returns how many arrived.</summary>
    /// <exception cref="InvalidOperationException">An item is out of sequence or the call did not end with status OK.</exception>
    Task<long> DrainAsync(uint count, uint payloadSize, CancellationToken cancellationToken);
}
