namespace SentinelSync.Security.Internal;

/// <summary>What presenting a refresh token did.</summary>
internal enum RefreshOutcome
{
    /// <summary>The token was current: it is now used and a new one of the same family was stored.</summary>
    Rotated,

    /// <summary>No such token, or it expired or was revoked.</summary>
    Invalid,

    /// <summary>The token had already been rotated: its whole family is now revoked.</summary>
    Reused,
}
