namespace Grpc.AspNetCore.Server.Internal;

/// <summary>Registered by <c>AddGrpc</c>, so that mapping a service can tell whether it was called.</summary>
internal sealed class GrpcMarkerService
{
}
