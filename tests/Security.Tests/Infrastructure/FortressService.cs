using Grpc.Core;
using SentinelSync.Security.Tests.Fortress;

namespace SentinelSync.Security.Tests;

/// <summary>Answers every call with the name of the caller the interceptor established.</summary>
public sealed class FortressService : Fortress.FortressService.FortressServiceBase
{
    public override Task<ThingResponse> ReadThing(ThingRequest request, ServerCallContext context) => Answer(context);

    public override Task<ThingResponse> WriteThing(ThingRequest request, ServerCallContext context) => Answer(context);

    public override Task<ThingResponse> OpenThing(ThingRequest request, ServerCallContext context) => Answer(context);

    public override Task<ThingResponse> InternalThing(ThingRequest request, ServerCallContext context) => Answer(context);

    public override Task<ThingResponse> AgentThing(ThingRequest request, ServerCallContext context) => Answer(context);

    public override Task<ThingResponse> UndeclaredThing(ThingRequest request, ServerCallContext context) => Answer(context);

    public override async Task WatchThings(ThingRequest request, IServerStreamWriter<ThingResponse> responseStream, ServerCallContext context) =>
        await responseStream.WriteAsync(await Answer(context));

    private static Task<ThingResponse> Answer(ServerCallContext context) =>
        Task.FromResult(new ThingResponse { Caller = context.GetSentinelPrincipal()?.Name ?? string.Empty });
}
