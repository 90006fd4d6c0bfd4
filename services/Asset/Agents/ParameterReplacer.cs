using System.Linq.Expressions;

namespace SentinelSync.Asset.Agents;

/// <summary>Rebinds a lambda body to another parameter, so predicates can be combined for EF.</summary>
internal sealed class ParameterReplacer(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
{
    protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : base.VisitParameter(node);
}
