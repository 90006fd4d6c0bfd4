using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Tests.Support;

namespace SentinelSync.Agent.Tests.Collectors;

public sealed class CounterRatesTests
{
    private readonly ManualTimeProvider _time = new();

    [Fact]
    public void Update_FirstRound_YieldsNothing()
    {
        var rates = new CounterRates(_time);

        Assert.Empty(rates.Update(new Dictionary<string, ulong> { ["eth0"] = 1000 }));
    }

    [Fact]
    public void Update_FiveSecondsOfFakeTime_DividesByElapsed()
    {
        var rates = new CounterRates(_time);
        rates.Update(new Dictionary<string, ulong> { ["eth0"] = 1000, ["lo"] = 10 });
        _time.Advance(TimeSpan.FromSeconds(5));

        var result = rates.Update(new Dictionary<string, ulong> { ["eth0"] = 1500, ["lo"] = 10 });

        Assert.Equal([new("eth0", 100.0), new("lo", 0.0)], result);
    }

    [Fact]
    public void Update_CounterWentBackwards_SkipsThatKeyForOneRound()
    {
        var rates = new CounterRates(_time);
        rates.Update(new Dictionary<string, ulong> { ["sda"] = 5000, ["vda"] = 100 });
        _time.Advance(TimeSpan.FromSeconds(10));
        var afterReset = rates.Update(new Dictionary<string, ulong> { ["sda"] = 200, ["vda"] = 200 });
        _time.Advance(TimeSpan.FromSeconds(10));

        var next = rates.Update(new Dictionary<string, ulong> { ["sda"] = 400, ["vda"] = 300 });

        Assert.Equal([new("vda", 10.0)], afterReset);
        Assert.Equal([new("sda", 20.0), new("vda", 10.0)], next);
    }

    [Fact]
    public void Update_NoTimePassed_YieldsNothing()
    {
        var rates = new CounterRates(_time);
        rates.Update(new Dictionary<string, ulong> { ["eth0"] = 1 });

        Assert.Empty(rates.Update(new Dictionary<string, ulong> { ["eth0"] = 2 }));
    }

    [Fact]
    public void Update_NewKey_AppearsFromItsSecondRound()
    {
        var rates = new CounterRates(_time);
        rates.Update(new Dictionary<string, ulong> { ["eth0"] = 0 });
        _time.Advance(TimeSpan.FromSeconds(1));

        var result = rates.Update(new Dictionary<string, ulong> { ["eth0"] = 10, ["wg0"] = 5 });

        Assert.Equal([new("eth0", 10.0)], result);
    }
}
