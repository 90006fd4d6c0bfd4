namespace SentinelSync.Rpc.Server.Tests;

/// <summary>
/// The official interop cases (grpc/grpc doc/interop-test-descriptions.md), run by the Python grpcio client —
/// an implementation nobody here wrote — against the interop server on this runtime, plaintext and TLS.
/// </summary>
public sealed class InteropTests : IClassFixture<InteropServerFixture>
{
    private static readonly string[] AllCases =
    [
        "empty_unary",
        "large_unary",
        "client_compressed_unary",
        "server_compressed_unary",
        "client_streaming",
        "client_compressed_streaming",
        "server_streaming",
        "server_compressed_streaming",
        "ping_pong",
        "empty_stream",
        "timeout_on_sleeping_server",
        "cancel_after_begin",
        "cancel_after_first_response",
        "custom_metadata",
        "status_code_and_message",
        "special_status_message",
        "unimplemented_method",
        "unimplemented_service",
    ];

    private readonly InteropServerFixture _servers;

    public InteropTests(InteropServerFixture servers) => _servers = servers;

    public static TheoryData<string, bool> Cases
    {
        get
        {
            var cases = new TheoryData<string, bool>();
            foreach (var useTls in new[] { false, true })
            {
                foreach (var testCase in AllCases)
                {
                    cases.Add(testCase, useTls);
                }
            }

            return cases;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task PythonInteropClient_Case_Passes(string testCase, bool useTls)
    {
        var server = useTls ? _servers.Tls : _servers.Plain;

        var run = await PythonInteropClient.RunAsync(server.Port, testCase, useTls);

        Assert.True(
            run.ExitCode == 0 && run.Stdout.Contains($"PASS {testCase}", StringComparison.Ordinal),
            $"interop_client.py --test_case={testCase} --use_tls={useTls} exited {run.ExitCode}:\n{run.Stdout}\n{run.Stderr}");
    }
}
