namespace SentinelSync.Security;

/// <summary>The outcome of <see cref="AccessPolicy.Decide"/>.</summary>
public enum AccessDecisionKind
{
    /// <summary>The call may proceed.</summary>
    Allow,

    /// <summary>The caller must authenticate (gRPC UNAUTHENTICATED, HTTP 401).</summary>
    Unauthenticated,

    /// <summary>The caller is known but may not call the method (gRPC PERMISSION_DENIED, HTTP 403).</summary>
    Denied,
}
