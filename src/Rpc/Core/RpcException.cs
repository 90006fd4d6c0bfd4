namespace Grpc.Core;

/// <summary>
/// A call ended with a non-OK status. Thrown by clients when a call fails, and by service code to end a
/// call with a precise status and message.
/// </summary>
public class RpcException : Exception
{
    /// <summary>Creates an exception for a status.</summary>
    public RpcException(Status status)
        : this(status, Metadata.Empty, status.ToString())
    {
    }

    /// <summary>Creates an exception for a status with a local message.</summary>
    public RpcException(Status status, string message)
        : this(status, Metadata.Empty, message)
    {
    }

    /// <summary>Creates an exception for a status with trailers to send or that were received.</summary>
    public RpcException(Status status, Metadata trailers)
        : this(status, trailers, status.ToString())
    {
    }

    /// <summary>Creates an exception for a status with trailers and a local message.</summary>
    public RpcException(Status status, Metadata trailers, string message)
        : base(message, status.DebugException)
    {
        Status = status;
        Trailers = trailers ?? Metadata.Empty;
    }

    /// <summary>The status of the call.</summary>
    public Status Status { get; }

    /// <summary>The status code of the call.</summary>
    public StatusCode StatusCode => Status.StatusCode;

    /// <summary>The trailers: received from the server on a client, to be sent on a server.</summary>
    public Metadata Trailers { get; }
}
