namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>What one segment of a path template matches.</summary>
internal enum PathSegmentKind
{
    /// <summary>Exactly its text.</summary>
    Literal,

    /// <summary><c>*</c>: any one segment.</summary>
    SingleWildcard,

    /// <summary><c>**</c>: the rest of the path, zero or more segments.</summary>
    MultiWildcard,
}
