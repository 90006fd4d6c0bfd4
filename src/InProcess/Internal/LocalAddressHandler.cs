using System.Net;

namespace SentinelSync.InProcess.Internal;

/// <summary>Sends requests for this process's internal endpoint into the application; every other one to the network.</summary>
internal sealed class LocalAddressHandler : DelegatingHandler
{
    private readonly InProcessServer _server;
    private readonly string _scheme;
    private readonly string _host;
    private readonly int _port;
    private readonly IPEndPoint _local;

    public LocalAddressHandler(InProcessServer server, Uri localAddress, IPEndPoint local, HttpMessageHandler network)
        : base(network)
    {
        _server = server;
        _scheme = localAddress.Scheme;
        _host = localAddress.IdnHost;
        _port = localAddress.Port;
        _local = local;
    }

    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is not { } uri || uri.Port != _port
            || !string.Equals(uri.IdnHost, _host, StringComparison.OrdinalIgnoreCase)
            || !string.Equals(uri.Scheme, _scheme, StringComparison.OrdinalIgnoreCase))
        {
            return base.SendAsync(request, cancellationToken);
        }

        cancellationToken.ThrowIfCancellationRequested();
        var exchange = new InProcessExchange(request, _local, cancellationToken);
        if (!_server.TryStart(exchange))
        {
            exchange.Dispose();
            throw new HttpRequestException(
                HttpRequestError.ConnectionError,
                $"{uri.GetLeftPart(UriPartial.Authority)} is this process, which is not serving (starting or stopping).");
        }

        return exchange.Response;
    }
}
