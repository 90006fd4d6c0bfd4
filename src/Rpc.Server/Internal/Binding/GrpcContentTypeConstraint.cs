using Grpc.Core.Internal;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Lets the UNIMPLEMENTED catch-all routes match gRPC requests only, so other routes keep their URLs.</summary>
internal sealed class GrpcContentTypeConstraint : IRouteConstraint
{
    public bool Match(HttpContext? httpContext, IRouter? route, string routeKey, RouteValueDictionary values, RouteDirection routeDirection) =>
        httpContext is null || GrpcProtocol.IsGrpcContentType(httpContext.Request.ContentType);
}
