using Microsoft.Extensions.Options;

namespace SentinelSync.Security.Tests;

/// <summary>A bad setting stops start-up with a message naming it.</summary>
public sealed class SecurityOptionsTests
{
    [Theory]
    [InlineData("", "Security:InternalSigningKey is required")]
    [InlineData("c2hvcnQ=", "Security:InternalSigningKey must be base64 of exactly 32 bytes")]
    public async Task Start_BadSigningKey_FailsNamingSetting(string key, string message)
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SecurityTestHost.StartAsync(new Dictionary<string, string?> { ["Security:InternalSigningKey"] = key }));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_AccessTokenLifetimeOutOfRange_FailsNamingSetting()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            SecurityTestHost.StartAsync(new Dictionary<string, string?> { ["Security:AccessTokenLifetime"] = "1.00:00:00" }));

        Assert.Contains("Security:AccessTokenLifetime", error.Message, StringComparison.Ordinal);
    }
}
