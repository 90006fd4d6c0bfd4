namespace SentinelSync.Server.Hosting;

/// <summary>The listeners' ports, for <see cref="EndpointPortPolicy"/>; -1 for a listener that is not served.</summary>
internal sealed record ServerPorts(int Operator, int Internal, int Agent, int Management);
