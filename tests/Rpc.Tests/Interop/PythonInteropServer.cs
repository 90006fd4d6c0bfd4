using System.Diagnostics;
using System.Globalization;
using System.Text;
using SentinelSync.Rpc.Tests.Infrastructure;
using SentinelSync.Testing;

namespace SentinelSync.Rpc.Tests.Interop;

/// <summary>
/// The Python grpcio interop server (tests/Interop/python/interop_server.py) as a process for the
/// lifetime of a test class: an implementation nobody here wrote.
/// </summary>
public abstract class PythonInteropServer : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly bool _useTls;
    private readonly StringBuilder _stderr = new();
    private Process? _process;

    protected PythonInteropServer(bool useTls) => _useTls = useTls;

    public int Port { get; private set; }

    /// <summary>What the server logged so far, for failure messages.</summary>
    public string Log
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public async Task InitializeAsync()
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            ArgumentList =
            {
                RepositoryRoot.Combine("tests/Interop/python/interop_server.py"),
                "--port=0",
                _useTls ? "--use_tls=true" : "--use_tls=false",
            },
        };
        _process = Process.Start(start) ?? throw new InvalidOperationException("python3 did not start.");
        _process.ErrorDataReceived += (_, e) =>
        {
            lock (_stderr)
            {
                _stderr.AppendLine(e.Data);
            }
        };
        _process.BeginErrorReadLine();

        using var timeout = new CancellationTokenSource(StartTimeout);
        try
        {
            while (await _process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                const string Prefix = "listening on port ";
                if (line.StartsWith(Prefix, StringComparison.Ordinal))
                {
                    Port = int.Parse(line.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture);
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            throw new TimeoutException($"The interop server did not start within {StartTimeout}. Its log:\n{Log}");
        }

        throw new InvalidOperationException($"The interop server exited without listening. Its log:\n{Log}");
    }

    public async Task DisposeAsync()
    {
        if (_process is null)
        {
            return;
        }

        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync().WithTimeout();
        _process.Dispose();
    }
}
