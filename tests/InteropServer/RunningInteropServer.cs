namespace SentinelSync.InteropServer;

/// <summary>A started interop server and the port it listens on.</summary>
public sealed class RunningInteropServer : IAsyncDisposable
{
    internal RunningInteropServer(WebApplication app, int port)
    {
        App = app;
        Port = port;
    }

    /// <summary>The running application.</summary>
    public WebApplication App { get; }

    /// <summary>The port, on 127.0.0.1 and [::1].</summary>
    public int Port { get; }

    /// <summary>Stops the server gracefully (in-flight calls drain) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        try
        {
            await App.StopAsync();
        }
        finally
        {
            await App.DisposeAsync();
        }
    }
}
