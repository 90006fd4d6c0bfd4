using System.Text;

namespace SentinelSync.Asset.Configs;

/// <summary>
/// A unified line diff (as <c>diff -u</c>) computed with Myers' O((N+M)·D) algorithm. Past
/// <see cref="MaxEditDistance"/> edits the documents are shown as replaced whole, which keeps memory bounded.
/// </summary>
internal static class UnifiedDiff
{
    public const int MaxEditDistance = 2000;
    private const int Context = 3;

    /// <summary>The diff of <paramref name="before"/> and <paramref name="after"/>; empty when they are equal.</summary>
    public static string Create(string before, string after, string beforeName, string afterName)
    {
        var a = SplitLines(before);
        var b = SplitLines(after);
        var edits = Diff(a, b);
        if (edits.All(edit => edit.Kind == EditKind.Equal))
        {
            return string.Empty;
        }

        var output = new StringBuilder();
        output.Append("--- ").Append(beforeName).Append('\n');
        output.Append("+++ ").Append(afterName).Append('\n');
        foreach (var (start, end) in Hunks(edits))
        {
            var oldStart = edits[start].OldIndex;
            var newStart = edits[start].NewIndex;
            var oldCount = 0;
            var newCount = 0;
            for (var i = start; i < end; i++)
            {
                oldCount += edits[i].Kind != EditKind.Insert ? 1 : 0;
                newCount += edits[i].Kind != EditKind.Delete ? 1 : 0;
            }

            output.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
            for (var i = start; i < end; i++)
            {
                var edit = edits[i];
                var (prefix, line) = edit.Kind switch
                {
                    EditKind.Equal => (' ', a[edit.OldIndex]),
                    EditKind.Delete => ('-', a[edit.OldIndex]),
                    _ => ('+', b[edit.NewIndex]),
                };
                output.Append(prefix).Append(line).Append('\n');
            }
        }

        return output.ToString();
    }

    private static string Range(int start, int count) =>
        count == 0 ? $"{start},0" : count == 1 ? $"{start + 1}" : $"{start + 1},{count}";

    /// <summary>Ranges [start, end) of edits to print: changes with up to three lines of context, close ones merged.</summary>
    private static List<(int Start, int End)> Hunks(List<Edit> edits)
    {
        var hunks = new List<(int Start, int End)>();
        var i = 0;
        while (i < edits.Count)
        {
            if (edits[i].Kind == EditKind.Equal)
            {
                i++;
                continue;
            }

            var start = Math.Max(0, i - Context);
            var end = i;
            while (end < edits.Count)
            {
                if (edits[end].Kind != EditKind.Equal)
                {
                    end++;
                    continue;
                }

                var run = end;
                while (run < edits.Count && edits[run].Kind == EditKind.Equal)
                {
                    run++;
                }

                if (run == edits.Count || run - end > 2 * Context)
                {
                    end = Math.Min(edits.Count, end + Context);
                    break;
                }

                end = run;
            }

            if (hunks.Count > 0 && start <= hunks[^1].End)
            {
                hunks[^1] = (hunks[^1].Start, end);
            }
            else
            {
                hunks.Add((start, end));
            }

            i = end;
        }

        return hunks;
    }

    /// <summary>Myers' shortest edit script, as a list of edits in order.</summary>
    internal static List<Edit> Diff(string[] a, string[] b)
    {
        int n = a.Length, m = b.Length, max = n + m;
        var offset = max + 1;
        var v = new int[(2 * max) + 3];
        var trace = new List<int[]>();
        var found = false;
        for (var d = 0; d <= max && d <= MaxEditDistance; d++)
        {
            trace.Add(v[(offset - d)..(offset + d + 1)]);
            for (var k = -d; k <= d; k += 2)
            {
                var x = k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]) ? v[offset + k + 1] : v[offset + k - 1] + 1;
                var y = x - k;
                while (x < n && y < m && a[x] == b[y])
                {
                    x++;
                    y++;
                }

                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = true;
                    break;
                }
            }

            if (found)
            {
                break;
            }
        }

        if (!found)
        {
            var replaced = new List<Edit>(n + m);
            replaced.AddRange(Enumerable.Range(0, n).Select(i => new Edit(EditKind.Delete, i, 0)));
            replaced.AddRange(Enumerable.Range(0, m).Select(j => new Edit(EditKind.Insert, n, j)));
            return replaced;
        }

        // Walk the trace back from (n, m); trace[d] holds v[-d..d] as it was before round d.
        var edits = new List<Edit>();
        int cx = n, cy = m;
        for (var d = trace.Count - 1; d >= 0; d--)
        {
            var k = cx - cy;
            int previousK;
            if (d == 0)
            {
                previousK = 0;
            }
            else
            {
                var before = trace[d];
                previousK = k == -d || (k != d && Get(before, d, k - 1) < Get(before, d, k + 1)) ? k + 1 : k - 1;
            }

            var previousX = d == 0 ? 0 : Get(trace[d], d, previousK);
            var previousY = previousX - previousK;
            while (cx > previousX && cy > previousY)
            {
                cx--;
                cy--;
                edits.Add(new Edit(EditKind.Equal, cx, cy));
            }

            if (d > 0)
            {
                if (cx == previousX)
                {
                    cy--;
                    edits.Add(new Edit(EditKind.Insert, cx, cy));
                }
                else
                {
                    cx--;
                    edits.Add(new Edit(EditKind.Delete, cx, cy));
                }
            }
        }

        edits.Reverse();
        return edits;
    }

    /// <summary>v[k] from the snapshot taken at round d (which covers k in [-d, d]; outside it is 0).</summary>
    private static int Get(int[] snapshot, int d, int k) => k + d >= 0 && k + d < snapshot.Length ? snapshot[k + d] : 0;

    private static string[] SplitLines(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var lines = text.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        return text.EndsWith('\n') ? lines[..^1] : lines;
    }

    internal enum EditKind
    {
        Equal,
        Delete,
        Insert,
    }

    /// <summary>One line of the edit script with its 0-based indexes in the old and new text.</summary>
    internal readonly record struct Edit(EditKind Kind, int OldIndex, int NewIndex);
}
