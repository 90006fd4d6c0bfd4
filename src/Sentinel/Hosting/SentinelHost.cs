using Microsoft.Extensions.Options;

namespace SentinelSync.Server.Hosting;

/// <summary>Builds and runs the server; turns a bad setting into a message that names it and exit code 2.</summary>
internal static class SentinelHost
{
    /// <summary>Runs until SIGTERM/SIGINT, then drains in-flight calls and returns 0.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        try
        {
            var app = Build(args);
            await app.RunAsync();
            return 0;
        }
        catch (OptionsValidationException ex)
        {
            await Console.Error.WriteLineAsync("sentinel: invalid configuration:");
            foreach (var failure in ex.Failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return 2;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("Failed to convert configuration value", StringComparison.Ordinal))
        {
            // The binder's message names the setting and the value: "… at 'Shutdown:DrainTimeout' to type …".
            await Console.Error.WriteLineAsync("sentinel: invalid configuration:");
            await Console.Error.WriteLineAsync("  " + ex.Message);
            return 2;
        }
    }

    /// <summary>Composes the host: configuration, options, the chosen roles, endpoints.</summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(args);
        builder.Configuration.AddSentinelConfiguration(args);
        builder.AddSentinelServer();
        var app = builder.Build();
        app.MapSentinelServer();
        return app;
    }
}
