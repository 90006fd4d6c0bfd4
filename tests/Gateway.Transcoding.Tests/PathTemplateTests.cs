using Microsoft.AspNetCore.Routing.Patterns;
using SentinelSync.Gateway.Transcoding.Internal;

namespace SentinelSync.Gateway.Transcoding.Tests;

public sealed class PathTemplateTests
{
    [Fact]
    public void Parse_LiteralsAndVariable_SegmentsAndVariable()
    {
        var template = PathTemplate.Parse("/v1/agents/{agent_id}/labels");

        Assert.Equal(["v1", "agents", "*", "labels"], template.Segments.Select(s => s.ToString()));
        var variable = Assert.Single(template.Variables);
        Assert.Equal(new PathVariable("agent_id", 2, 3), variable);
        Assert.Null(template.Verb);
    }

    [Fact]
    public void Parse_NestedFieldPath_SplitsFieldNames()
    {
        var template = PathTemplate.Parse("/v1/shelves/{shelf.id}/books");

        Assert.Equal(["shelf", "id"], template.Variables[0].FieldNames);
    }

    [Fact]
    public void Parse_VariableWithPattern_CoversItsSegments()
    {
        var template = PathTemplate.Parse("/v1/{name=shelves/*/books/*}");

        Assert.Equal(["v1", "shelves", "*", "books", "*"], template.Segments.Select(s => s.ToString()));
        Assert.Equal(new PathVariable("name", 1, 5), template.Variables[0]);
        Assert.True(template.Variables[0].IsMultiSegment(template.Segments));
    }

    [Fact]
    public void Parse_WildcardsOutsideVariables_Accepted()
    {
        var template = PathTemplate.Parse("/v1/*/files/**");

        Assert.Equal([PathSegmentKind.Literal, PathSegmentKind.SingleWildcard, PathSegmentKind.Literal, PathSegmentKind.MultiWildcard], template.Segments.Select(s => s.Kind));
        Assert.Empty(template.Variables);
    }

    [Theory]
    [InlineData("/v1/agents:watch", "watch", 2)]
    [InlineData("/v1/enrollment-tokens/{token_id}:revoke", "revoke", 3)]
    [InlineData("/v1/files/{path=**}:touch", "touch", 3)]
    [InlineData("/v1/{name=a/*}:do-it", "do-it", 3)]
    public void Parse_Verb_SeparatedFromLastSegment(string text, string verb, int segments)
    {
        var template = PathTemplate.Parse(text);

        Assert.Equal(verb, template.Verb);
        Assert.Equal(segments, template.Segments.Count);
    }

