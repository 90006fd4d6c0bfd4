using Grpc.AspNetCore.Server.Internal;
using Microsoft.AspNetCore.Http;

namespace Grpc.Core;

/// <summary>ASP.NET Core extensions of <see cref="ServerCallContext"/>.</summary>
public static class ServerCallContextExtensions
{
    /// <summary>The <see cref="HttpContext"/> of the call.</summary>
    /// <param name="serverCallContext">The call's context, as given to the handler.</param>
    /// <exception cref="InvalidOperationException">The context does not come from the ASP.NET Core gRPC server (for example a test double).</exception>
    public static HttpContext GetHttpContext(this ServerCallContext serverCallContext)
    {
        ArgumentNullException.ThrowIfNull(serverCallContext);
        if (serverCallContext is ServerCall call)
        {
            return call.HttpContext;
        }

        throw new InvalidOperationException("Could not get HttpContext from ServerCallContext: HttpContext can only be accessed when gRPC services are hosted by ASP.NET Core.");
    }
}
