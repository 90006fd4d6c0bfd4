namespace SentinelSync.Bench.Metrics;

/// <summary>Replaces one <c>## name</c> section of bench/RESULTS.md and leaves the others as they are.</summary>
internal static class ResultsFile
{
    public static void WriteSection(string path, string heading, string body)
    {
        var lines = File.Exists(path) ? File.ReadAllLines(path).ToList() : ["# Benchmark results", string.Empty];
        var start = lines.FindIndex(line => line.TrimEnd() == heading);
        var section = new List<string> { heading, string.Empty };
        section.AddRange(body.TrimEnd().Split('\n'));
        section.Add(string.Empty);
        if (start < 0)
        {
            if (lines.Count > 0 && lines[^1].Length > 0)
            {
                lines.Add(string.Empty);
            }

            lines.AddRange(section);
        }
        else
        {
            var end = lines.FindIndex(start + 1, line => line.StartsWith("## ", StringComparison.Ordinal));
            end = end < 0 ? lines.Count : end;
            lines.RemoveRange(start, end - start);
            lines.InsertRange(start, section);
        }

        File.WriteAllText(path, string.Join('\n', lines).TrimEnd() + "\n");
    }
}
