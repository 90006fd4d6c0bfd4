namespace Grpc.Core;

/// <summary>Reads a stream of messages.</summary>
/// <remarks>One reader at a time: <see cref="MoveNext"/> must not be called again before the previous call completed.</remarks>
public interface IAsyncStreamReader<out T>
{
    /// <summary>The message read by the last successful <see cref="MoveNext"/>.</summary>
    T Current { get; }

    /// <summary>Reads the next message; false at the end of the stream.</summary>
    Task<bool> MoveNext(CancellationToken cancellationToken);
}
