using Microsoft.Extensions.Options;
using SentinelSync.Security.Internal;

namespace SentinelSync.Security.Tests;

public sealed class LoginThrottleTests
{
    [Fact]
    public void RetryAfter_FiveFailuresForUser_ThrottledUntilWindowPasses()
    {
        var clock = new ManualClock();
        var throttle = new LoginThrottle(TestSecurity.Options(), clock);
        for (var i = 0; i < 5; i++)
        {
            Assert.Null(throttle.RetryAfter("alice", "10.0.0." + i));
            throttle.RecordFailure("alice", "10.0.0." + i);
            clock.Advance(TimeSpan.FromSeconds(1));
        }

        var wait = throttle.RetryAfter("alice", "192.0.2.1");
        Assert.NotNull(wait);
        Assert.InRange(wait.Value, TimeSpan.FromMinutes(14), TimeSpan.FromMinutes(15));
        Assert.Null(throttle.RetryAfter("bob", "192.0.2.1"));

        clock.Advance(wait.Value);
        Assert.Null(throttle.RetryAfter("alice", "192.0.2.1"));
    }

    [Fact]
    public void RetryAfter_ManyUsersFromOneAddress_AddressThrottled()
    {
        var options = Options.Create(new SecurityOptions { InternalSigningKey = TestSecurity.SigningKey, MaxFailedLoginsPerAddress = 3 });
        var throttle = new LoginThrottle(options, new ManualClock());
        for (var i = 0; i < 3; i++)
        {
            throttle.RecordFailure("user" + i, "198.51.100.7");
        }

        Assert.NotNull(throttle.RetryAfter("someone-else", "198.51.100.7"));
        Assert.Null(throttle.RetryAfter("someone-else", "198.51.100.8"));
    }

    [Fact]
    public void RecordSuccess_ClearsUserFailures()
    {
        var throttle = new LoginThrottle(TestSecurity.Options(), new ManualClock());
        for (var i = 0; i < 4; i++)
        {
            throttle.RecordFailure("alice", "a" + i);
        }

        throttle.RecordSuccess("alice");
        throttle.RecordFailure("alice", "b");

        Assert.Null(throttle.RetryAfter("alice", "c"));
    }
}
