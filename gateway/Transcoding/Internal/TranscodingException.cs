using Grpc.Core;

namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>
/// A request that cannot be transcoded: answered with a google.rpc.Status-shaped body and the HTTP status of
/// <see cref="StatusCode"/>, or <see cref="HttpStatus"/> when it is more precise (413).
/// </summary>
internal sealed class TranscodingException : Exception
{
    public TranscodingException(StatusCode statusCode, string message, int? httpStatus = null, Exception? innerException = null)
        : base(message, innerException)
    {
        StatusCode = statusCode;
        HttpStatus = httpStatus ?? StatusMapping.ToHttpStatus(statusCode);
    }

    public StatusCode StatusCode { get; }

    public int HttpStatus { get; }

    public static TranscodingException InvalidArgument(string message, Exception? innerException = null) =>
        new(StatusCode.InvalidArgument, message, innerException: innerException);
}
