namespace SentinelSync.Server.Hosting;

/// <summary>The server's endpoints, as absolute URLs such as <c>http://127.0.0.1:7400</c>.</summary>
internal sealed class ListenOptions
{
    /// <summary>gRPC for operators, the CLI and the other roles (HTTP/2).</summary>
    public string Operator { get; set; } = "http://127.0.0.1:7400";

    /// <summary>The agents' streams (HTTP/2); used when the agent-gateway role runs.</summary>
    public string Agent { get; set; } = "http://127.0.0.1:7401";

    /// <summary>Probes and metrics (<c>/healthz</c>, <c>/readyz</c>) over HTTP/1.1 and HTTP/2.</summary>
    public string Management { get; set; } = "http://127.0.0.1:7402";
}
