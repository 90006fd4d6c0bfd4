using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Grpc.Net.Client;
using SentinelSync.Server.Tests;
using SentinelSync.Testing;

namespace SentinelSync.Gateway.Tests;

/// <summary>
/// A server-streaming method over REST through a running edge: <c>GET /v1/agents:watch</c> (AssetService.WatchAgents)
/// delivers the current state and then live changes, as newline-delimited JSON and as server-sent events.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class RestStreamingTests
{
    private readonly PostgresFixture _postgres;

    public RestStreamingTests(PostgresFixture postgres) => _postgres = postgres;

    [Theory]
    [InlineData("application/x-ndjson")]
    [InlineData("text/event-stream")]
    public async Task WatchAgents_RestThroughGateway_StreamsCurrentStateThenLiveChanges(string accept)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        await using var server = await SentinelProcess.StartAsync([
            "--Database:ConnectionString", await _postgres.CreateDatabaseAsync(cts.Token),
            "--Security:InitialAdminPassword", EdgeCalls.AdminPassword,
        ]);
        using var channel = GrpcChannel.ForAddress(server.OperatorAddress);
        using var http = EdgeCalls.H2cClient(server.OperatorAddress);
        var admin = await EdgeCalls.LoginAsync(channel, "admin", EdgeCalls.AdminPassword);
        var agentId = await EdgeCalls.EnrollAgentAsync(channel, admin, "stream-host");

        // 1. The watch opens with the agent as it is now.
        using var request = EdgeCalls.Request(HttpMethod.Get, "/v1/agents:watch", admin);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cts.Token);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(accept, response.Content.Headers.ContentType?.MediaType);
        using var events = new StreamReader(await response.Content.ReadAsStreamAsync(cts.Token));
        var first = await NextEventAsync(events, accept, cts.Token);
        Assert.Equal(agentId, first.GetProperty("agent").GetProperty("agentId").GetString());
        Assert.Equal("stream-host", first.GetProperty("agent").GetProperty("hostname").GetString());

        // 2. A change made over REST while the stream is open arrives on it.
        using (var update = await EdgeCalls.SendAsync(http, HttpMethod.Put, $"/v1/agents/{agentId}/labels", admin, "{\"labels\":{\"env\":\"prod\"}}"))
        {
            Assert.True(update.StatusCode == HttpStatusCode.OK, await update.Content.ReadAsStringAsync(cts.Token));
        }

        while (true)
        {
            var next = await NextEventAsync(events, accept, cts.Token);
            Assert.Equal(agentId, next.GetProperty("agent").GetProperty("agentId").GetString());
            if (next.GetProperty("agent").TryGetProperty("labels", out var labels) && labels.TryGetProperty("env", out var env))
            {
                Assert.Equal("prod", env.GetString());
                break;
            }
        }
    }

    /// <summary>The next message: one NDJSON line, or the <c>data:</c> of one server-sent event.</summary>
    private static async Task<JsonElement> NextEventAsync(StreamReader events, string accept, CancellationToken cancellationToken)
    {
        while (true)
        {
            var line = await events.ReadLineAsync(cancellationToken).AsTask().WaitAsync(EdgeCalls.Timeout, cancellationToken)
                ?? throw new InvalidOperationException("The stream ended before the expected event.");
            var json = accept == "text/event-stream"
                ? line.StartsWith("data: ", StringComparison.Ordinal) ? line["data: ".Length..] : null
                : line.Length > 0 ? line : null;
            if (json is not null)
            {
                using var document = JsonDocument.Parse(json);
                Assert.False(document.RootElement.TryGetProperty("error", out _), json);
                return document.RootElement.Clone();
            }

            Assert.False(line.StartsWith("event: error", StringComparison.Ordinal), line);
        }
    }
}
