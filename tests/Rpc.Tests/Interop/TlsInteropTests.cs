namespace SentinelSync.Rpc.Tests.Interop;

/// <summary>Every official interop case against Python grpcio over TLS (ALPN h2), trusting the test CA.</summary>
public class TlsInteropTests : IClassFixture<TlsPythonInteropServer>
{
    private readonly TlsPythonInteropServer _server;

    public TlsInteropTests(TlsPythonInteropServer server) => _server = server;

    public static TheoryData<string> Cases => InteropCaseRunner.Cases;

    [Theory]
    [MemberData(nameof(Cases))]
    public Task InteropCase_PythonServerTls_Passes(string testCase) => InteropCaseRunner.RunAsync(_server, useTls: true, testCase);
}
