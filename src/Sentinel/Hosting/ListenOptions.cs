using SentinelSync.InProcess;

namespace SentinelSync.Server.Hosting;

/// <summary>The server's endpoints, as absolute URLs such as <c>http://127.0.0.1:7400</c>.</summary>
internal sealed class ListenOptions
{
    /// <summary>
    /// The operators' edge, served when the gateway role runs: gRPC (proxied to the roles), REST/JSON and the OpenAPI
    /// document. <c>https://</c> serves HTTP/1.1 and HTTP/2 over TLS (ALPN); <c>http://</c> or <c>Tls:Mode=Off</c>
    /// serves HTTP/2 without TLS (h2c), for tests and benchmarks.
    /// </summary>
    public string Operator { get; set; } = "https://127.0.0.1:7400";

    /// <summary>
    /// Every role's gRPC services, reflection and health (HTTP/2, h2c unless https://): what the gateway and the other
    /// roles call; on Kubernetes, each role's Service port. Keep it off public networks.
    /// </summary>
    public string Internal { get; set; } = InternalEndpoint.DefaultListen;

    /// <summary>The agents' streams (HTTP/2); used when the agent-gateway role runs.</summary>
    public string Agent { get; set; } = "http://127.0.0.1:7401";

    /// <summary>Probes and metrics (<c>/healthz</c>, <c>/readyz</c>) over HTTP/1.1 and HTTP/2.</summary>
    public string Management { get; set; } = "http://127.0.0.1:7402";
}
