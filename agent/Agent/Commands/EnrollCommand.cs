using System.CommandLine;
using SentinelSync.Agent.Configuration;
using SentinelSync.Agent.Identity;

namespace SentinelSync.Agent.Commands;

/// <summary>
/// <c>sentinel-agent enroll --server URL --token T --ca-fingerprint HEX [--config PATH] [--force]</c>:
/// trades an enrollment token for the agent's identity and prints the agent id.
/// </summary>
internal static class EnrollCommand
{
    public static Command Create()
    {
        var server = new Option<string>("--server") { Description = "The platform's agent endpoint, e.g. https://sentinel.example.com:7401.", Required = true };
        var token = new Option<string>("--token") { Description = "The enrollment token's secret.", Required = true };
        var fingerprint = new Option<string>("--ca-fingerprint")
        {
            Description = "SHA-256 of the platform CA certificate (hex), given with the token; the server must prove it.",
            Required = true,
        };
        var config = ConfigurationOption.Create();
        var force = new Option<bool>("--force") { Description = "Replace an existing identity (and drop what it spooled)." };
        var hostname = new Option<string>("--hostname")
        {
            Description = "The host name to enroll as. Default: this machine's.",
            DefaultValueFactory = _ => Environment.MachineName,
        };

        var command = new Command("enroll", "Enroll this agent with the platform: exchange a token for a client certificate.")
        {
            server, token, fingerprint, config, force, hostname,
        };
        command.SetAction(async (result, cancellationToken) =>
        {
            if (!CaFingerprint.TryNormalize(result.GetValue(fingerprint)!, out var pin))
            {
                await Console.Error.WriteLineAsync($"--ca-fingerprint: expected {CaFingerprint.Expected}".AsMemory(), cancellationToken);
                return ExitCodes.Usage;
            }

            if (!Uri.TryCreate(result.GetValue(server), UriKind.Absolute, out var serverUrl))
            {
                await Console.Error.WriteLineAsync($"--server: '{result.GetValue(server)}' is not an absolute URL, e.g. https://sentinel.example.com:7401".AsMemory(), cancellationToken);
                return ExitCodes.Usage;
            }

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

            try
            {
                var agentId = await Enrollment.EnrollAsync(
                    serverUrl, result.GetValue(token)!, pin, options.StateDirectory, result.GetValue(hostname)!, result.GetValue(force), options.Reconnect, cancellationToken);
                await Console.Out.WriteLineAsync(agentId.AsMemory(), cancellationToken);
                return ExitCodes.Ok;
            }
            catch (EnrollmentException ex)
            {
                await Console.Error.WriteLineAsync($"enroll: {ex.Message}".AsMemory(), cancellationToken);
                return ex.ExitCode;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                await Console.Error.WriteLineAsync($"enroll: cannot write the identity under {options.StateDirectory}: {ex.Message}".AsMemory(), cancellationToken);
                return ExitCodes.Failure;
            }
        });
        return command;
    }
}
