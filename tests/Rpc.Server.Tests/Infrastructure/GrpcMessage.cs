namespace SentinelSync.Rpc.Server.Tests;

/// <summary>One received length-prefixed message.</summary>
public sealed record GrpcMessage(bool CompressedFlag, byte[] Payload);
