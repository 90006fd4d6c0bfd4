using SentinelSync.Rpc.Server.Tests.Protos;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>sentinel.testing.v1.Guarded, mapped so that reflection describes a file with extensions and nested types.</summary>
public sealed class GuardedService : Guarded.GuardedBase
{
}
