namespace SentinelSync.Rpc.Server.Tests;

/// <summary>The HTTP/2 paths of grpc.testing.TestService's methods.</summary>
public static class TestPaths
{
    public const string Empty = "/grpc.testing.TestService/EmptyCall";
    public const string Unary = "/grpc.testing.TestService/UnaryCall";
    public const string ClientStreaming = "/grpc.testing.TestService/StreamingInputCall";
    public const string ServerStreaming = "/grpc.testing.TestService/StreamingOutputCall";
    public const string Duplex = "/grpc.testing.TestService/FullDuplexCall";
    public const string Unimplemented = "/grpc.testing.TestService/UnimplementedCall";
}
