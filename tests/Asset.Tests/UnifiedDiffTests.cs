using SentinelSync.Asset.Configs;

namespace SentinelSync.Asset.Tests;

public sealed class UnifiedDiffTests
{
    [Fact]
    public void Create_EqualTexts_Empty()
    {
        Assert.Empty(UnifiedDiff.Create("a\nb\n", "a\nb\n", "x", "y"));
    }

    [Fact]
    public void Create_FromNothing_AllAdded()
    {
        Assert.Equal("--- x\n+++ y\n@@ -0,0 +1,2 @@\n+a\n+b\n", UnifiedDiff.Create(string.Empty, "a\nb\n", "x", "y"));
    }

    [Fact]
    public void Create_FarApartChanges_TwoHunksWithThreeLinesOfContext()
    {
        var before = string.Join('\n', Enumerable.Range(1, 20).Select(i => $"line {i}")) + "\n";
        var after = before.Replace("line 2\n", "line two\n", StringComparison.Ordinal).Replace("line 18\n", string.Empty, StringComparison.Ordinal);
        var expected =
            "--- x\n+++ y\n" +
            "@@ -1,5 +1,5 @@\n line 1\n-line 2\n+line two\n line 3\n line 4\n line 5\n" +
            "@@ -15,6 +15,5 @@\n line 15\n line 16\n line 17\n-line 18\n line 19\n line 20\n";
        Assert.Equal(expected, UnifiedDiff.Create(before, after, "x", "y"));
    }

    [Fact]
    public void Diff_RandomTexts_ScriptRebuildsBothSides()
    {
        var random = new Random(7);
        for (var round = 0; round < 200; round++)
        {
            var a = Enumerable.Range(0, random.Next(0, 30)).Select(_ => random.Next(0, 5).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var b = Enumerable.Range(0, random.Next(0, 30)).Select(_ => random.Next(0, 5).ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();
            var edits = UnifiedDiff.Diff(a, b);
            Assert.Equal(a, edits.Where(e => e.Kind != UnifiedDiff.EditKind.Insert).Select(e => a[e.OldIndex]));
            Assert.Equal(b, edits.Where(e => e.Kind != UnifiedDiff.EditKind.Delete).Select(e => b[e.NewIndex]));
            Assert.All(edits.Where(e => e.Kind == UnifiedDiff.EditKind.Equal), e => Assert.Equal(a[e.OldIndex], b[e.NewIndex]));
            Assert.Equal(a.Length + b.Length - (2 * Lcs(a, b)), edits.Count(e => e.Kind != UnifiedDiff.EditKind.Equal));
        }
    }

    private static int Lcs(string[] a, string[] b)
    {
        var table = new int[a.Length + 1, b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                table[i, j] = a[i - 1] == b[j - 1] ? table[i - 1, j - 1] + 1 : Math.Max(table[i - 1, j], table[i, j - 1]);
            }
        }

        return table[a.Length, b.Length];
    }
}
