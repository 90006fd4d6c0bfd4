using Microsoft.Extensions.Logging.Abstractions;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Connection;
using SentinelSync.Agent.Runtime;
using SentinelSync.Agent.Spool;
using SentinelSync.Agent.Tests.Support;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Gateway;

/// <summary>An <see cref="AgentUplink"/> over a real spool in a temp state directory, pointed at a <see cref="FakeGateway"/>.</summary>
internal sealed class UplinkHarness : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(15);

    private readonly CancellationTokenSource _stop = new();
    private Task? _run;

    public UplinkHarness(Uri server, string? extraYaml = null, TempDirectory? state = null)
    {
        State = state ?? new TempDirectory();
        Local = AgentConfigurationReader.Parse(
            $"""
            server_url: {server}
            state_directory: {State.Path}
            reconnect:
              initial_delay: 50ms
              max_delay: 200ms
            {extraYaml}
            """,
            "test");
        Configuration = EffectiveConfiguration.Load(Local, NullLogger<EffectiveConfiguration>.Instance);
        Spool = AgentSpool.Open(Configuration.Current.Spool, NullLogger<AgentSpool>.Instance);
        Uplink = new AgentUplink(
            options => PlatformChannel.Create(options.ServerUrl!, null, null, options.Reconnect),
            Spool,
            Configuration,
            Wake,
            "test-host",
            TimeProvider.System,
            NullLogger<AgentUplink>.Instance,
            random: () => 0.5);
    }

    public TempDirectory State { get; }

    public AgentOptions Local { get; }

    public EffectiveConfiguration Configuration { get; }

    public AgentSpool Spool { get; }

    public WakeSignal Wake { get; } = new();

    public AgentUplink Uplink { get; }

    public static ConnectRequest Metrics(double value) => new()
    {
        Metrics = new MetricBatch { Samples = { new MetricSample { Name = "test.value", Value = value } } },
    };

    /// <summary>Spools reports as the collection loop would, and wakes the sender.</summary>
    public void SpoolMetrics(params double[] values)
    {
        foreach (var value in values)
        {
            Spool.Append(Metrics(value));
        }

        Wake.Notify();
    }

    public void Start() => _run = Uplink.RunAsync(_stop.Token);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_run is not null)
        {
            await _run.WaitAsync(Timeout);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        Spool.Dispose();
        State.Dispose();
    }
}
