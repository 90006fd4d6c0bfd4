using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;

namespace SentinelSync.InteropServer;

/// <summary>
/// Builds and starts the interop server: grpc.testing.TestService, reflection and health on 127.0.0.1 and
/// [::1] (one port for both), h2c or TLS with ALPN h2. Used by <c>Program</c> and, in-process, by tests.
/// </summary>
public static class InteropServerHost
{
    private const int StartAttempts = 5;

    /// <summary>Starts a server; with port 0 it picks a port free on both loopback addresses.</summary>
    /// <param name="options">Port and TLS.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    /// <param name="configure">Changes the application before it is built (tests add services or logging).</param>
    public static async Task<RunningInteropServer> StartAsync(InteropServerOptions options, CancellationToken cancellationToken, Action<WebApplicationBuilder>? configure = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = options.Port != 0 ? options.Port : FindFreePort();
            var app = Build(port, options.UseTls, configure);
            try
            {
                await app.StartAsync(cancellationToken);
                return new RunningInteropServer(app, port);
            }
            catch (IOException) when (options.Port == 0 && attempt < StartAttempts)
            {
                // Another process took the port between the probe and the bind: probe again.
                await app.DisposeAsync();
            }
            catch
            {
                await app.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Builds the application without starting it.</summary>
    public static WebApplication Build(int port, bool useTls, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(InteropServerHost).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        if (useTls)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        var certificate = useTls ? LoadCertificate() : null;
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(IPAddress.Loopback, port, listen => ConfigureListener(listen, certificate));
            if (Socket.OSSupportsIPv6)
            {
                kestrel.Listen(IPAddress.IPv6Loopback, port, listen => ConfigureListener(listen, certificate));
            }
        });

        builder.Services.AddGrpc();
        builder.Services.AddGrpcReflection();
        builder.Services.AddGrpcHealthChecks();
        configure?.Invoke(builder);

        var app = builder.Build();
        app.MapGrpcService<TestServiceImpl>();
        app.MapGrpcReflectionService();
        app.MapGrpcHealthChecksService();
        return app;
    }

    private static void ConfigureListener(ListenOptions listen, X509Certificate2? certificate)
    {
        listen.Protocols = HttpProtocols.Http2;
        if (certificate is not null)
        {
            // HTTP/2 only: ALPN offers h2 alone.
            listen.UseHttps(certificate);
        }
    }

    private static X509Certificate2 LoadCertificate()
    {
        var directory = Path.Combine(AppContext.BaseDirectory, "certs");
        return X509Certificate2.CreateFromPemFile(Path.Combine(directory, "server1.pem"), Path.Combine(directory, "server1.key"));
    }

    private static int FindFreePort()
    {
        for (var attempt = 0; ; attempt++)
        {
            using var v4 = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            v4.Bind(new IPEndPoint(IPAddress.Loopback, 0));
            var port = ((IPEndPoint)v4.LocalEndPoint!).Port;
            if (!Socket.OSSupportsIPv6)
            {
                return port;
            }

            // The same port must be free on [::1] too.
            try
            {
                using var v6 = new Socket(AddressFamily.InterNetworkV6, SocketType.Stream, ProtocolType.Tcp);
                v6.Bind(new IPEndPoint(IPAddress.IPv6Loopback, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
