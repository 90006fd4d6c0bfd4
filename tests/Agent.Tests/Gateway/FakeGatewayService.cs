using Grpc.Core;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Gateway;

/// <summary>The platform's end of Connect, driven by the test through <see cref="FakeGateway.Streams"/>.</summary>
internal sealed class FakeGatewayService(FakeGateway gateway) : AgentGatewayService.AgentGatewayServiceBase
{
    public override Task<GetTrustBundleResponse> GetTrustBundle(GetTrustBundleRequest request, ServerCallContext context)
    {
        Interlocked.Increment(ref gateway.TrustBundleRequests);
        return Task.FromResult(new GetTrustBundleResponse { CaCertificatePem = gateway.TrustBundlePem ?? string.Empty });
    }

    public override async Task Connect(IAsyncStreamReader<ConnectRequest> requestStream, IServerStreamWriter<ConnectResponse> responseStream, ServerCallContext context)
    {
        var http = context.GetHttpContext();
        var stream = new FakeStream(responseStream, http.Abort, http.Connection.ClientCertificate?.Subject);
        gateway.Streams.Writer.TryWrite(stream);
        using var ending = CancellationTokenSource.CreateLinkedTokenSource(stream.Ending, context.CancellationToken);
        try
        {
            while (await requestStream.MoveNext(ending.Token))
            {
                stream.Received.Writer.TryWrite(requestStream.Current);
            }
        }
        catch (OperationCanceledException) when (stream.Ending.IsCancellationRequested)
        {
        }
        catch (Exception) when (context.CancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            stream.Received.Writer.TryComplete();
        }
    }
}
