using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Google.Protobuf.WellKnownTypes;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Gateway.Transcoding.Tests.Library;

namespace SentinelSync.Gateway.Transcoding.Tests;

/// <summary>
/// REST clients against the transcoding endpoints on a real Kestrel server, in front of a real gRPC backend
/// reached over h2c with the project's GrpcChannel.
/// </summary>
public sealed class EndToEndTests : IAsyncLifetime
{
    private TranscodingTestHost _host = null!;

    public async Task InitializeAsync() => _host = await TranscodingTestHost.StartAsync(maxRequestBodySize: 16 * 1024);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private async Task<(HttpResponseMessage Response, JsonDocument Json)> SendAsync(HttpMethod method, string uri, string? json = null, Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(method, uri);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        configure?.Invoke(request);
        var response = await _host.Client.SendAsync(request).WaitAsync(TestTimeouts.Call);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Call);
        return (response, JsonDocument.Parse(body));
    }

    private static void AssertStatusBody(JsonDocument json, int code, string messagePart)
    {
        Assert.Equal(code, json.RootElement.GetProperty("code").GetInt32());
        Assert.Contains(messagePart, json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Array, json.RootElement.GetProperty("details").ValueKind);
    }

    [Fact]
    public async Task Get_PathVariable_JsonWithInt64AsStringEnumNameAndTimestamp()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents/agent%2F7", configure: r => r.Headers.Add("x-request-id", "req-1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var agent = json.RootElement.GetProperty("agent");
        Assert.Equal("agent/7", agent.GetProperty("agentId").GetString());
        Assert.Equal(JsonValueKind.String, agent.GetProperty("appliedConfigVersion").ValueKind);
        Assert.Equal("9007199254740993", agent.GetProperty("appliedConfigVersion").GetString());
        Assert.Equal("AGENT_STATE_ONLINE", agent.GetProperty("state").GetString());
        Assert.Equal("2026-01-02T03:04:05.123Z", agent.GetProperty("firstSeen").GetString());
        Assert.Equal("prod", agent.GetProperty("labels").GetProperty("env").GetString());
        Assert.False(agent.TryGetProperty("agentVersion", out _), "unpopulated fields are left out");

        // Backend response headers and trailers come back as Grpc-Metadata-* / Grpc-Trailer-*.
        Assert.Equal("asset", response.Headers.GetValues("Grpc-Metadata-x-backend").Single());
        Assert.Equal("test-asset", response.Headers.GetValues("Grpc-Trailer-x-served-by").Single());

        // Forwarded headers and the gateway's own metadata reached the backend.
        var headers = _host.Recorder.LastHeaders;
        Assert.Equal("req-1", headers.GetValue("x-request-id"));
        Assert.Equal("test-operator:GetAgent", headers.GetValue(TranscodingTestHost.GatewayHeader));
    }

    [Fact]
    public async Task Get_QueryParameters_BoundToRequestFields()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents?labelSelector=env%3Dprod&state=AGENT_STATE_OFFLINE&page_size=5&unknown=1", configure: r =>
        {
            r.Headers.Add("x-tenant", "t1");
            r.Headers.Add("Grpc-Metadata-x-custom", "c1");
            r.Headers.Add("Grpc-Metadata-authorization", "Bearer forged");
            r.Headers.Add("authorization", "Bearer client");
        });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, json.RootElement.GetProperty("agents").GetArrayLength());
        Assert.Equal("next", json.RootElement.GetProperty("nextPageToken").GetString());
        var request = _host.Recorder.Last<ListAgentsRequest>();
        Assert.Equal(new ListAgentsRequest { LabelSelector = "env=prod", State = AgentState.Offline, PageSize = 5 }, request);
        Assert.Equal("t1", _host.Recorder.LastHeaders.GetValue("x-tenant"));
        Assert.Equal("c1", _host.Recorder.LastHeaders.GetValue("x-custom"));
        Assert.Null(_host.Recorder.LastHeaders.GetValue("authorization"));
    }

    [Fact]
    public async Task Post_BodyStar_DurationInTimestampOut()
    {
        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/enrollment-tokens", """{"description":"rack 4","ttl":"3600.5s","maxUses":3,"labels":{"site":"ams"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = _host.Recorder.Last<CreateEnrollmentTokenRequest>();
        Assert.Equal(new Duration { Seconds = 3600, Nanos = 500_000_000 }, request.Ttl);
        Assert.Equal("ams", request.Labels["site"]);
        var token = json.RootElement.GetProperty("token");
        Assert.Equal("2026-03-01T13:00:00.500Z", token.GetProperty("expiresAt").GetString());
        Assert.Equal(3, token.GetProperty("maxUses").GetInt32());
        Assert.Equal("s3cret", json.RootElement.GetProperty("secret").GetString());
    }

    [Fact]
    public async Task Put_Labels_PathAndBodyMerged()
    {
        var (response, json) = await SendAsync(HttpMethod.Put, "/v1/agents/a9/labels", """{"labels":{"tier":"db","env":"stage"}}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new UpdateAgentLabelsRequest { AgentId = "a9", Labels = { ["tier"] = "db", ["env"] = "stage" } }, _host.Recorder.Last<UpdateAgentLabelsRequest>());
        Assert.Equal("db", json.RootElement.GetProperty("agent").GetProperty("labels").GetProperty("tier").GetString());
    }

    [Fact]
    public async Task Post_RevokeVerb_RoutedToRevoke()
    {
        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/enrollment-tokens/tok-7:revoke", "{}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("tok-7", _host.Recorder.Last<RevokeEnrollmentTokenRequest>().TokenId);
        Assert.True(json.RootElement.GetProperty("token").GetProperty("revoked").GetBoolean());
    }

    [Fact]
    public async Task Post_RevokeUnknownToken_NotFound404()
    {
        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/enrollment-tokens/missing:revoke", "{}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        AssertStatusBody(json, 5, "Enrollment token 'missing' does not exist.");
    }

    [Fact]
    public async Task Get_VerbOnVariableRoute_NotTakenForAgentId()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/configs/c1:diff?fromVersion=1&toVersion=9007199254740993");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(new DiffConfigVersionsRequest { ConfigId = "c1", FromVersion = 1, ToVersion = 9_007_199_254_740_993 }, _host.Recorder.Last<DiffConfigVersionsRequest>());
        Assert.Equal("--- 1\n+++ 9007199254740993\n", json.RootElement.GetProperty("unifiedDiff").GetString());
    }

    [Fact]
    public async Task Get_BackendNotFound_404WithStatusBody()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents/missing");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        AssertStatusBody(json, 5, "Agent 'missing' does not exist.");
        Assert.Equal("registry", response.Headers.GetValues("Grpc-Trailer-x-lookup").Single());
    }

    [Fact]
    public async Task Get_BackendInvalidArgument_400WithStatusBody()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents/bad");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertStatusBody(json, 3, "agent_id 'bad' is not a valid agent id.");
    }

    [Fact]
    public async Task Get_GatewayCallbackFails_500WithStatusBody()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents/a1", configure: r => r.Headers.Add("x-test-explode", "1"));

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        AssertStatusBody(json, 13, "The gateway failed to call sentinel.asset.v1.AssetService.GetAgent.");
        Assert.Empty(_host.Recorder.Calls);
    }

    [Fact]
    public async Task Get_GatewayCallbackRefuses_StatusOfItsRpcException()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents/a1", configure: r => r.Headers.Add("x-test-deny", "1"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        AssertStatusBody(json, 16, "No credentials.");
        Assert.Empty(_host.Recorder.Calls);
    }

    [Fact]
    public async Task Get_UnimplementedMethod_501()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents/a1/inventory");

        Assert.Equal(HttpStatusCode.NotImplemented, response.StatusCode);
        Assert.Equal(12, json.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Post_MalformedJson_400NamingTheField()
    {
        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/enrollment-tokens", """{"description":"x","maxUses": three}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertStatusBody(json, 3, "'maxUses'");
        Assert.Empty(_host.Recorder.Calls);
    }

    [Fact]
    public async Task Post_WrongTypeForField_400NamingTheField()
    {
        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/enrollment-tokens", """{"maxUses":"lots"}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertStatusBody(json, 3, "invalid value for field 'maxUses'");
    }

    [Fact]
    public async Task Post_UnknownField_400NamingTheField()
    {
        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/enrollment-tokens", """{"description":"x","secretSauce":true}""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        AssertStatusBody(json, 3, "unknown field 'secretSauce'");
    }

    [Fact]
    public async Task Post_OversizeBody_413()
    {
        var big = "{\"description\":\"" + new string('x', 20 * 1024) + "\"}";

        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/enrollment-tokens", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        AssertStatusBody(json, 8, "MaxRequestBodySize");
        Assert.Empty(_host.Recorder.Calls);
    }

    [Fact]
    public async Task Post_OversizeChunkedBody_413()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/enrollment-tokens")
        {
            Content = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes("{\"description\":\"" + new string('y', 40 * 1024) + "\"}"))),
        };
        request.Headers.TransferEncodingChunked = true;

        var response = await _host.Client.SendAsync(request).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task WatchAgents_Ndjson_OneLinePerMessageThenEnd()
    {
        using var response = await _host.Client.GetAsync("/v1/agents:watch?labelSelector=env%3Dprod", HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Call);
        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        for (var i = 0; i < 3; i++)
        {
            using var line = JsonDocument.Parse(lines[i]);
            Assert.Equal("a" + i, line.RootElement.GetProperty("agent").GetProperty("agentId").GetString());
            Assert.Equal($"2026-05-01T00:00:0{i}Z", line.RootElement.GetProperty("changedAt").GetString());
        }

        Assert.Equal("env=prod", _host.Recorder.Last<WatchAgentsRequest>().LabelSelector);
    }

    [Fact]
    public async Task WatchAgents_ServerSentEvents_OneEventPerMessageThenEnd()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agents:watch");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await _host.Client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Call);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Call);
        var events = body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, events.Length);
        Assert.All(events, e => Assert.StartsWith("data: {", e, StringComparison.Ordinal));
        using var last = JsonDocument.Parse(events[2]["data: ".Length..]);
        Assert.Equal("a2", last.RootElement.GetProperty("agent").GetProperty("agentId").GetString());
    }

    [Fact]
    public async Task WatchAgents_FailureMidStream_NdjsonEndsWithErrorLine()
    {
        var body = await _host.Client.GetStringAsync("/v1/agents:watch?labelSelector=fail-after-2").WaitAsync(TestTimeouts.Call);

        var lines = body.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(3, lines.Length);
        using var error = JsonDocument.Parse(lines[2]);
        Assert.Equal(14, error.RootElement.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("The registry went away.", error.RootElement.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task WatchAgents_FailureMidStream_SseEndsWithErrorEvent()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/v1/agents:watch?labelSelector=fail-after-2");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));

        using var response = await _host.Client.SendAsync(request).WaitAsync(TestTimeouts.Call);
        var events = (await response.Content.ReadAsStringAsync().WaitAsync(TestTimeouts.Call)).Split("\n\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(3, events.Length);
        Assert.StartsWith("event: error\ndata: ", events[2], StringComparison.Ordinal);
        using var status = JsonDocument.Parse(events[2]["event: error\ndata: ".Length..]);
        Assert.Equal(14, status.RootElement.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task WatchAgents_FailureBeforeFirstMessage_HttpStatusOfTheCode()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/agents:watch?labelSelector=fail-first");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        AssertStatusBody(json, 7, "Not allowed to watch agents.");
    }

    [Fact]
    public async Task WatchAgents_ClientGoesAway_BackendCallCancelled()
    {
        using var response = await _host.Client.GetAsync("/v1/agents:watch?labelSelector=forever", HttpCompletionOption.ResponseHeadersRead).WaitAsync(TestTimeouts.Call);
        var stream = await response.Content.ReadAsStreamAsync().WaitAsync(TestTimeouts.Call);
        using (var reader = new StreamReader(stream))
        {
            var first = await reader.ReadLineAsync().WaitAsync(TestTimeouts.Call);
            Assert.Contains("\"a0\"", first, StringComparison.Ordinal);
        }

        response.Dispose();

        await _host.Recorder.StreamCancelled.Task.WaitAsync(TestTimeouts.Call);
    }

    [Fact]
    public async Task Patch_FieldBodyNestedPath_Merged()
    {
        var (response, json) = await SendAsync(HttpMethod.Patch, "/v1/shelves/3/books/4?updateMask=title,genre", """{"title":"Dune","genre":"GENRE_FICTION","readingTime":"36000s"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var request = _host.Recorder.Last<UpdateBookRequest>();
        Assert.Equal(new Book { ShelfId = 3, Id = 4, Title = "Dune", Genre = Genre.Fiction, ReadingTime = Duration.FromTimeSpan(TimeSpan.FromHours(10)) }, request.Book);
        Assert.Equal(["title", "genre"], request.UpdateMask.Paths);
        Assert.Equal("36000s", json.RootElement.GetProperty("readingTime").GetString());
        Assert.Equal("3", json.RootElement.GetProperty("shelfId").GetString());
    }

    [Fact]
    public async Task Delete_AdditionalBinding_BothRoutesCallTheMethod()
    {
        var (first, _) = await SendAsync(HttpMethod.Delete, "/v1/books/11?force=true");
        var (second, json) = await SendAsync(HttpMethod.Delete, "/v2/books/12");

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Empty(json.RootElement.EnumerateObject());
        var requests = _host.Recorder.Calls.Select(c => c.Request).OfType<DeleteBookRequest>().ToList();
        Assert.Equal([new DeleteBookRequest { Id = 11, Force = true }, new DeleteBookRequest { Id = 12 }], requests);
    }

    [Fact]
    public async Task Get_DoubleWildcardWithResponseBody_FieldIsTheBody()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/files/etc/ssh/sshd%20config");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("content of etc/ssh/sshd config", json.RootElement.GetString());
        Assert.Equal("etc/ssh/sshd config", _host.Recorder.Last<GetFileRequest>().Path);
    }

    [Fact]
    public async Task Get_MultiSegmentVariable_WholeNameBound()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/v1/shelves/s1/books/b2");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("shelves/s1/books/b2", json.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_VerbWithResponseBody_MessageFieldIsTheBody()
    {
        var (response, json) = await SendAsync(HttpMethod.Post, "/v1/books/77:archive", """{"reason":"old"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("77", json.RootElement.GetProperty("id").GetString());
        Assert.Equal("old", json.RootElement.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Get_OpenApiDocument_ServedAndParses()
    {
        var (response, json) = await SendAsync(HttpMethod.Get, "/openapi.json");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("3.0.3", json.RootElement.GetProperty("openapi").GetString());
        Assert.Equal("AssetService_GetAgent", json.RootElement.GetProperty("paths").GetProperty("/v1/agents/{agent_id}").GetProperty("get").GetProperty("operationId").GetString());
    }
}
