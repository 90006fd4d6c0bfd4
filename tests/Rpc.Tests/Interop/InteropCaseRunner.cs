using SentinelSync.InteropClient;
using SentinelSync.Rpc.Tests.Infrastructure;

namespace SentinelSync.Rpc.Tests.Interop;

/// <summary>Runs one official interop case in-process and fails the test with the case's reason.</summary>
internal static class InteropCaseRunner
{
    public static TheoryData<string> Cases => [.. InteropTestCases.All];

    public static async Task RunAsync(PythonInteropServer server, bool useTls, string testCase)
    {
        var options = new InteropClientOptions
        {
            ServerHost = "127.0.0.1",
            ServerPort = server.Port,
            UseTls = useTls,
            UseTestCa = useTls,
            ServerHostOverride = useTls ? InteropClientOptions.DefaultServerHostOverride : null,
            RpcTimeout = TestTimeouts.Default,
        };
        using var channel = InteropRunner.CreateChannel(options);
        var cases = new InteropTestCases(channel, options.ServerHostOverride, options.RpcTimeout);

        var failure = await InteropRunner.RunCaseAsync(cases, testCase, CancellationToken.None).WithTimeout(TimeSpan.FromSeconds(60));

        Assert.True(failure is null, $"{testCase}: {failure}\nServer log:\n{server.Log}");
    }
}
