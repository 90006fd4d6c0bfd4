using Google.Protobuf.Reflection;

namespace SentinelSync.Gateway.Transcoding;

/// <summary>
/// Endpoint metadata of a transcoded REST route: which gRPC method it calls. Authorization and rate limiting
/// read it to apply the method's rules (e.g. its <c>(sentinel.auth.v1.access)</c> option).
/// </summary>
/// <param name="Method">The gRPC method the route calls.</param>
/// <param name="HttpMethod">The HTTP method, upper case.</param>
/// <param name="PathTemplate">The path template as written in the proto.</param>
public sealed record TranscodingEndpointMetadata(MethodDescriptor Method, string HttpMethod, string PathTemplate);
