using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Internal;

public class MessageWriterTests
{
    private static readonly byte[] Payload = Enumerable.Range(0, 300).Select(i => (byte)i).ToArray();

    [Fact]
    public async Task Write_SerializerAnnouncesLength_SerializesStraightIntoThePipe()
    {
        var pipe = new Pipe();
        IBufferWriter<byte>? target = null;

        new MessageWriter(null).Write(pipe.Writer, Payload, (payload, context) =>
        {
            context.SetPayloadLength(payload.Length);
            target = context.GetBufferWriter();
            target.Write(payload);
            context.Complete();
        }, null, null);

        Assert.Same(pipe.Writer, target);
        Assert.Equal(GrpcFrames.Frame(Payload), await ReadWrittenAsync(pipe));
    }

    [Fact]
    public async Task Write_SerializerWithoutLength_BuffersThenFrames()
    {
        var pipe = new Pipe();
        IBufferWriter<byte>? target = null;

        new MessageWriter(null).Write(pipe.Writer, Payload, (payload, context) =>
        {
            target = context.GetBufferWriter();
            target.Write(payload.AsSpan(0, 100));
            target.Write(payload.AsSpan(100));
            context.Complete();
        }, null, null);

        Assert.NotSame(pipe.Writer, target);
        Assert.Equal(GrpcFrames.Frame(Payload), await ReadWrittenAsync(pipe));
    }

    [Fact]
    public async Task Write_ArraySerializer_Frames()
    {
        var pipe = new Pipe();

        new MessageWriter(null).Write(pipe.Writer, Payload, static (payload, context) => context.Complete(payload), null, null);

        Assert.Equal(GrpcFrames.Frame(Payload), await ReadWrittenAsync(pipe));
    }

    [Fact]
    public async Task Write_WithCompressor_SetsFlagAndCompresses()
    {
        var pipe = new Pipe();

        new MessageWriter(null).Write(pipe.Writer, Payload, Serialize, new GzipCompressionProvider(), CompressionLevel.Optimal);

        var frames = await GrpcFrames.ReadAllAsync(PipeReader.Create(new ReadOnlySequence<byte>(await ReadWrittenAsync(pipe))), CancellationToken.None).WithTimeout();
        var (compressed, payload) = Assert.Single(frames);
        Assert.True(compressed);
        Assert.Equal(Payload, GrpcFrames.Gunzip(payload));
    }

    [Fact]
    public async Task Write_SeveralMessages_FramesEachInOrder()
    {
        var pipe = new Pipe();
        var writer = new MessageWriter(null);

        writer.Write(pipe.Writer, "a"u8.ToArray(), Serialize, null, null);
        writer.Write(pipe.Writer, Payload, static (payload, context) => context.Complete(payload), null, null);
        writer.Write(pipe.Writer, Array.Empty<byte>(), Serialize, null, null);

        Assert.Equal(GrpcFrames.Frame("a"u8).Concat(GrpcFrames.Frame(Payload)).Concat(GrpcFrames.Frame([])), await ReadWrittenAsync(pipe));
    }

    public static TheoryData<string> SerializerKinds => ["direct", "buffered", "array", "compressed"];

    [Theory]
    [MemberData(nameof(SerializerKinds))]
    public async Task Write_OverSendLimit_ResourceExhaustedAndWritesNothing(string kind)
    {
        var pipe = new Pipe();
        var writer = new MessageWriter(maxMessageSize: 100);
        var random = new byte[1000];
        Random.Shared.NextBytes(random);
        Action<byte[], SerializationContext> serializer = kind switch
        {
            "buffered" => static (payload, context) =>
            {
                context.GetBufferWriter().Write(payload);
                context.Complete();
            },
            "array" => static (payload, context) => context.Complete(payload),
            _ => Serialize,
        };

        var ex = Assert.Throws<RpcException>(() => writer.Write(pipe.Writer, random, serializer, kind == "compressed" ? new GzipCompressionProvider() : null, null));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Empty(await ReadWrittenAsync(pipe));
    }

    [Fact]
    public async Task Write_CompressedUnderLimitThoughRawIsOver_Sends()
    {
        var pipe = new Pipe();

        new MessageWriter(maxMessageSize: 500).Write(pipe.Writer, new byte[10_000], Serialize, new GzipCompressionProvider(), null);

        var (compressed, payload) = Assert.Single(await GrpcFrames.ReadAllAsync(PipeReader.Create(new ReadOnlySequence<byte>(await ReadWrittenAsync(pipe))), CancellationToken.None).WithTimeout());
        Assert.True(compressed);
        Assert.Equal(10_000, GrpcFrames.Gunzip(payload).Length);
    }

    private static void Serialize(byte[] payload, SerializationContext context)
    {
        context.SetPayloadLength(payload.Length);
        context.GetBufferWriter().Write(payload);
        context.Complete();
    }

    private static async Task<byte[]> ReadWrittenAsync(Pipe pipe)
    {
        await pipe.Writer.CompleteAsync();
        var result = await pipe.Reader.ReadAsync().WithTimeout();
        var bytes = result.Buffer.ToArray();
        pipe.Reader.AdvanceTo(result.Buffer.End);
        return bytes;
    }
}
