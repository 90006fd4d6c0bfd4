namespace Grpc.AspNetCore.Server.Internal;

/// <summary>A service or interceptor instance for one call, and whether the call created it (and so disposes it).</summary>
internal readonly record struct ActivatedInstance<T>(T Instance, bool Created)
    where T : class;
