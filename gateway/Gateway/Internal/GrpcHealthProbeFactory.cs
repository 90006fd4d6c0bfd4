using System.Net;
using System.Net.Http.Headers;
using Yarp.ReverseProxy.Health;
using Yarp.ReverseProxy.Model;

namespace SentinelSync.Gateway.Internal;

/// <summary>
/// Makes YARP's active health probe a real gRPC call, <c>grpc.health.v1.Health/Check</c> for the whole server
/// (an empty request), instead of an HTTP GET that a gRPC endpoint cannot answer.
/// </summary>
internal sealed class GrpcHealthProbeFactory : IProbingRequestFactory
{
    // One length-prefixed message: not compressed, zero bytes long (HealthCheckRequest { service = "" }).
    private static readonly byte[] EmptyHealthCheckRequest = [0, 0, 0, 0, 0];

    public HttpRequestMessage CreateRequest(ClusterModel cluster, DestinationModel destination)
    {
        var address = (string.IsNullOrEmpty(destination.Config.Health) ? destination.Config.Address : destination.Config.Health).TrimEnd('/');
        var content = new ByteArrayContent(EmptyHealthCheckRequest);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        var request = new HttpRequestMessage(HttpMethod.Post, address + "/grpc.health.v1.Health/Check")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = content,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        return request;
    }
}
