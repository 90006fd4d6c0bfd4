using SentinelSync.Agent.Tests.Gateway;
using SentinelSync.Agent.Tests.Support;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Commands;

/// <summary><c>sentinel-agent run</c> as a real process, with mTLS, against the fake platform.</summary>
public sealed class RunCommandTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _state = new();
    private readonly TestPki _pki = new();

    [Fact]
    public async Task Run_KilledMidStreamAndRestarted_NoSequenceLostOrDuplicated()
    {
        await using var gateway = await FakeGateway.StartAsync(_pki, requireClientCertificate: true);
        _pki.WriteIdentity(_state.Path, "agent-kill");
        var config = WriteConfig(gateway.Address);

        // 1. First life: the platform welcomes and acks up to 2, then the agent is killed -9 mid-stream.
        var firstLife = new List<ulong>();
        await using (var agent = RunningAgent.Start("run", "--config", config))
        {
            var stream = await gateway.AcceptAsync(Timeout);
            Assert.Equal("CN=agent-kill", stream.ClientSubject);
            var hello = await stream.ReceiveAsync(Timeout);
            Assert.Equal(ConnectRequest.BodyOneofCase.Hello, hello.BodyCase);
            await stream.WelcomeAsync(committed: 0);
            while (firstLife.Count < 4)
            {
                firstLife.Add((await stream.ReceiveDataAsync(Timeout)).Sequence);
            }

            await stream.AckAsync(2);
            await Task.Delay(300);
            await agent.KillAsync(Timeout);
        }

        Assert.Equal([1UL, 2UL, 3UL, 4UL], firstLife);

        // 2. Second life: Hello reports at least what was sent; after Welcome(2) the replay starts at 3, gap-free.
        await using (var agent = RunningAgent.Start("run", "--config", config))
        {
            var stream = await gateway.AcceptAsync(Timeout);
            var hello = await stream.ReceiveAsync(Timeout);
            Assert.True(hello.Hello.LastSequence >= 4, $"Hello.last_sequence {hello.Hello.LastSequence} after 4 were sent");
            await stream.WelcomeAsync(committed: 2);
            var secondLife = new List<ulong>();
            while (secondLife.Count < (int)hello.Hello.LastSequence)
            {
                secondLife.Add((await stream.ReceiveDataAsync(Timeout)).Sequence);
            }

            Assert.Equal(Enumerable.Range(3, secondLife.Count).Select(i => (ulong)i), secondLife);
            Assert.Contains(3UL, secondLife);
            Assert.Contains(4UL, secondLife);
            await agent.KillAsync(Timeout);
        }
    }

    [Fact]
    public async Task Run_Sigterm_ClosesTheStreamAndExitsZero()
    {
        await using var gateway = await FakeGateway.StartAsync(_pki, requireClientCertificate: true);
        _pki.WriteIdentity(_state.Path, "agent-term");
        await using var agent = RunningAgent.Start("run", "--config", WriteConfig(gateway.Address));
        var stream = await gateway.AcceptAsync(Timeout);
        await stream.ReceiveAsync(Timeout);
        await stream.WelcomeAsync(committed: 0);
        await stream.ReceiveDataAsync(Timeout);

        var exitCode = await agent.TerminateAsync(Timeout);

        Assert.True(exitCode == 0, $"exit {exitCode}\n{agent.Stderr}");
        await stream.WaitForEndAsync(Timeout);
        Assert.Contains("[3501]", agent.Stderr);
    }

    [Fact]
    public async Task Run_NotEnrolled_Exits7()
    {
        var (exitCode, _, stderr) = await AgentProcess.RunAsync(Timeout, "run", "--config", WriteConfig(new Uri("https://127.0.0.1:1")));

        Assert.Equal(7, exitCode);
        Assert.Contains("enroll", stderr);
    }

    [Fact]
    public async Task Run_ServerOfAnotherCa_NeverConnects()
    {
        using var otherPki = new TestPki("Impostor CA");
        await using var impostor = await FakeGateway.StartAsync(otherPki);
        _pki.WriteIdentity(_state.Path, "agent-pinned");
        await using var agent = RunningAgent.Start("run", "--config", WriteConfig(impostor.Address));

        // Wait for the agent's first failed attempt (its log line), however loaded the machine is.
        var deadline = DateTime.UtcNow + Timeout;
        while (!System.Text.RegularExpressions.Regex.IsMatch(agent.Stderr, @"\[320[23]\]") && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(agent.Stderr, @"\[320[23]\]"), agent.Stderr);
        Assert.False(impostor.Streams.Reader.TryRead(out _), "the agent opened a stream to a server of another CA");
    }

    public void Dispose()
    {
        _pki.Dispose();
        _state.Dispose();
    }

    private string WriteConfig(Uri server)
    {
        var path = Path.Combine(_state.Path, "agent.yaml");
        File.WriteAllText(path, $"""
            server_url: {server}
            state_directory: {_state.Path}
            collectors:
              metrics_interval: 1s
            reconnect:
              initial_delay: 100ms
              max_delay: 500ms
            """);
        return path;
    }
}
