namespace SentinelSync.Security;

/// <summary>The decision for one call, with what a person needs to act on it.</summary>
/// <param name="Kind">Allow, Unauthenticated or Denied.</param>
/// <param name="Permission">The permission the method needs, when it names one.</param>
/// <param name="Reason">Why the call was refused; empty when allowed.</param>
public sealed record AccessDecision(AccessDecisionKind Kind, string Permission, string Reason)
{
    /// <summary>The call may proceed.</summary>
    public static AccessDecision Allow { get; } = new(AccessDecisionKind.Allow, string.Empty, string.Empty);

    /// <summary>The caller must authenticate.</summary>
    public static AccessDecision Unauthenticated(string reason) => new(AccessDecisionKind.Unauthenticated, string.Empty, reason);

    /// <summary>The caller may not call the method.</summary>
    public static AccessDecision Denied(string permission, string reason) => new(AccessDecisionKind.Denied, permission, reason);
}
