using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Grpc.Net.Client;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Contracts.Auth.V1;
using SentinelSync.Server.Tests;
using SentinelSync.Testing;
// Not `Agent`: inside this namespace that name is the SentinelSync.Agent namespace of the linked agent helpers.
using AgentRecord = SentinelSync.Contracts.Asset.V1.Agent;

namespace SentinelSync.EndToEnd.Tests;

/// <summary>
/// One single-node platform for one test: a real <c>sentinel</c> (all roles) on a fresh database, reached through
/// its operator edge as the admin, with short heartbeat settings so that state changes show within seconds.
/// </summary>
internal sealed class Platform : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(90);

    /// <summary>Agents heartbeat this often; the platform calls an agent offline after three missed beats.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(1);

    private const string AdminPassword = "end-to-end-admin-password";

    private readonly string[] _arguments;
    private GrpcChannel _channel;

    private Platform(string[] arguments, SentinelProcess server, GrpcChannel channel, Metadata admin, string database)
    {
        _arguments = arguments;
        Server = server;
        _channel = channel;
        Admin = admin;
        Database = database;
    }

    public SentinelProcess Server { get; private set; }

    /// <summary>The admin's bearer credential, for the operator API.</summary>
    public Metadata Admin { get; private set; }

    /// <summary>The platform's database (superuser), to check what was stored.</summary>
    public string Database { get; }

    public AssetService.AssetServiceClient Assets => new(_channel);

    /// <param name="postgres">Where its database is made.</param>
    /// <param name="roles">The roles of the main process; <c>all</c>, or e.g. <c>gateway,asset</c> with agent gateways started apart.</param>
    public static async Task<Platform> StartAsync(PostgresFixture postgres, string roles = "all")
    {
        using var cts = new CancellationTokenSource(Timeout);
        var database = await postgres.CreateDatabaseAsync(cts.Token);
        var heartbeat = HeartbeatInterval.ToString("c", System.Globalization.CultureInfo.InvariantCulture);
        string[] arguments =
        [
            "--roles", roles,
            "--Database:ConnectionString", database,
            // Fixed across restarts: the CA key and the principal signing key belong to the installation.
            "--Security:InternalSigningKey", SentinelProcess.NewKey(),
            "--Asset:CaKeyEncryptionKey", SentinelProcess.NewKey(),
            "--Security:InitialAdminPassword", AdminPassword,
            "--Security:RateLimit:PermitsPerPrincipal", "100000",
            "--Agents:HeartbeatInterval", heartbeat,
            "--Asset:MissedHeartbeatsOffline", "3",
        ];
        var server = await StartServerAsync(arguments, ports: null);
        var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        var admin = await LoginAsync(channel);
        return new Platform(arguments, server, channel, admin, database);
    }

    /// <summary>Kills the server at once (SIGKILL, no drain), as a crashed host would lose it.</summary>
    public async Task KillAsync()
    {
        Server.Kill();
        await Server.WaitForExitAsync(Timeout);
    }

    /// <summary>Starts the server again on the same ports and database, and logs in again.</summary>
    public async Task RestartAsync()
    {
        var ports = Server.Ports;
        await Server.DisposeAsync();
        _channel.Dispose();
        Server = await StartServerAsync(_arguments, ports);
        _channel = GrpcChannel.ForAddress(Server.OperatorAddress);
        Admin = await LoginAsync(_channel);
    }

    /// <summary>
    /// Starts one more Agent Gateway replica (<c>--roles agent-gateway</c>) against this platform's Asset service,
    /// with the installation's signing key; the caller stops it.
    /// </summary>
    public async Task<SentinelProcess> StartAgentGatewayAsync()
    {
        string[] replica = [.. _arguments, "--roles", "agent-gateway", "--AgentGateway:AssetAddress", Server.InternalAddress.ToString()];
        return await StartServerAsync(replica, ports: null);
    }

    /// <summary>
    /// Enrolls a new agent installation with a fresh one-use token through <paramref name="agentEndpoint"/> (this
    /// platform's own by default) and starts <c>sentinel-agent run</c>; the caller disposes it.
    /// </summary>
    public async Task<HostAgent> StartAgentAsync(TimeSpan metricsInterval, Uri? agentEndpoint = null)
    {
        agentEndpoint ??= Server.AgentAddress;
        var agent = new HostAgent(agentEndpoint, metricsInterval);
        var token = await CreateTokenAsync();
        var (exitCode, _, stderr) = await agent.EnrollAsync(agentEndpoint, token.Secret, token.CaFingerprint);
        if (exitCode != 0)
        {
            await agent.DisposeAsync();
            throw new InvalidOperationException($"sentinel-agent enroll exited {exitCode}: {stderr}");
        }

        agent.Start();
        return agent;
    }

    /// <summary>A token for <paramref name="maxUses"/> enrollments, as an operator creates it.</summary>
    public async Task<CreateEnrollmentTokenResponse> CreateTokenAsync(int maxUses = 1, IDictionary<string, string>? labels = null)
    {
        var request = new CreateEnrollmentTokenRequest { Description = "end-to-end", Ttl = Duration.FromTimeSpan(TimeSpan.FromHours(1)), MaxUses = maxUses };
        request.Labels.Add(labels ?? new Dictionary<string, string>());
        return await Assets.CreateEnrollmentTokenAsync(request, Admin, Deadline);
    }

    public async Task<AgentRecord> GetAgentAsync(string agentId) =>
        (await Assets.GetAgentAsync(new GetAgentRequest { AgentId = agentId }, Admin, Deadline)).Agent;

    /// <summary>Polls <see cref="GetAgentAsync"/> until <paramref name="condition"/> holds; fails with the last state after <paramref name="within"/>.</summary>
    public async Task<AgentRecord> WaitForAgentAsync(string agentId, Func<AgentRecord, bool> condition, TimeSpan within, string what)
    {
        var until = DateTime.UtcNow + within;
        AgentRecord? last = null;
        while (DateTime.UtcNow < until)
        {
            try
            {
                last = await GetAgentAsync(agentId);
                if (condition(last))
                {
                    return last;
                }
            }
            catch (RpcException ex) when (ex.StatusCode is StatusCode.NotFound or StatusCode.Unavailable)
            {
                // Not registered yet, or the server is still coming up.
            }

            await Task.Delay(200);
        }

        throw new TimeoutException($"agent {agentId} did not become {what} within {within}; last seen as {last}\n--- server log ---\n{Server.StandardOutput}{Server.StandardError}");
    }

    public static DateTime Deadline => DateTime.UtcNow + Timeout;

    public async ValueTask DisposeAsync()
    {
        _channel.Dispose();
        await Server.DisposeAsync();
    }

    private static async Task<SentinelProcess> StartServerAsync(string[] arguments, SentinelPorts? ports)
    {
        var server = await SentinelProcess.StartAsync(arguments, ports: ports);
        await server.WaitUntilReadyAsync(Timeout);
        return server;
    }

    private static async Task<Metadata> LoginAsync(GrpcChannel channel)
    {
        var response = await new AuthService.AuthServiceClient(channel)
            .LoginAsync(new LoginRequest { Username = "admin", Password = AdminPassword }, deadline: Deadline);
        return new Metadata { { "authorization", "Bearer " + response.Tokens.AccessToken } };
    }
}
