using SentinelSync.Asset.Agents;

namespace SentinelSync.Asset.Tests;

public sealed class LabelSelectorTests
{
    private static readonly Dictionary<string, string> Labels = new() { ["env"] = "prod", ["tier"] = "web", ["example.com/team"] = "ops" };

    [Theory]
    [InlineData("", true)]
    [InlineData("env=prod", true)]
    [InlineData("env==prod", true)]
    [InlineData("env=dev", false)]
    [InlineData("env!=dev", true)]
    [InlineData("missing!=x", true)]
    [InlineData("env in (dev, prod)", true)]
    [InlineData("env in (dev)", false)]
    [InlineData("env notin (dev,qa)", true)]
    [InlineData("env notin (prod)", false)]
    [InlineData("tier", true)]
    [InlineData("!tier", false)]
    [InlineData("!missing", true)]
    [InlineData(" env = prod , tier ,example.com/team=ops ", true)]
    [InlineData("env=prod,tier=db", false)]
    public void Matches_Requirements_AllMustHold(string selector, bool expected)
    {
        Assert.Equal(expected, LabelSelector.Parse(selector).Matches(Labels));
    }

    [Fact]
    public void Parse_AllOperators_Structure()
    {
        var selector = LabelSelector.Parse("a=1,b!=2,c in (x,y),d notin (z),e,!f");
        Assert.Equal(
            [LabelOperator.Equals, LabelOperator.NotEquals, LabelOperator.In, LabelOperator.NotIn, LabelOperator.Exists, LabelOperator.DoesNotExist],
            selector.Requirements.Select(r => r.Operator));
        Assert.Equal(["x", "y"], selector.Requirements[2].Values);
    }

    [Theory]
    [InlineData("env in prod", 8)]
    [InlineData("env=prod,", 10)]
    [InlineData("=prod", 1)]
    [InlineData("env in (a,b", 12)]
    [InlineData("env ~ x", 5)]
    [InlineData("env=bad value", 9)]
    [InlineData("env!prod", 5)]
    [InlineData("-env=x", 1)]
    public void Parse_SyntaxError_FormatExceptionWithPosition(string selector, int position)
    {
        var ex = Assert.Throws<FormatException>(() => LabelSelector.Parse(selector));
        Assert.Contains($"position {position}:", ex.Message, StringComparison.Ordinal);
    }
}
