namespace SentinelSync.Server.Tests;

public sealed class ConfigurationTests
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData("--roles", "bogus", "Roles: unknown role 'bogus'")]
    [InlineData("--roles", "asset,,nope", "Roles: unknown role 'nope'")]
    [InlineData("--Listen:Management", "ftp://127.0.0.1:1", "Listen:Management: 'ftp://127.0.0.1:1' is not an absolute http:// or https:// URL")]
    [InlineData("--Listen:Operator", "http://127.0.0.1", "Listen:Operator: 'http://127.0.0.1' has no port")]
    [InlineData("--Shutdown:DrainTimeout", "01:00:00", "Shutdown:DrainTimeout:")]
    [InlineData("--Shutdown:DrainTimeout", "soon", "Shutdown:DrainTimeout")]
    [InlineData("--Database:ConnectionString", "Hots=nowhere", "Database:ConnectionString:")]
    [InlineData("--Listen:Internal", "http://127.0.0.1:0", "Listen:Internal: 'http://127.0.0.1:0' has port 0")]
    [InlineData("--Tls:Mode", "Sometimes", "Tls:Mode")]
    [InlineData("--Gateway:LoadBalancingPolicy", "Sticky", "Gateway:LoadBalancingPolicy: 'Sticky'")]
    public async Task Run_InvalidSetting_ExitsWithMessageNamingIt(string setting, string value, string expected)
    {
        await using var server = await SentinelProcess.StartAsync([setting, value], waitForStart: false);

        var exitCode = await server.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains(expected, server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_InvalidSettingFromEnvironment_ExitsWithMessageNamingIt()
    {
        await using var server = await SentinelProcess.StartAsync([], new Dictionary<string, string> { ["SENTINEL__Roles"] = "asset,warp-drive" }, waitForStart: false);

        var exitCode = await server.WaitForExitAsync(ExitTimeout);

        Assert.Equal(2, exitCode);
        Assert.Contains("Roles: unknown role 'warp-drive'", server.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_CommandLineOverridesEnvironment_StartsWithCommandLineRoles()
    {
        await using var server = await SentinelProcess.StartAsync(["--roles", "log,insight"], new Dictionary<string, string> { ["SENTINEL__Roles"] = "bogus" });

        Assert.Contains("started with roles log,insight", server.StandardOutput, StringComparison.Ordinal);
    }
}
