namespace SentinelSync.Gateway.Transcoding.Internal;

/// <summary>A variable of a path template: the request field it binds and the segments it covers.</summary>
/// <param name="FieldPath">The field path, e.g. <c>agent_id</c> or <c>config.target.agent_id</c>.</param>
/// <param name="StartSegment">The index of its first segment.</param>
/// <param name="EndSegment">The index after its last segment.</param>
internal sealed record PathVariable(string FieldPath, int StartSegment, int EndSegment)
{
    /// <summary>The field path split into field names.</summary>
    public IReadOnlyList<string> FieldNames => FieldPath.Split('.');

    /// <summary>Whether the variable spans more than one segment, or a <c>**</c>: its value may hold '/'.</summary>
    public bool IsMultiSegment(IReadOnlyList<PathSegment> segments) =>
        EndSegment - StartSegment != 1 || segments[StartSegment].Kind == PathSegmentKind.MultiWildcard;
}
