namespace Grpc.Core;

/// <summary>Writes a stream of messages.</summary>
/// <remarks>One write at a time: a write must complete before the next one starts.</remarks>
public interface IAsyncStreamWriter<in T>
{
    /// <summary>Options for the following writes.</summary>
    WriteOptions? WriteOptions { get; set; }

    /// <summary>Writes a message.</summary>
    Task WriteAsync(T message);

    /// <summary>Writes a message, giving up when the token is cancelled.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken) =>
        cancellationToken.CanBeCanceled ? throw new NotSupportedException("This writer does not take a cancellation token.") : WriteAsync(message);
}
