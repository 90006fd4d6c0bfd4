namespace SentinelSync.Bench.Rpc;

/// <summary>What <c>stream-client</c> prints as its last line: one measured server-streaming call.</summary>
internal sealed record StreamResult(
    string Client,
    long Messages,
    double Seconds,
    double MessagesPerSecond,
    long ClientAllocatedBytes,
    double ClientCpuMilliseconds);
