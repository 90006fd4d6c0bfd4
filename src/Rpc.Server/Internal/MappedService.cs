using Google.Protobuf.Reflection;

namespace Grpc.AspNetCore.Server.Internal;

/// <summary>A service mapped to endpoints: its full name and, for generated services, its descriptor.</summary>
internal sealed record MappedService(string Name, Type ServiceType, ServiceDescriptor? Descriptor);
