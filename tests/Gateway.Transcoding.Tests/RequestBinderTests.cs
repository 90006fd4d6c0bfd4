using Google.Protobuf;
using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using Microsoft.AspNetCore.WebUtilities;
using SentinelSync.Contracts.Asset.V1;
using SentinelSync.Gateway.Transcoding.Internal;
using SentinelSync.Gateway.Transcoding.Tests.Library;

namespace SentinelSync.Gateway.Transcoding.Tests;

public sealed class RequestBinderTests
{
    private static readonly IReadOnlyList<HttpBinding> Bindings = HttpBindingTable.Create(TranscodingTestHost.Services);

    private static T Bind<T>(string operationId, string path, string query = "", string? body = null, List<string>? ignored = null)
        where T : IMessage
    {
        var binding = Bindings.Single(b => b.OperationId == operationId);
        Assert.True(binding.Template.TryMatch(path, out var values), $"{binding.Template} rejects {path}");
        return (T)RequestBinder.Bind(binding, values, QueryHelpers.ParseQuery(query), body, ignored is null ? null : ignored.Add);
    }

    private static TranscodingException BindFails(string operationId, string path, string query = "", string? body = null)
    {
        var binding = Bindings.Single(b => b.OperationId == operationId);
        Assert.True(binding.Template.TryMatch(path, out var values));
        return Assert.Throws<TranscodingException>(() => RequestBinder.Bind(binding, values, QueryHelpers.ParseQuery(query), body));
    }

    [Fact]
    public void Bind_QueryScalarsOfEveryType_Converted()
    {
        var request = Bind<ListBooksRequest>(
            "LibraryService_ListBooks",
            "/v1/shelves/12/books",
            "?filter.d=1.5&filter.f=-2&filter.i32=-3&filter.i64=-9007199254740993&filter.u32=4000000000&filter.u64=18446744073709551615"
            + "&filter.s32=-5&filter.s64=-6&filter.fx32=7&filter.fx64=8&filter.sfx32=-9&filter.sfx64=-10&filter.flag=1&filter.text=a%20b"
            + "&filter.blob=AQL6&filter.genre=GENRE_POETRY&filter.genres=1&filter.genres=GENRE_POETRY&filter.ids=1&filter.ids=2"
            + "&filter.after=2026-01-02T03:04:05.123Z&filter.longerThan=90.5s&filter.max_pages=300&filter.hasScan=false&filter.author=Ann&filter.mask=shelfId,readingTime"
            + "&page_size=10&pageToken=p&tags=x&tags=y");

        Assert.Equal(12, request.Shelf.Id);
        var filter = request.Filter;
        Assert.Equal(1.5, filter.D);
        Assert.Equal(-2f, filter.F);
        Assert.Equal(-3, filter.I32);
        Assert.Equal(-9_007_199_254_740_993, filter.I64);
        Assert.Equal(4_000_000_000u, filter.U32);
        Assert.Equal(ulong.MaxValue, filter.U64);
        Assert.Equal(-5, filter.S32);
        Assert.Equal(-6, filter.S64);
        Assert.Equal(7u, filter.Fx32);
        Assert.Equal(8ul, filter.Fx64);
        Assert.Equal(-9, filter.Sfx32);
        Assert.Equal(-10, filter.Sfx64);
        Assert.True(filter.Flag);
        Assert.Equal("a b", filter.Text);
        Assert.Equal(new byte[] { 1, 2, 250 }, filter.Blob.ToByteArray());
        Assert.Equal(Genre.Poetry, filter.Genre);
        Assert.Equal([Genre.Fiction, Genre.Poetry], filter.Genres);
        Assert.Equal([1L, 2L], filter.Ids);
        Assert.Equal(Timestamp.FromDateTime(new DateTime(2026, 1, 2, 3, 4, 5, 123, DateTimeKind.Utc)), filter.After);
        Assert.Equal(new Duration { Seconds = 90, Nanos = 500_000_000 }, filter.LongerThan);
        Assert.Equal(300, filter.MaxPages);
        Assert.False(filter.HasScan);
        Assert.Equal("Ann", filter.Author);
        Assert.Equal(["shelf_id", "reading_time"], filter.Mask.Paths);
        Assert.Equal(10, request.PageSize);
        Assert.Equal("p", request.PageToken);
        Assert.Equal(["x", "y"], request.Tags);
    }

    [Fact]
    public void Bind_UnknownQueryParameter_IgnoredAndReported()
    {
        var ignored = new List<string>();

        var request = Bind<ListAgentsRequest>("AssetService_ListAgents", "/v1/agents", "?search=db&nope=1&state.x=2", ignored: ignored);

        Assert.Equal("db", request.Search);
        Assert.Equal(["nope", "state.x"], ignored);
    }

    [Fact]
    public void Bind_QueryForPathBoundField_PathWins()
    {
        var ignored = new List<string>();

        var request = Bind<GetInventoryRequest>("AssetService_GetInventory", "/v1/agents/a1/inventory", "?agent_id=other", ignored: ignored);

        Assert.Equal("a1", request.AgentId);
        Assert.Equal(["agent_id"], ignored);
    }

