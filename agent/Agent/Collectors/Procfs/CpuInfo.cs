namespace SentinelSync.Agent.Collectors.Procfs;

/// <summary>The processor model and core counts read from <c>/proc/cpuinfo</c>.</summary>
internal sealed record CpuInfo(string Model, int LogicalCores, int PhysicalCores)
{
    // x86 says "model name"; arm64 kernels often give no model at all, some give "Processor" or "cpu model".
    private static readonly string[] ModelKeys = ["model name", "Processor", "cpu model", "Hardware"];

    public static CpuInfo Parse(string text)
    {
        var logical = 0;
        var cores = new HashSet<(string Package, string Core)>();
        string? model = null;
        string package = "0";
        foreach (var line in text.Split('\n'))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "processor":
                    logical++;
                    package = "0";
                    break;
                case "physical id":
                    package = value;
                    break;
                case "core id":
                    cores.Add((package, value));
                    break;
                default:
                    if (model is null && value.Length > 0 && Array.IndexOf(ModelKeys, key) >= 0)
                    {
                        model = value;
                    }

                    break;
            }
        }

        // Without core ids (most arm64 kernels, some hypervisors) every logical CPU counts as a core.
        var physical = cores.Count > 0 ? cores.Count : logical;
        return new CpuInfo(model ?? string.Empty, logical, physical);
    }
}
