using Grpc.Core;

namespace SentinelSync.Rpc.Tests.Infrastructure;

/// <summary>Methods of every kind whose messages are raw bytes, so a test controls the wire exactly.</summary>
internal static class RawMethods
{
    public const string ServiceName = "test.Raw";

    public static readonly Marshaller<byte[]> Bytes = Marshallers.Create(static (byte[] b) => b, static b => b);

    public static readonly Method<byte[], byte[]> Unary = new(MethodType.Unary, ServiceName, "Unary", Bytes, Bytes);

    public static readonly Method<byte[], byte[]> ServerStreaming = new(MethodType.ServerStreaming, ServiceName, "ServerStreaming", Bytes, Bytes);

    public static readonly Method<byte[], byte[]> ClientStreaming = new(MethodType.ClientStreaming, ServiceName, "ClientStreaming", Bytes, Bytes);

    public static readonly Method<byte[], byte[]> Duplex = new(MethodType.DuplexStreaming, ServiceName, "Duplex", Bytes, Bytes);
}
