using Microsoft.Extensions.Options;

namespace SentinelSync.Server.Hosting;

/// <summary>Checks every server setting at start-up; each failure names its setting.</summary>
internal sealed class ServerOptionsValidator : IValidateOptions<ServerOptions>
{
    private static readonly TimeSpan MaxDrainTimeout = TimeSpan.FromMinutes(10);

    public ValidateOptionsResult Validate(string? name, ServerOptions options)
    {
        var failures = new List<string>();
        if (!RoleSet.TryParse(options.Roles, out _, out var rolesError))
        {
            failures.Add($"Roles: {rolesError}");
        }

        var anyTls = false;
        foreach (var (setting, value) in new[]
        {
            ("Listen:Operator", options.Listen.Operator),
            ("Listen:Agent", options.Listen.Agent),
            ("Listen:Management", options.Listen.Management),
        })
        {
            if (!ListenAddress.TryParse(value, out var address, out var error))
            {
                failures.Add($"{setting}: {error}");
            }
            else
            {
                anyTls |= address.Tls;
            }
        }

        if (anyTls && (string.IsNullOrEmpty(options.Tls.CertificatePath) || string.IsNullOrEmpty(options.Tls.KeyPath)))
        {
            failures.Add("Tls:CertificatePath and Tls:KeyPath: an https:// endpoint needs both PEM files.");
        }

        foreach (var (setting, path) in new[] { ("Tls:CertificatePath", options.Tls.CertificatePath), ("Tls:KeyPath", options.Tls.KeyPath) })
        {
            if (!string.IsNullOrEmpty(path) && !File.Exists(path))
            {
                failures.Add($"{setting}: file '{path}' does not exist.");
            }
        }

        if (options.Shutdown.DrainTimeout < TimeSpan.Zero || options.Shutdown.DrainTimeout > MaxDrainTimeout)
        {
            failures.Add($"Shutdown:DrainTimeout: {options.Shutdown.DrainTimeout} is outside 00:00:00 to {MaxDrainTimeout}.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
