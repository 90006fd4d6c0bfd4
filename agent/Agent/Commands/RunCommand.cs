using System.CommandLine;
using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Collectors;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Connection;
using SentinelSync.Agent.Identity;
using SentinelSync.Agent.Logging;
using SentinelSync.Agent.Runtime;
using SentinelSync.Agent.Spool;

namespace SentinelSync.Agent.Commands;

/// <summary><c>sentinel-agent run [--config PATH]</c>: the daemon. Runs until SIGTERM or Ctrl-C, then closes the stream and exits 0.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var config = ConfigurationOption.Create();
        var verbose = new Option<bool>("--verbose") { Description = "Log at debug level." };
        var command = new Command("run", "Run the agent: collect, spool, and stream to the platform.") { config, verbose };
        command.SetAction(async (result, cancellationToken) =>
        {
            AgentOptions options;
            try
            {
                options = ConfigurationOption.Load(result.GetValue(config));
            }
            catch (AgentConfigurationException ex)
            {
                await Console.Error.WriteLineAsync(ex.Message.AsMemory(), cancellationToken);
                return ExitCodes.Usage;
            }

            AgentIdentity? identity;
            try
            {
                identity = AgentIdentity.Load(options.StateDirectory);
            }
            catch (InvalidDataException ex)
            {
                await Console.Error.WriteLineAsync($"run: {ex.Message}".AsMemory(), cancellationToken);
                return ExitCodes.NotEnrolled;
            }

            // Plain http (no identity) exists for tests against a local fake; a real platform is https with mTLS.
            if (identity is null && options.ServerUrl!.Scheme == Uri.UriSchemeHttps)
            {
                await Console.Error.WriteLineAsync($"run: not enrolled (no identity in {AgentIdentity.DirectoryOf(options.StateDirectory)}); run `sentinel-agent enroll` first".AsMemory(), cancellationToken);
                return ExitCodes.NotEnrolled;
            }

            using var loggerFactory = PlainLoggerProvider.CreateFactory(result.GetValue(verbose) ? LogLevel.Debug : LogLevel.Information);
            return await RunAsync(options, identity, loggerFactory, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(AgentOptions local, AgentIdentity? identity, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var logger = loggerFactory.CreateLogger("SentinelSync.Agent.Run");
        var configuration = EffectiveConfiguration.Load(local, loggerFactory.CreateLogger<EffectiveConfiguration>());
        var spoolOptions = configuration.Current.Spool;
        using var spool = AgentSpool.Open(spoolOptions, loggerFactory.CreateLogger<AgentSpool>());
        var wake = new WakeSignal();
        var trust = identity is null ? null : ServerCertificatePolicy.TrustOnly(identity.CaCertificate);
        var collection = new CollectionLoop(
            configuration,
            collectors => BuiltInCollectors.CreateHost(CollectorEnvironment.Live(collectors), collectors.Disabled, loggerFactory),
            spool,
            wake,
            TimeProvider.System,
            loggerFactory.CreateLogger<CollectionLoop>());
        var uplink = new AgentUplink(
            options => PlatformChannel.Create(options.ServerUrl!, trust, identity?.ClientCertificateContext, options.Reconnect),
            spool,
            configuration,
            wake,
            Environment.MachineName,
            TimeProvider.System,
            loggerFactory.CreateLogger<AgentUplink>());

        RunLog.Started(logger, AgentVersion.Current, identity?.AgentId ?? "(none)", local.ServerUrl!.ToString(), spool.LastSequence);
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var loops = new[] { collection.RunAsync(stopping.Token), uplink.RunAsync(stopping.Token) };
        var first = await Task.WhenAny(loops);
        await stopping.CancelAsync();
        var exitCode = ExitCodes.Ok;
        foreach (var loop in loops)
        {
            try
            {
                await loop;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
            }
            catch (Exception ex)
            {
                RunLog.LoopFailed(logger, ex);
                exitCode = ExitCodes.Failure;
            }
        }

        // A loop that returned on its own (not by a stop signal) is a failure too: the daemon must not idle half-alive.
        if (!cancellationToken.IsCancellationRequested && exitCode == ExitCodes.Ok && first.IsCompletedSuccessfully)
        {
            exitCode = ExitCodes.Failure;
        }

        RunLog.Stopped(logger, spool.LastSequence, uplink.CommittedSequence);
        return exitCode;
    }
}
