using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using Grpc.Core;
using Grpc.Core.Internal;
using Grpc.Net.Compression;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Internal;

public class MessageReaderTests
{
    private static readonly Func<DeserializationContext, string> Utf8 = context => Encoding.UTF8.GetString(context.PayloadAsReadOnlySequence());

    [Fact]
    public async Task ReadAsync_MessageArrivingOneByteAtATime_ReadsItWhole()
    {
        var pipe = new Pipe();
        var frame = GrpcFrames.Frame(Encoding.UTF8.GetBytes("split across many segments"));
        var writer = Task.Run(async () =>
        {
            foreach (var b in frame)
            {
                await pipe.Writer.WriteAsync(new[] { b });
                await Task.Yield();
            }

            await pipe.Writer.CompleteAsync();
        });

        var (read, message) = await ReadAsync(pipe.Reader);
        await writer.WithTimeout();

        Assert.True(read);
        Assert.Equal("split across many segments", message);
        Assert.False((await ReadAsync(pipe.Reader)).Read);
    }

    [Fact]
    public async Task ReadAsync_MessageInManySegmentsOfOneSequence_ReadsItWhole()
    {
        var frame = GrpcFrames.Frame(Encoding.UTF8.GetBytes("0123456789abcdef"));
        var reader = PipeReader.Create(Segmented(frame, segmentSize: 3));

        var (read, message) = await ReadAsync(reader);

        Assert.True(read);
        Assert.Equal("0123456789abcdef", message);
    }

    [Fact]
    public async Task ReadAsync_SeveralMessagesInOneSegment_ReadsEachThenEnds()
    {
        var bytes = GrpcFrames.Frame("one"u8).Concat(GrpcFrames.Frame([])).Concat(GrpcFrames.Frame("three"u8)).ToArray();
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(bytes));

        Assert.Equal((true, "one"), await ReadAsync(reader));
        Assert.Equal((true, string.Empty), await ReadAsync(reader));
        Assert.Equal((true, "three"), await ReadAsync(reader));
        Assert.Equal((false, null), await ReadAsync(reader));
    }

    [Fact]
    public async Task ReadAsync_DeclaredLengthOverLimit_ResourceExhaustedBeforePayloadArrives()
    {
        // Only the prefix is ever written and the pipe stays open: the reader must refuse on the prefix alone.
        var pipe = new Pipe();
        await pipe.Writer.WriteAsync(new byte[] { 0, 0x00, 0x10, 0x00, 0x00 });
        var deserialized = false;

        var ex = await Assert.ThrowsAsync<RpcException>(() => MessageReader.ReadAsync(
            pipe.Reader,
            _ => deserialized = true,
            new SequenceDeserializationContext(),
            maxMessageSize: 1024,
            decompressor: null,
            CancellationToken.None).WithTimeout());

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
        Assert.Contains("1048576", ex.Status.Detail, StringComparison.Ordinal);
        Assert.False(deserialized);
    }

    [Fact]
    public async Task ReadAsync_CompressedFlagWithoutEncoding_Internal()
    {
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(GrpcFrames.Frame(GrpcFrames.Gzip("x"u8), compressedFlag: true)));

        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(reader));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_CompressedWithGzip_Decompresses()
    {
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(GrpcFrames.Frame(GrpcFrames.Gzip("compressed payload"u8), compressedFlag: true)));

        var (read, message) = await ReadAsync(reader, decompressor: new GzipCompressionProvider());

        Assert.True(read);
        Assert.Equal("compressed payload", message);
    }

    [Fact]
    public async Task ReadAsync_DecompressedOverLimit_ResourceExhausted()
    {
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(GrpcFrames.Frame(GrpcFrames.Gzip(new byte[10_000]), compressedFlag: true)));

        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(reader, maxMessageSize: 1000, decompressor: new GzipCompressionProvider()));

        Assert.Equal(StatusCode.ResourceExhausted, ex.StatusCode);
    }

    [Theory]
    [InlineData(3)]
    [InlineData(5)]
    [InlineData(9)]
    public async Task ReadAsync_StreamEndsInsideMessage_Internal(int bytesBeforeEnd)
    {
        var frame = GrpcFrames.Frame("0123456789"u8);
        var reader = PipeReader.Create(new ReadOnlySequence<byte>(frame.AsMemory(0, bytesBeforeEnd)));

        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(reader));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    [Fact]
    public async Task ReadAsync_InvalidCompressedFlag_Internal()
    {
        var frame = GrpcFrames.Frame("x"u8);
        frame[0] = 2;

        var ex = await Assert.ThrowsAsync<RpcException>(() => ReadAsync(PipeReader.Create(new ReadOnlySequence<byte>(frame))));

        Assert.Equal(StatusCode.Internal, ex.StatusCode);
    }

    private static Task<(bool Read, string? Message)> ReadAsync(PipeReader reader, int? maxMessageSize = null, ICompressionProvider? decompressor = null) =>
        MessageReader.ReadAsync(reader, Utf8, new SequenceDeserializationContext(), maxMessageSize, decompressor, CancellationToken.None).WithTimeout();

    private static ReadOnlySequence<byte> Segmented(byte[] bytes, int segmentSize)
    {
        Segment? first = null;
        Segment? last = null;
        for (var offset = 0; offset < bytes.Length; offset += segmentSize)
        {
            var memory = bytes.AsMemory(offset, Math.Min(segmentSize, bytes.Length - offset));
            last = last is null ? first = new Segment(memory, 0) : last.Append(memory);
        }

        return new ReadOnlySequence<byte>(first!, 0, last!, last!.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
