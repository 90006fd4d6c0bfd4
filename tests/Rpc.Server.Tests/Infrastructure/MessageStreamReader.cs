using System.Buffers.Binary;
using Google.Protobuf;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Reads length-prefixed messages one at a time from a response body that is still arriving.</summary>
public sealed class MessageStreamReader
{
    private readonly Stream _body;

    public MessageStreamReader(Stream body) => _body = body;

    /// <summary>The next message, or null at the end of the body.</summary>
    public async Task<GrpcMessage?> ReadAsync()
    {
        var prefix = new byte[5];
        if (!await FillAsync(prefix).WaitAsync(TestTimeouts.Call))
        {
            return null;
        }

        var payload = new byte[BinaryPrimitives.ReadUInt32BigEndian(prefix.AsSpan(1))];
        if (!await FillAsync(payload).WaitAsync(TestTimeouts.Call) && payload.Length > 0)
        {
            throw new InvalidDataException("The body ended inside a message.");
        }

        return new GrpcMessage(prefix[0] == 1, payload);
    }

    public async Task<T> ReadAsync<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        var message = await ReadAsync() ?? throw new InvalidDataException($"The body ended before a {typeof(T).Name}.");
        return parser.ParseFrom(message.Payload);
    }

    private async Task<bool> FillAsync(byte[] buffer)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await _body.ReadAsync(buffer.AsMemory(filled));
            if (read == 0)
            {
                if (filled == 0)
                {
                    return false;
                }

                throw new InvalidDataException("The body ended inside a message prefix.");
            }

            filled += read;
        }

        return true;
    }
}
