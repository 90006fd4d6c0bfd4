namespace SentinelSync.Server.Hosting;

/// <summary>Where settings come from, in rising precedence: appsettings.json, <c>SENTINEL__</c> environment, command line.</summary>
internal static class ConfigurationBuilderExtensions
{
    private static readonly Dictionary<string, string> SwitchMappings = new(StringComparer.Ordinal)
    {
        ["--roles"] = "Roles",
    };

    public static IConfigurationBuilder AddSentinelConfiguration(this IConfigurationBuilder configuration, string[] args) =>
        configuration
            .AddEnvironmentVariables("SENTINEL__")
            .AddCommandLine(args, SwitchMappings);
}
