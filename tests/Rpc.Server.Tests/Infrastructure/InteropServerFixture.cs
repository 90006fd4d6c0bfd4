using SentinelSync.InteropServer;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>The interop server, in-process, plaintext (h2c) and TLS (ALPN h2), shared by the interop cases.</summary>
public sealed class InteropServerFixture : IAsyncLifetime
{
    private RunningInteropServer? _plain;
    private RunningInteropServer? _tls;

    public RunningInteropServer Plain => _plain ?? throw new InvalidOperationException("The fixture is not initialized.");

    public RunningInteropServer Tls => _tls ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Call);
        _plain = await InteropServerHost.StartAsync(new InteropServerOptions { Port = 0 }, timeout.Token);
        _tls = await InteropServerHost.StartAsync(new InteropServerOptions { Port = 0, UseTls = true }, timeout.Token);
    }

    public async Task DisposeAsync()
    {
        if (_tls is not null)
        {
            await _tls.DisposeAsync();
        }

        if (_plain is not null)
        {
            await _plain.DisposeAsync();
        }
    }
}