    [Theory]
    [InlineData("?state=AGENT_STATE_SLEEPING", "query parameter 'state'")]
    [InlineData("?page_size=ten", "query parameter 'page_size'")]
    [InlineData("?page_size=99999999999", "query parameter 'page_size'")]
    [InlineData("?page_size=1&page_size=2", "is given 2 times")]
    public void Bind_BadQueryValue_InvalidArgumentNamesParameter(string query, string expected)
    {
        var ex = BindFails("AssetService_ListAgents", "/v1/agents", query);

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Equal(400, ex.HttpStatus);
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BoolQueryNotABoolean_InvalidArgument()
    {
        var ex = BindFails("AssetService_ListEnrollmentTokens", "/v1/enrollment-tokens", "?include_revoked=maybe");

        Assert.Contains("'maybe' is not a boolean", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_MapFieldFromQuery_InvalidArgument()
    {
        var ex = BindFails("LibraryService_ListBooks", "/v1/shelves/1/books", "?options=a");

        Assert.Contains("map fields cannot be set from the query", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BodyStar_QueryNotRead()
    {
        var ignored = new List<string>();

        var request = Bind<ArchiveBookRequest>("LibraryService_ArchiveBook", "/v1/books/1:archive", "?reason=from-query", """{"reason":"from-body"}""", ignored);

        Assert.Equal("from-body", request.Reason);
        Assert.Empty(ignored);
    }

    [Fact]
    public void Bind_MessageFieldFromQuery_InvalidArgumentSaysHow()
    {
        var ex = BindFails("LibraryService_ListBooks", "/v1/shelves/1/books", "?filter=x");

        Assert.Contains("set its fields with 'filter.<field>'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_PathIntegerNotANumber_InvalidArgumentNamesPathParameter()
    {
        var ex = BindFails("LibraryService_DeleteBook", "/v1/books/abc");

        Assert.Contains("path parameter 'id'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BodyStarAndPath_PathOverridesBody()
    {
        var request = Bind<UpdateAgentLabelsRequest>("AssetService_UpdateAgentLabels", "/v1/agents/from-path/labels", body: """{"agentId":"from-body","labels":{"env":"prod"}}""");

        Assert.Equal("from-path", request.AgentId);
        Assert.Equal("prod", request.Labels["env"]);
    }

    [Fact]
    public void Bind_FieldBodyAndNestedPath_Merged()
    {
        var request = Bind<UpdateBookRequest>("LibraryService_UpdateBook", "/v1/shelves/3/books/4", "?updateMask=title", """{"title":"T","shelfId":"99","pages":"12"}""");

        Assert.Equal(new Book { ShelfId = 3, Id = 4, Title = "T", Pages = 12 }, request.Book);
        Assert.Equal(["title"], request.UpdateMask.Paths);
    }

    [Fact]
    public void Bind_RepeatedFieldBody_Filled()
    {
        var request = Bind<TagBookRequest>("LibraryService_TagBook", "/v1/books/5/tags", "?replace=true", """["a","b"]""");

        Assert.Equal(new TagBookRequest { Id = 5, Tags = { "a", "b" }, Replace = true }, request);
    }

    [Fact]
    public void Bind_FieldBodyWithTrailingText_RejectedNotSmuggled()
    {
        var ex = BindFails("LibraryService_TagBook", "/v1/books/5/tags", body: """["a"], "replace": true""");

        Assert.Contains("not valid JSON", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_EmptyBody_EmptyRequestButPath()
    {
        var request = Bind<RevokeEnrollmentTokenRequest>("AssetService_RevokeEnrollmentToken", "/v1/enrollment-tokens/t1:revoke", body: "");

        Assert.Equal("t1", request.TokenId);
    }

    [Fact]
    public void Bind_UnknownBodyField_InvalidArgumentNamesField()
    {
        var ex = BindFails("AssetService_CreateEnrollmentToken", "/v1/enrollment-tokens", body: """{"description":"d","colour":"red"}""");

        Assert.Contains("unknown field 'colour'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_WrongTypeInNestedBodyField_InvalidArgumentNamesNestedField()
    {
        var ex = BindFails("AssetService_PutConfig", "/v1/configs", body: """{"document":"x","target":{"agentId":42}}""");

        Assert.Contains("'target.agentId'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BadDurationInBody_InvalidArgumentNamesField()
    {
        var ex = BindFails("AssetService_CreateEnrollmentToken", "/v1/enrollment-tokens", body: """{"ttl":"one hour"}""");

        Assert.Contains("'ttl'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BadElementInRepeatedMessage_InvalidArgumentNamesIndex()
    {
        var ex = BindFails("LibraryService_ArchiveBook", "/v1/books/1:archive", body: """{"related":[{"title":"ok"},{"pages":"many"}]}""");

        Assert.Contains("'related[1].pages'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_MalformedJson_InvalidArgumentNamesLastField()
    {
        var ex = BindFails("AssetService_CreateEnrollmentToken", "/v1/enrollment-tokens", body: """{"description":"d","labels":{"env": prod}}""");

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
        Assert.Contains("malformed JSON in field 'labels.env'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bind_BodyNotAnObject_InvalidArgument()
    {
        var ex = BindFails("AssetService_CreateEnrollmentToken", "/v1/enrollment-tokens", body: "[1,2]");

        Assert.Contains("expected a JSON object", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DecodeBody_InvalidUtf8_InvalidArgument()
    {
        var ex = Assert.Throws<TranscodingException>(() => RequestBinder.DecodeBody([0x7b, 0xff, 0x7d]));

        Assert.Equal(StatusCode.InvalidArgument, ex.StatusCode);
    }
}
