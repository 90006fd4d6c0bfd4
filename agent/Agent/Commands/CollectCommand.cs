using System.CommandLine;
using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Configuration;

namespace SentinelSync.Agent.Commands;

/// <summary><c>sentinel-agent collect --once [--json]</c>: runs every collector on this host and prints the result.</summary>
internal static class CollectCommand
{
    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Collect one inventory and one metric batch, print them and exit." };
        var json = new Option<bool>("--json") { Description = "Print JSON (protobuf JSON mapping) instead of text." };
        var config = new Option<FileInfo?>("--config") { Description = "Read collector settings from this agent.yaml." };
        var procRoot = new Option<string?>("--proc-root") { Description = "Read procfs here instead of /proc." };
        var sysRoot = new Option<string?>("--sys-root") { Description = "Read sysfs here instead of /sys." };
        var etcRoot = new Option<string?>("--etc-root") { Description = "Read os-release and hostname here instead of /etc." };
        var interval = new Option<string>("--sample-interval")
        {
            Description = "Time between the two metric samples that rates are computed from.",
            DefaultValueFactory = _ => "1s",
        };
        var verbose = new Option<bool>("--verbose") { Description = "Log each collector's duration to stderr." };

        var command = new Command("collect", "Run the collectors on this host and print what they found.")
        {
            once, json, config, procRoot, sysRoot, etcRoot, interval, verbose,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!result.GetValue(once))
            {
                await Console.Error.WriteLineAsync("collect: only --once is available; the daemon's loop is `sentinel-agent run`.".AsMemory(), cancellationToken);
                return 2;
            }

            if (!DurationText.TryParse(result.GetValue(interval)!, out var sampleInterval))
            {
                await Console.Error.WriteLineAsync($"--sample-interval: expected {DurationText.Expected}".AsMemory(), cancellationToken);
                return 2;
            }

            CollectorOptions collectors;
            try
            {
                collectors = result.GetValue(config) is { } file ? AgentConfigurationReader.Load(file.FullName).Collectors : new CollectorOptions();
            }
            catch (AgentConfigurationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message.AsMemory(), cancellationToken);
                return 2;
            }

            collectors.ProcRoot = result.GetValue(procRoot) ?? collectors.ProcRoot;
            collectors.SysRoot = result.GetValue(sysRoot) ?? collectors.SysRoot;
            collectors.EtcRoot = result.GetValue(etcRoot) ?? collectors.EtcRoot;
            using var loggerFactory = LoggerFactory.Create(logging => logging
                .SetMinimumLevel(result.GetValue(verbose) ? LogLevel.Debug : LogLevel.Warning)
                .AddSimpleConsole(console => console.SingleLine = true)
                .AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace));
            return await RunOnceAsync(collectors, sampleInterval, result.GetValue(json), loggerFactory, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunOnceAsync(
        CollectorOptions options, TimeSpan sampleInterval, bool json, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var environment = CollectorEnvironment.Live(options);
        var host = BuiltInCollectors.CreateHost(environment, options.Disabled, loggerFactory);

        // 1. Inventory. 2. A first metric round primes the rate collectors. 3. The second round is the batch.
        var inventory = host.CollectInventory(cancellationToken);
        host.CollectMetrics(cancellationToken);
        await Task.Delay(sampleInterval, environment.TimeProvider, cancellationToken);
        var metrics = host.CollectMetrics(cancellationToken);

        if (json)
        {
            using var stdout = Console.OpenStandardOutput();
            CollectionOutput.WriteJson(stdout, inventory, metrics);
        }
        else
        {
            CollectionOutput.WriteText(Console.Out, inventory, metrics);
        }

        return inventory.Reports.Concat(metrics.Reports).All(report => report.Succeeded) ? 0 : 1;
    }
}
