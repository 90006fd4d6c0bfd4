using Microsoft.AspNetCore.Http;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>The endpoint of one method: checks the request is a gRPC call, then runs the call.</summary>
internal abstract class ServerCallHandler
{
    protected ServerCallHandler(MethodContext method) => Method = method;

    public MethodContext Method { get; }

    /// <summary>The endpoint's request delegate.</summary>
    public Task HandleCallAsync(HttpContext httpContext)
    {
        if (!GrpcRequestChecks.TryAccept(httpContext, Method.Logger))
        {
            return Task.CompletedTask;
        }

        return HandleCallCoreAsync(new ServerCall(httpContext, Method));
    }

    /// <summary>Runs the call; never throws: every failure becomes the call's status.</summary>
    protected abstract Task HandleCallCoreAsync(ServerCall call);
}