    [Theory]
    [InlineData("", "must start with '/'")]
    [InlineData("v1/agents", "must start with '/'")]
    [InlineData("/v1//agents", "empty segment")]
    [InlineData("/v1/agents/", "empty segment")]
    [InlineData("/v1/{agent_id", "unclosed '{'")]
    [InlineData("/v1/agent_id}", "unmatched '}'")]
    [InlineData("/v1/{a={b}}", "nested '{'")]
    [InlineData("/v1/**/agents", "'**' before its last segment")]
    [InlineData("/v1/{name=**}/x", "'**' before its last segment")]
    [InlineData("/v1/{1abc}", "invalid field path '1abc'")]
    [InlineData("/v1/{a..b}", "invalid field path 'a..b'")]
    [InlineData("/v1/{id}/{id}", "binds field 'id' twice")]
    [InlineData("/v1/{id=}", "empty pattern")]
    [InlineData("/v1/agents:", "invalid verb")]
    [InlineData("/v1/ag*ents", "invalid literal segment")]
    [InlineData("/v1/{id}x", "needs '/' after a variable")]
    public void Parse_InvalidTemplate_FormatExceptionSaysWhy(string text, string problem)
    {
        var ex = Assert.Throws<FormatException>(() => PathTemplate.Parse(text));

        Assert.Contains(problem, ex.Message, StringComparison.Ordinal);
        Assert.Contains($"'{text}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TryMatch_SingleSegmentVariable_FullyDecoded()
    {
        var template = PathTemplate.Parse("/v1/agents/{agent_id}");

        Assert.True(template.TryMatch("/v1/agents/a%2Fb%20c%25", out var values));
        Assert.Equal("a/b c%", values["agent_id"]);
    }

    [Fact]
    public void TryMatch_MultiSegmentVariable_KeepsEncodedSlash()
    {
        var template = PathTemplate.Parse("/v1/{name=shelves/*/books/*}");

        Assert.True(template.TryMatch("/v1/shelves/s%201/books/b%2Fx", out var values));
        Assert.Equal("shelves/s 1/books/b%2Fx", values["name"]);
        Assert.False(template.TryMatch("/v1/shelves/s1/novels/b1", out _));
        Assert.False(template.TryMatch("/v1/shelves/s1/books", out _));
    }

    [Fact]
    public void TryMatch_DoubleWildcard_TakesTheRest()
    {
        var template = PathTemplate.Parse("/v1/files/{path=**}");

        Assert.True(template.TryMatch("/v1/files/etc/ssh/sshd_config", out var values));
        Assert.Equal("etc/ssh/sshd_config", values["path"]);
        Assert.True(template.TryMatch("/v1/files", out values));
        Assert.Equal(string.Empty, values["path"]);
    }

    [Fact]
    public void TryMatch_DoubleWildcardWithVerb_VerbStripped()
    {
        var template = PathTemplate.Parse("/v1/files/{path=**}:touch");

        Assert.True(template.TryMatch("/v1/files/var/log/x.log:touch", out var values));
        Assert.Equal("var/log/x.log", values["path"]);
        Assert.False(template.TryMatch("/v1/files/var/log/x.log", out _));
    }

    [Fact]
    public void TryMatch_VerbRouteAndVariableRoute_DoNotCollide()
    {
        var watch = PathTemplate.Parse("/v1/agents:watch");
        var get = PathTemplate.Parse("/v1/agents/{agent_id}");

        Assert.True(watch.TryMatch("/v1/agents:watch", out _));
        Assert.False(get.TryMatch("/v1/agents:watch", out _));
        Assert.False(watch.TryMatch("/v1/agents/watch", out _));
        Assert.True(get.TryMatch("/v1/agents/a1", out var values));
        Assert.Equal("a1", values["agent_id"]);
    }

    [Fact]
    public void TryMatch_VariableWithVerb_ValueWithoutVerb()
    {
        var template = PathTemplate.Parse("/v1/enrollment-tokens/{token_id}:revoke");

        Assert.True(template.TryMatch("/v1/enrollment-tokens/tok:1:revoke", out var values));
        Assert.Equal("tok:1", values["token_id"]);
        Assert.False(template.TryMatch("/v1/enrollment-tokens/tok-1:cancel", out _));
    }

    [Fact]
    public void TryMatch_EmptySegmentForVariable_NoMatch()
    {
        var template = PathTemplate.Parse("/v1/agents/{agent_id}/labels");

        Assert.False(template.TryMatch("/v1/agents//labels", out _));
    }

    [Theory]
    [InlineData("/v1/agents:watch", "/v1/agents:watch")]
    [InlineData("/v1/agents/{agent_id}", "/v1/agents/{p2}")]
    [InlineData("/v1/enrollment-tokens/{token_id}:revoke", "/v1/enrollment-tokens/{p2}:revoke")]
    [InlineData("/v1/{name=shelves/*/books/*}", "/v1/shelves/{p2}/books/{p4}")]
    [InlineData("/v1/files/{path=**}:touch", "/v1/files/{**p2}")]
    public void ToRoutePattern_Template_ParsesAsAspNetCoreRoutePattern(string text, string expected)
    {
        var pattern = PathTemplate.Parse(text).ToRoutePattern();

        Assert.Equal(expected, pattern);
        Assert.NotNull(RoutePatternFactory.Parse(pattern));
    }

    [Theory]
    [InlineData("/v1/agents/{agent_id}:decommission", "/v1/agents/{agent_id}:decommission")]
    [InlineData("/v1/{name=shelves/*/books/*}", "/v1/{name}")]
    [InlineData("/v1/shelves/{shelf.id}/books", "/v1/shelves/{shelf.id}/books")]
    [InlineData("/v1/files/{path=**}", "/v1/files/{path}")]
    public void ToOpenApiPath_Template_OneParameterPerVariable(string text, string expected)
    {
        Assert.Equal(expected, PathTemplate.Parse(text).ToOpenApiPath());
    }
}
