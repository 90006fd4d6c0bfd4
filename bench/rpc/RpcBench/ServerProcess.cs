using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;

namespace SentinelSync.Bench.Rpc;

/// <summary>A benchmark server (<c>RpcBench serve</c>) running as its own process.</summary>
/// <remarks>Disposing closes the server's stdin, which stops it; a server that does not exit is killed.</remarks>
internal sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly HttpClient _http;

    private ServerProcess(Process process, string mode, Uri address)
    {
        _process = process;
        Mode = mode;
        Address = address;
        _http = new HttpClient
        {
            BaseAddress = address,
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
    }

    /// <summary>grpc or raw.</summary>
    public string Mode { get; }

    public Uri Address { get; }

    public static async Task<ServerProcess> StartAsync(string mode, CancellationToken cancellationToken)
    {
        var info = ChildProcess.Self("serve", "--mode", mode);
        info.RedirectStandardInput = true;
        info.RedirectStandardOutput = true;
        info.RedirectStandardError = true;
        info.UseShellExecute = false;
        var process = Process.Start(info) ?? throw new InvalidOperationException("Could not start the server.");
        try
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            while (true)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException($"The {mode} server exited before it was ready: {await process.StandardError.ReadToEndAsync(cancellationToken)}");
                if (line.StartsWith("READY ", StringComparison.Ordinal))
                {
                    var server = new ServerProcess(process, mode, new Uri(line["READY ".Length..]));

                    // Keep both pipes drained so console logging can never block the server.
                    _ = server.CollectAsync(process.StandardOutput);
                    _ = server.CollectAsync(process.StandardError);
                    return server;
                }
            }
        }
        catch (Exception ex)
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            if (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"The {mode} server did not report READY within 30 s.");
            }

            throw;
        }
    }

    public async Task<ServerStats> GetStatsAsync(CancellationToken cancellationToken) =>
        await _http.GetFromJsonAsync("/stats", BenchJson.Default.ServerStats, cancellationToken)
            ?? throw new InvalidOperationException("The server returned no stats.");

    /// <summary>What the server wrote after it was ready (warnings, crashes).</summary>
    public string Output()
    {
        lock (_output)
        {
            return _output.ToString().Trim();
        }
    }

    private async Task CollectAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        try
        {
            _process.StandardInput.Close();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }
        finally
        {
            _process.Dispose();
        }
    }
}
