namespace SentinelSync.Agent.Collectors;

/// <summary>How one collector's run went: its qualified name, how long it took, and what it threw.</summary>
internal sealed record CollectorReport(string Name, TimeSpan Duration, Exception? Error)
{
    public bool Succeeded => Error is null;
}
