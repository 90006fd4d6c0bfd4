using Google.Protobuf;
using SentinelSync.Bench.Rpc.V1;

namespace SentinelSync.Bench.Rpc;

/// <summary>
/// The baseline: plain Kestrel endpoints doing the byte-level work of a gRPC call and nothing more.
/// Read the whole length-prefixed request, parse it with the generated parser, build the same
/// response, write it length-prefixed as <c>application/grpc</c> and end with <c>grpc-status: 0</c>.
/// No deadline, metadata, compression, interceptor or status machinery.
/// </summary>
internal static class RawEndpoints
{
    public const int MaxPayloadSize = 1024;
    private const int MaxRequestSize = 4096;

    public static async Task EchoAsync(HttpContext context)
    {
        var request = await ReadSingleAsync(context, EchoRequest.Parser);
        if (request is null)
        {
            return;
        }

        context.Response.ContentType = "application/grpc";
        Framing.Write(context.Response.BodyWriter, new EchoResponse { Id = request.Id, Payload = request.Payload });
        context.Response.AppendTrailer("grpc-status", "0");
    }

    public static async Task StreamItemsAsync(HttpContext context)
    {
        var request = await ReadSingleAsync(context, StreamItemsRequest.Parser);
        if (request is null)
        {
            return;
        }

        if (request.PayloadSize > MaxPayloadSize)
        {
            Fail(context, 3, $"payload_size may be at most {MaxPayloadSize} bytes.");
            return;
        }

        context.Response.ContentType = "application/grpc";
        var writer = context.Response.BodyWriter;
        var payload = ByteString.CopyFrom(new byte[request.PayloadSize]);
        for (uint sequence = 0; sequence < request.Count; sequence++)
        {
            // Flush per message, as a gRPC server does for every WriteAsync without BufferHint.
            Framing.Write(writer, new StreamItem { Sequence = sequence, Payload = payload });
            var flushed = await writer.FlushAsync(context.RequestAborted);
            if (flushed.IsCompleted || flushed.IsCanceled)
            {
                return;
            }
        }

        context.Response.AppendTrailer("grpc-status", "0");
    }

    /// <summary>Reads the whole body and parses its one message; on a bad body answers with a status and returns null.</summary>
    private static async Task<T?> ReadSingleAsync<T>(HttpContext context, MessageParser<T> parser)
        where T : class, IMessage<T>
    {
        var reader = context.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(context.RequestAborted);
            var buffer = result.Buffer;
            if (buffer.Length > MaxRequestSize)
            {
                reader.AdvanceTo(buffer.End);
                Fail(context, 8, "The request is too large.");
                return null;
            }

            if (!result.IsCompleted)
            {
                reader.AdvanceTo(buffer.Start, buffer.End);
                continue;
            }

            try
            {
                var length = Framing.ReadPrefix(buffer, MaxRequestSize);
                if (length is null || buffer.Length != Framing.PrefixSize + length)
                {
                    Fail(context, 13, "The request is not exactly one message.");
                    return null;
                }

                return parser.ParseFrom(buffer.Slice(Framing.PrefixSize));
            }
            catch (InvalidDataException ex)
            {
                Fail(context, 13, ex.Message);
                return null;
            }
            finally
            {
                reader.AdvanceTo(buffer.End);
            }
        }
    }

    private static void Fail(HttpContext context, int status, string message)
    {
        context.Response.ContentType = "application/grpc";
        context.Response.Headers["grpc-status"] = status.ToString();
        context.Response.Headers["grpc-message"] = message;
    }
}
