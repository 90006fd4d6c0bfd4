using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Http.Features;
using SentinelSync.InProcess.Internal;

namespace SentinelSync.InProcess;

/// <summary>
/// The host's server (Kestrel), wrapped so the application it runs can also be handed requests in memory
/// (<see cref="CreateHandler"/>). Everything else is the wrapped server's: its listeners, features and shutdown.
/// </summary>
/// <remarks>Registered by <see cref="InProcessServiceCollectionExtensions.AddInProcessServer"/>.</remarks>
public sealed class InProcessServer : IServer
{
    private readonly IServer _inner;
    private volatile InProcessApplication? _application;

    /// <param name="inner">The server that listens.</param>
    public InProcessServer(IServer inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        _inner = inner;
    }

    /// <inheritdoc />
    public IFeatureCollection Features => _inner.Features;

    /// <summary>True between start and stop: in-memory requests are served.</summary>
    public bool IsServing => _application is not null;

    /// <summary>
    /// A handler that sends a request for <paramref name="localAddress"/> (this process's internal endpoint, e.g.
    /// <c>http://127.0.0.1:7403</c>) into the application in memory, as a request arriving on that endpoint from a
    /// loopback peer, and every other request to <paramref name="network"/>. Before the server starts and after it
    /// stops, a local request fails as a refused connection would (<see cref="HttpRequestError.ConnectionError"/>).
    /// </summary>
    /// <param name="localAddress">The address whose requests stay in the process: scheme, host and port.</param>
    /// <param name="network">The handler for every other address.</param>
    /// <exception cref="ArgumentException"><paramref name="localAddress"/> is not an absolute http(s) address with a port.</exception>
    public HttpMessageHandler CreateHandler(Uri localAddress, HttpMessageHandler network)
    {
        ArgumentNullException.ThrowIfNull(localAddress);
        ArgumentNullException.ThrowIfNull(network);
        if (!localAddress.IsAbsoluteUri || (localAddress.Scheme != Uri.UriSchemeHttp && localAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"'{localAddress}' is not an http(s) address.", nameof(localAddress));
        }

        var local = new IPEndPoint(IPAddress.TryParse(localAddress.IdnHost, out var ip) ? ip : IPAddress.Loopback, localAddress.Port);
        return new LocalAddressHandler(this, localAddress, local, network);
    }

    /// <inheritdoc />
    public async Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
        where TContext : notnull
    {
        await _inner.StartAsync(application, cancellationToken).ConfigureAwait(false);
        _application = new InProcessApplication<TContext>(application);
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken)
    {
        // New local requests are refused from now on; those in flight finish with the requests that wait for them,
        // which the wrapped server drains.
        _application = null;
        return _inner.StopAsync(cancellationToken);
    }

    /// <inheritdoc />
    public void Dispose() => _inner.Dispose();

    /// <summary>Starts <paramref name="exchange"/> in the application; false when the server is not serving.</summary>
    internal bool TryStart(InProcessExchange exchange)
    {
        if (_application is not { } application)
        {
            return false;
        }

        exchange.Run(application);
        return true;
    }
}
