using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
using SentinelSync.Testing;

namespace SentinelSync.Server.Tests;

/// <summary>A real <c>sentinel</c> process on free loopback ports, stopped with SIGTERM like systemd or Kubernetes would.</summary>
internal sealed partial class SentinelProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SentinelProcess(Process process, int operatorPort, int managementPort)
    {
        _process = process;
        OperatorPort = operatorPort;
        ManagementPort = managementPort;
    }

    public int OperatorPort { get; }

    public int ManagementPort { get; }

    public Uri OperatorAddress => new($"http://127.0.0.1:{OperatorPort}");

    public Uri ManagementAddress => new($"http://127.0.0.1:{ManagementPort}");

    public string StandardOutput
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string StandardError
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the server and waits until it says it started (or exits).</summary>
    public static async Task<SentinelProcess> StartAsync(IEnumerable<string> arguments, IDictionary<string, string>? environment = null, bool waitForStart = true)
    {
        var operatorPort = FreePort();
        var managementPort = FreePort();
        var agentPort = FreePort();
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerPath)!,
        };
        start.ArgumentList.Add(ServerPath);
        start.ArgumentList.Add($"--Listen:Operator=http://127.0.0.1:{operatorPort}");
        start.ArgumentList.Add($"--Listen:Management=http://127.0.0.1:{managementPort}");
        start.ArgumentList.Add($"--Listen:Agent=http://127.0.0.1:{agentPort}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new SentinelProcess(process, operatorPort, managementPort);
        process.OutputDataReceived += (_, e) => server.OnOutput(e.Data);
        process.ErrorDataReceived += (_, e) => server.OnError(e.Data);
        process.Exited += (_, _) => server._started.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        if (waitForStart)
        {
            await server._started.Task.WaitAsync(TimeSpan.FromSeconds(60));
            if (process.HasExited)
            {
                throw new InvalidOperationException($"sentinel exited with {process.ExitCode}: {server.StandardError}{server.StandardOutput}");
            }
        }

        return server;
    }

    /// <summary>Sends SIGTERM.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Waits for the process to exit and returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        await _process.WaitForExitAsync().WaitAsync(timeout);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private static string ServerPath
    {
        get
        {
            // tests/Sentinel.Tests/bin/<Configuration>/net10.0 → src/Sentinel/bin/<Configuration>/net10.0/sentinel.dll
            var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd('/')).Parent!.Name;
            var path = RepositoryRoot.Combine($"src/Sentinel/bin/{configuration}/net10.0/sentinel.dll");
            return File.Exists(path) ? path : throw new FileNotFoundException("Build src/Sentinel first.", path);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private void OnOutput(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_stdout)
        {
            _stdout.AppendLine(line);
        }

        if (line.Contains("SentinelSync started", StringComparison.Ordinal))
        {
            _started.TrySetResult();
        }
    }

    private void OnError(string? line)
    {
        if (line is not null)
        {
            lock (_stderr)
            {
                _stderr.AppendLine(line);
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
