using SentinelSync.Gateway.Transcoding;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Adds REST/JSON transcoding to an application's services.</summary>
public static class TranscodingServiceCollectionExtensions
{
    /// <summary>
    /// Adds what transcoding endpoints need: routing and <see cref="TranscodingOptions"/>, bound from the
    /// <c>Transcoding</c> section and validated at start-up. Map the endpoints with <c>MapTranscoding</c>.
    /// </summary>
    /// <param name="services">The application's services.</param>
    /// <param name="configure">Adjusts the options after configuration is bound.</param>
    public static IServiceCollection AddTranscoding(this IServiceCollection services, Action<TranscodingOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddRouting();
        var options = services.AddOptions<TranscodingOptions>().BindConfiguration(TranscodingOptions.SectionName);
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => o.MaxRequestBodySize > 0, "Transcoding:MaxRequestBodySize must be a positive number of bytes.")
            .Validate(o => o.ForwardedHeaders.All(h => !string.IsNullOrWhiteSpace(h) && h.All(c => c > ' ' && c < 127 && c != ':')), "Transcoding:ForwardedHeaders must hold header names only (printable ASCII, no ':' or spaces).")
            .ValidateOnStart();
        return services;
    }
}
