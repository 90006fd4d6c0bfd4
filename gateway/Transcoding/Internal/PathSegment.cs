namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>One segment of a path template.</summary>
/// <param name="Kind">What the segment matches.</param>
/// <param name="Literal">The text of a literal segment; empty for wildcards.</param>
internal sealed record PathSegment(PathSegmentKind Kind, string Literal)
{
    public static readonly PathSegment Single = new(PathSegmentKind.SingleWildcard, string.Empty);

    public static readonly PathSegment Multi = new(PathSegmentKind.MultiWildcard, string.Empty);

    public override string ToString() => Kind switch
    {
        PathSegmentKind.SingleWildcard => "*",
        PathSegmentKind.MultiWildcard => "**",
        _ => Literal,
    };
}
