namespace SentinelSync.Rpc.Tests.Interop;

/// <summary>Every official interop case against Python grpcio over h2c.</summary>
public class PlaintextInteropTests : IClassFixture<PlaintextPythonInteropServer>
{
    private readonly PlaintextPythonInteropServer _server;

    public PlaintextInteropTests(PlaintextPythonInteropServer server) => _server = server;

    public static TheoryData<string> Cases => InteropCaseRunner.Cases;

    [Theory]
    [MemberData(nameof(Cases))]
    public Task InteropCase_PythonServerPlaintext_Passes(string testCase) => InteropCaseRunner.RunAsync(_server, useTls: false, testCase);
}
