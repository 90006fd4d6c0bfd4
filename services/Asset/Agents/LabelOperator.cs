namespace SentinelSync.Asset.Agents;

/// <summary>The operators of a label selector requirement.</summary>
internal enum LabelOperator
{
    Equals,
    NotEquals,
    In,
    NotIn,
    Exists,
    DoesNotExist,
}
