using Google.Protobuf.Reflection;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace SentinelSync.Gateway.Transcoding;

/// <summary>
/// Where transcoded calls go, and what they carry besides the request.
/// </summary>
/// <remarks>Both callbacks run once per request, on the request's thread, and must be thread-safe.</remarks>
public sealed class TranscodingBackend
{
    /// <summary>Creates a backend from a function that picks the call invoker of a method per request.</summary>
    public TranscodingBackend(Func<HttpContext, MethodDescriptor, CallInvoker> callInvoker)
    {
        ArgumentNullException.ThrowIfNull(callInvoker);
        CallInvoker = callInvoker;
    }

    /// <summary>
    /// Picks the call invoker (the backend) for a request to a method. Throwing <see cref="RpcException"/> answers
    /// the request with that status (e.g. UNAVAILABLE when no backend serves the method).
    /// </summary>
    public Func<HttpContext, MethodDescriptor, CallInvoker> CallInvoker { get; }

    /// <summary>
    /// Adjusts the call options of a request before the call starts: add authentication metadata to
    /// <see cref="CallOptions.Headers"/> (never null here), set a deadline. The options it receives carry
    /// the forwarded headers and the request's abort token; keep that token. Throwing
    /// <see cref="RpcException"/> refuses the call with that status (e.g. UNAUTHENTICATED → 401).
    /// </summary>
    public Func<HttpContext, MethodDescriptor, CallOptions, CallOptions>? ConfigureCall { get; init; }
}
