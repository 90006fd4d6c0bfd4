using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using Grpc.Core;
using Grpc.Net.Client;
using SentinelSync.Contracts.Agent.V1;
using SentinelSync.Contracts.Asset.V1;

namespace SentinelSync.AgentGateway.Tests;

/// <summary>An agent at the wire: enrolls through the agent endpoint and holds a Connect stream with its client certificate.</summary>
internal sealed class TestAgent : IAsyncDisposable
{
    private readonly GrpcChannel _channel;
    private readonly AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> _call;
    private readonly CancellationTokenSource _cancel = new();

    private TestAgent(GrpcChannel channel, AsyncDuplexStreamingCall<ConnectRequest, ConnectResponse> call)
    {
        _channel = channel;
        _call = call;
    }

    /// <summary>Whether Pings are answered while reading (a live agent); false plays a dead one.</summary>
    public bool AnswerPings { get; set; } = true;

    public static GrpcChannel CreateChannel(Uri agentAddress, X509Certificate2 trustedCa, X509Certificate2? clientCertificate)
    {
        var handler = new SocketsHttpHandler
        {
            SslOptions = new SslClientAuthenticationOptions
            {
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                {
                    if (certificate is null || (errors & ~SslPolicyErrors.RemoteCertificateChainErrors) != SslPolicyErrors.None)
                    {
                        return false;
                    }

                    using var chain = new X509Chain();
                    chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                    chain.ChainPolicy.CustomTrustStore.Add(trustedCa);
                    chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                    return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
                },
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
                LocalCertificateSelectionCallback = clientCertificate is null ? null : (_, _, _, _, _) => clientCertificate,
            },
        };
        return GrpcChannel.ForAddress(agentAddress, new GrpcChannelOptions { HttpHandler = handler });
    }

    /// <summary>Enrolls through the agent endpoint (no client certificate), as `sentinel-agent enroll` does.</summary>
    public static async Task<AgentIdentity> EnrollAsync(GatewayHost host, string token = FakeAsset.EnrollmentSecret)
    {
        var (key, csr) = AgentIdentity.CreateCsr("host-under-test");
        using var channel = CreateChannel(host.AgentAddress, host.Asset.Ca.Certificate, clientCertificate: null);
        var client = new AssetService.AssetServiceClient(channel);
        var response = await client.EnrollAsync(new EnrollRequest { Token = token, CsrPem = csr, Hostname = "host-under-test" }, deadline: DateTime.UtcNow + GatewayHost.Timeout);
        return new AgentIdentity(response.AgentId, AgentIdentity.Combine(response.CertificatePem, key));
    }

    /// <summary>Opens a stream with the given certificate (or none).</summary>
    public static TestAgent Open(GatewayHost host, X509Certificate2? certificate)
    {
        var channel = CreateChannel(host.AgentAddress, host.Asset.Ca.Certificate, certificate);
        var call = new AgentGatewayService.AgentGatewayServiceClient(channel).Connect();
        return new TestAgent(channel, call);
    }

    /// <summary>Opens a stream, says Hello and reads the Welcome.</summary>
    public static async Task<(TestAgent Agent, Welcome Welcome)> ConnectAsync(GatewayHost host, AgentIdentity identity, long appliedConfigVersion = 0)
    {
        var agent = Open(host, identity.Certificate);
        await agent.SendAsync(new ConnectRequest { Hello = new Hello { AgentVersion = "1.0.0", Hostname = "host-under-test", AppliedConfigVersion = appliedConfigVersion } });
        var welcome = await agent.ReadAsync(ConnectResponse.BodyOneofCase.Welcome);
        return (agent, welcome.Welcome);
    }

    /// <summary>One agent connection's life, for tests that observe it: enrolls, connects, sends a heartbeat and leaves.</summary>
    public static async Task ConnectOnceAsync(GatewayHost host)
    {
        var identity = await EnrollAsync(host);
        var (agent, _) = await ConnectAsync(host, identity);
        await using (agent)
        {
            await agent.SendAsync(new ConnectRequest { Heartbeat = new Heartbeat() });
        }
    }

    public async Task SendAsync(ConnectRequest request) =>
        await _call.RequestStream.WriteAsync(request).WaitAsync(GatewayHost.Timeout);

    public Task SendReportAsync(ulong sequence) =>
        SendAsync(new ConnectRequest { Sequence = sequence, Heartbeat = new Heartbeat { SentAt = Google.Protobuf.WellKnownTypes.Timestamp.FromDateTime(DateTime.UtcNow) } });

    public async Task CompleteAsync() => await _call.RequestStream.CompleteAsync().WaitAsync(GatewayHost.Timeout);

    /// <summary>Reads until a message of <paramref name="kind"/> arrives (answering Pings if asked); fails on timeout or the stream's end.</summary>
    public async Task<ConnectResponse> ReadAsync(ConnectResponse.BodyOneofCase kind)
    {
        using var timeout = new CancellationTokenSource(GatewayHost.Timeout);
        while (await _call.ResponseStream.MoveNext(timeout.Token))
        {
            var message = _call.ResponseStream.Current;
            if (message.BodyCase == ConnectResponse.BodyOneofCase.Ping && AnswerPings && kind != ConnectResponse.BodyOneofCase.Ping)
            {
                await SendAsync(new ConnectRequest { Pong = new Pong { Nonce = message.Ping.Nonce } });
                continue;
            }

            if (message.BodyCase == kind)
            {
                return message;
            }
        }

        throw new InvalidOperationException($"The stream ended before a {kind} arrived.");
    }

    /// <summary>
    /// Reads until the stream fails, always with a read pending as a live agent's reader is (a response that ends
    /// while no read is pending may surface as the client's own cancellation); returns what arrived and the status.
    /// </summary>
    public async Task<(List<ConnectResponse> Messages, RpcException End)> ReadAllUntilErrorAsync()
    {
        var messages = new List<ConnectResponse>();
        using var timeout = new CancellationTokenSource(GatewayHost.Timeout);
        try
        {
            while (await _call.ResponseStream.MoveNext(timeout.Token))
            {
                messages.Add(_call.ResponseStream.Current);
            }
        }
        catch (RpcException ex) when (!timeout.IsCancellationRequested)
        {
            return (messages, ex);
        }

        throw new InvalidOperationException(timeout.IsCancellationRequested ? "The stream did not fail in time." : "The stream ended with OK.");
    }

    /// <summary>Reads until the stream fails; returns the status it ended with.</summary>
    public async Task<RpcException> ReadUntilErrorAsync(TimeSpan? within = null)
    {
        using var timeout = new CancellationTokenSource(within ?? GatewayHost.Timeout);
        try
        {
            while (await _call.ResponseStream.MoveNext(timeout.Token))
            {
                var message = _call.ResponseStream.Current;
                if (message.BodyCase == ConnectResponse.BodyOneofCase.Ping && AnswerPings)
                {
                    await SendAsync(new ConnectRequest { Pong = new Pong { Nonce = message.Ping.Nonce } });
                }
            }
        }
        catch (RpcException ex) when (!timeout.IsCancellationRequested)
        {
            return ex;
        }

        throw new InvalidOperationException(timeout.IsCancellationRequested ? "The stream did not fail in time." : "The stream ended with OK.");
    }

    public async ValueTask DisposeAsync()
    {
        _cancel.Cancel();
        _call.Dispose();
        _channel.Dispose();
        _cancel.Dispose();
        await Task.CompletedTask;
    }
}
