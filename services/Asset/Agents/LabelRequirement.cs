namespace SentinelSync.Asset.Agents;

/// <summary>One requirement of a <see cref="LabelSelector"/>.</summary>
/// <param name="Key">The label key.</param>
/// <param name="Operator">How the key's value is tested.</param>
/// <param name="Values">One value for (not) equals, the list for (not) in, none for (does not) exist.</param>
internal sealed record LabelRequirement(string Key, LabelOperator Operator, IReadOnlyList<string> Values)
{
    public bool Matches(IReadOnlyDictionary<string, string> labels)
    {
        var has = labels.TryGetValue(Key, out var value);
        return Operator switch
        {
            LabelOperator.Equals or LabelOperator.In => has && Values.Contains(value!, StringComparer.Ordinal),
            LabelOperator.NotEquals or LabelOperator.NotIn => !has || !Values.Contains(value!, StringComparer.Ordinal),
            LabelOperator.Exists => has,
            LabelOperator.DoesNotExist => !has,
            _ => false,
        };
    }
}
