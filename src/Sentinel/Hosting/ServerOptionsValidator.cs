using Microsoft.Extensions.Options;

namespace SentinelSync.Server.Hosting;

/// <summary>Checks every server setting at start-up; each failure names its setting.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    private static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        var rolesValid = RoleSet.TryParse(options.Roles, out var roles, out var rolesError);
        if (!rolesValid)
        {
            failures.Add($"Roles: {rolesError}");
        }

        var needsCertificate = false;
        var ports = new Dictionary<int, string>();
        foreach (var (setting, value, served) in new[]
        {
            ("Listen:Operator", options.Listen.Operator, !rolesValid || roles.Contains("gateway")),
            ("Listen:Internal", options.Listen.Internal, true),
            ("Listen:Agent", options.Listen.Agent, !rolesValid || roles.Contains("agent-gateway")),
            ("Listen:Management", options.Listen.Management, true),
        })
        {
            if (!ListenAddress.TryParse(value, out var address, out var error))
            {
                failures.Add($"{setting}: {error}");
                continue;
            }

            if (!served)
            {
                continue;
            }

            // Endpoints are told apart by port (EndpointPortPolicy), so each needs its own fixed one.
            if (address.Port == 0)
            {
                failures.Add($"{setting}: '{value}' has port 0; give a fixed port.");
            }
            else if (!ports.TryAdd(address.Port, setting))
            {
                failures.Add($"{setting}: port {address.Port} is already used by {ports[address.Port]}; give each endpoint its own port.");
            }

            var isOperator = setting == "Listen:Operator";
            needsCertificate |= address.Tls && !(isOperator && options.Tls.Mode == TlsMode.Off) && setting != "Listen:Agent";
        }

        var configured = !string.IsNullOrEmpty(options.Tls.CertificatePath) || !string.IsNullOrEmpty(options.Tls.KeyPath);
        if (configured && (string.IsNullOrEmpty(options.Tls.CertificatePath) || string.IsNullOrEmpty(options.Tls.KeyPath)))
        {
            failures.Add("Tls:CertificatePath and Tls:KeyPath: give both PEM files, or neither.");
        }
        else if (needsCertificate && !configured && rolesValid && !IsSingleNode(roles))
        {
            failures.Add("Tls:CertificatePath and Tls:KeyPath: an https:// endpoint needs both PEM files (a self-signed certificate is generated only in single-node mode, Roles=all); or set Tls:Mode=Off for an h2c operator edge.");
        }

        foreach (var (setting, path) in new[] { ("Tls:CertificatePath", options.Tls.CertificatePath), ("Tls:KeyPath", options.Tls.KeyPath) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                failures.Add($"{setting}: file '{path}' does not exist.");
            }
        }

        if (!Enum.IsDefined(options.Tls.Mode))
        {
            failures.Add($"Tls:Mode: '{options.Tls.Mode}' is not Auto or Off.");
        }

        if (options.Shutdown.DrainTimeout < TimeSpan.Zero || options.Shutdown.DrainTimeout > MaxDrainTimeout)
        {
            failures.Add($"Shutdown:DrainTimeout: {options.Shutdown.DrainTimeout} is outside 00:00:00 to {MaxDrainTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Single-node mode: every role in this one process.</summary>
    public static bool IsSingleNode(RoleSet roles) => RoleSet.Known.All(roles.Contains);
}
