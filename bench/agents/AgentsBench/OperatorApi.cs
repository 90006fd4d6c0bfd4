using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Contracts.Auth.V1;

namespace SentinelSync.Bench.Agents;

/// <summary>What an operator does for the benchmark, on the operator edge (h2c) as the admin.</summary>
internal static class OperatorApi
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    /// <summary><c>token --operator URL --password P --uses N</c>: prints <c>TOKEN=secret</c> and <c>FINGERPRINT=hex</c>.</summary>
    public static async Task<int> CreateTokenAsync(BenchArguments args)
    {
        using var channel = GrpcChannel.ForAddress(args.Url("operator"));
        var admin = await LoginAsync(channel, args.Text("password"));
        var created = await new AssetService.AssetServiceClient(channel).CreateEnrollmentTokenAsync(
            new CreateEnrollmentTokenRequest { Description = "bench/agents", Ttl = Duration.FromTimeSpan(TimeSpan.FromDays(30)), MaxUses = args.Number("uses") },
            admin,
            DateTime.UtcNow + CallTimeout);
        Console.WriteLine($"TOKEN={created.Secret}");
        Console.WriteLine($"FINGERPRINT={created.CaFingerprint}");
        return 0;
    }

    /// <summary><c>online --operator URL --password P</c>: prints how many agents Asset calls online.</summary>
    public static async Task<int> CountOnlineAsync(BenchArguments args)
    {
        using var channel = GrpcChannel.ForAddress(args.Url("operator"));
        var admin = await LoginAsync(channel, args.Text("password"));
        var client = new AssetService.AssetServiceClient(channel);
        var online = 0;
        var request = new ListAgentsRequest { State = AgentState.Online, PageSize = 1000 };
        do
        {
            var page = await client.ListAgentsAsync(request, admin, DateTime.UtcNow + CallTimeout);
            online += page.Agents.Count;
            request.PageToken = page.NextPageToken;
        }
        while (request.PageToken.Length > 0);

        Console.WriteLine(online);
        return 0;
    }

    private static async Task<Metadata> LoginAsync(GrpcChannel channel, string password)
    {
        var login = await new AuthService.AuthServiceClient(channel).LoginAsync(
            new LoginRequest { Username = "admin", Password = password }, deadline: DateTime.UtcNow + CallTimeout);
        return new Metadata { { "authorization", $"Bearer {login.Tokens.AccessToken}" } };
    }
}
