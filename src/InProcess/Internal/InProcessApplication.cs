using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;

namespace SentinelSync.InProcess.Internal;

/// <summary>The application the server runs, without its context type.</summary>
internal abstract class InProcessApplication
{
    /// <summary>Runs one request through the application: creates its context, processes it, disposes it.</summary>
    /// <param name="features">The request's features.</param>
    /// <param name="finish">Called when the application is done with the request, with its failure if it threw; before the context is disposed.</param>
    public abstract Task ProcessAsync(IFeatureCollection features, Func<Exception?, Task> finish);
}

/// <inheritdoc />
internal sealed class InProcessApplication<TContext> : InProcessApplication
    where TContext : notnull
{
    private readonly IHttpApplication<TContext> _application;

    public InProcessApplication(IHttpApplication<TContext> application) => _application = application;

    public override async Task ProcessAsync(IFeatureCollection features, Func<Exception?, Task> finish)
    {
        var context = _application.CreateContext(features);
        Exception? error = null;
        try
        {
            await _application.ProcessRequestAsync(context).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            error = ex;
        }

        try
        {
            await finish(error).ConfigureAwait(false);
        }
        finally
        {
            _application.DisposeContext(context, error);
        }
    }
}
