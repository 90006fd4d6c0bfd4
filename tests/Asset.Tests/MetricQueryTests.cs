using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using SentinelSync.Asset.Metrics;
using SentinelSync.Contracts.Asset.V1;
using Duration = Google.Protobuf.WellKnownTypes.Duration;

namespace SentinelSync.Asset.Tests;

public sealed class MetricQueryTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void From_NoAgents_InvalidArgumentNamingAgentIds()
    {
        var request = Valid();
        request.AgentIds.Clear();

        AssertInvalid(request, "agent_ids");
    }

    [Fact]
    public void From_EmptyMetric_InvalidArgumentNamingMetric()
    {
        var request = Valid();
        request.Metric = " ";

        AssertInvalid(request, "metric");
    }

    [Fact]
    public void From_StartNotBeforeEnd_InvalidArgument()
    {
        var request = Valid();
        request.End = request.Start;

        AssertInvalid(request, "start must be before end");
    }

    [Fact]
    public void From_StepBelowOneSecond_InvalidArgumentNamingStep()
    {
        var request = Valid();
        request.Step = Duration.FromTimeSpan(TimeSpan.FromMilliseconds(999));

        AssertInvalid(request, "step: at least 1s");
    }

    [Fact]
    public void From_MissingStepOrTimes_InvalidArgument()
    {
        var noStep = Valid();
        noStep.Step = null;
        var noStart = Valid();
        noStart.Start = null;

        AssertInvalid(noStep, "step");
        AssertInvalid(noStart, "start");
    }

    [Fact]
    public void From_MorePointsThanTheLimit_InvalidArgumentNamingTheLimit()
    {
        var request = Valid();
        request.End = Timestamp.FromDateTimeOffset(Start.AddSeconds(11_001));
        request.Step = Duration.FromTimeSpan(TimeSpan.FromSeconds(1));

        AssertInvalid(request, "at most 11000 points per series");
    }

    [Fact]
    public void From_ExactlyTheLimit_Accepted()
    {
        var request = Valid();
        request.End = Timestamp.FromDateTimeOffset(Start.AddSeconds(11_000));
        request.Step = Duration.FromTimeSpan(TimeSpan.FromSeconds(1));

        var query = MetricQuery.From(request);

        Assert.Equal(TimeSpan.FromSeconds(1), query.Step);
    }

    [Fact]
    public void From_UnknownAggregation_InvalidArgument()
    {
        var request = Valid();
        request.Aggregation = (Aggregation)42;

        AssertInvalid(request, "aggregation");
    }

    [Fact]
    public void From_LabelsInAnyOrder_SameFilterText()
    {
        var first = Valid();
        first.Labels.Add("b", "2");
        first.Labels.Add("a", "1");
        var second = Valid();
        second.Labels.Add("a", "1");
        second.Labels.Add("b", "2");

        Assert.Equal("{\"a\":\"1\",\"b\":\"2\"}", MetricQuery.From(first).LabelsJson);
        Assert.Equal(MetricQuery.From(first).LabelsJson, MetricQuery.From(second).LabelsJson);
    }

    private static void AssertInvalid(QueryMetricsRequest request, string expected)
    {
        var error = Assert.Throws<RpcException>(() => MetricQuery.From(request));
        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.Contains(expected, error.Status.Detail, StringComparison.Ordinal);
    }

    private static QueryMetricsRequest Valid() => new()
    {
        AgentIds = { "agent-1" },
        Metric = "cpu.usage_percent",
        Start = Timestamp.FromDateTimeOffset(Start),
        End = Timestamp.FromDateTimeOffset(Start.AddHours(1)),
        Step = Duration.FromTimeSpan(TimeSpan.FromMinutes(1)),
        Aggregation = Aggregation.Avg,
    };
}
