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

    private SentinelProcess(Process process, SentinelPorts ports, string dataDirectory, bool tls)
    {
        _process = process;
        Ports = ports;
        DataDirectory = dataDirectory;
        Tls = tls;
    }

    /// <summary>A fresh base64 32-byte key for <c>Security:InternalSigningKey</c> or <c>Asset:CaKeyEncryptionKey</c>.</summary>
    public static string NewKey() => Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32));

    /// <summary>The loopback ports it listens on; pass them to the next start to restart it in place.</summary>
    public SentinelPorts Ports { get; }

    public int OperatorPort => Ports.Operator;

    public int InternalPort => Ports.Internal;

    public int ManagementPort => Ports.Management;

    /// <summary>The agent endpoint: TLS from the platform CA, agents' client certificates.</summary>
    public Uri AgentAddress => new($"https://127.0.0.1:{Ports.Agent}");

    /// <summary>The process's <c>SENTINEL_DATA</c> (a fresh temporary directory, removed on dispose).</summary>
    public string DataDirectory { get; }

    /// <summary>Whether the operator edge serves TLS.</summary>
    public bool Tls { get; }

    /// <summary>The gateway's edge (h2c unless started with TLS).</summary>
    public Uri OperatorAddress => new($"{(Tls ? "https" : "http")}://127.0.0.1:{OperatorPort}");

    /// <summary>The roles' own gRPC endpoint (h2c).</summary>
    public Uri InternalAddress => new($"http://127.0.0.1:{InternalPort}");

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

    /// <summary>
    /// Starts the server and waits until it says it started (or exits). Unless told otherwise it gets a fresh data
    /// directory, a signing key and a CA key, and serves the operator edge as h2c (<c>Tls:Mode=Off</c>); later
    /// <paramref name="arguments"/> override those. It listens on free ports unless given <paramref name="ports"/>.
    /// </summary>
    public static async Task<SentinelProcess> StartAsync(
        IEnumerable<string> arguments, IDictionary<string, string>? environment = null, bool waitForStart = true, bool tls = false, SentinelPorts? ports = null)
    {
        var (operatorPort, managementPort, agentPort, internalPort) = ports ??= new SentinelPorts(FreePort(), FreePort(), FreePort(), FreePort());
        var dataDirectory = Directory.CreateTempSubdirectory("sentinel-data-").FullName;
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(ServerPath)!,
        };
        start.ArgumentList.Add(ServerPath);
        start.ArgumentList.Add($"--Listen:Operator={(tls ? "https" : "http")}://127.0.0.1:{operatorPort}");
        start.ArgumentList.Add($"--Listen:Internal=http://127.0.0.1:{internalPort}");
        start.ArgumentList.Add($"--Tls:Mode={(tls ? "Auto" : "Off")}");
        start.ArgumentList.Add($"--Security:InternalSigningKey={NewKey()}");
        start.ArgumentList.Add($"--Asset:CaKeyEncryptionKey={NewKey()}");
        start.ArgumentList.Add($"--Listen:Management=http://127.0.0.1:{managementPort}");
        start.ArgumentList.Add($"--Listen:Agent=https://127.0.0.1:{agentPort}");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_ENVIRONMENT"] = "Production";
        start.Environment["SENTINEL_DATA"] = dataDirectory;
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var server = new SentinelProcess(process, ports, dataDirectory, tls);
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

    /// <summary>
    /// Waits until the server is ready (<c>/readyz</c> answers 200) and its gRPC health says SERVING: roles finish
    /// their start-up (migrations, the agent gateway's trust) after the listeners open.
    /// </summary>
    public async Task WaitUntilReadyAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        using var http = new HttpClient { BaseAddress = ManagementAddress };
        using var channel = Grpc.Net.Client.GrpcChannel.ForAddress(InternalAddress);
        var health = new Grpc.Health.V1.Health.HealthClient(channel);
        while (true)
        {
            try
            {
                using var ready = await http.GetAsync(new Uri("/readyz", UriKind.Relative), cts.Token);
                var status = await health.CheckAsync(new Grpc.Health.V1.HealthCheckRequest(), cancellationToken: cts.Token);
                if (ready.StatusCode == HttpStatusCode.OK && status.Status == Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving)
                {
                    return;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or Grpc.Core.RpcException && !cts.IsCancellationRequested)
            {
                // Not listening or not answering yet.
            }

            if (HasExited)
            {
                throw new InvalidOperationException($"sentinel exited with {_process.ExitCode} before it was ready: {StandardError}{StandardOutput}");
            }

            await Task.Delay(200, cts.Token);
        }
    }

    /// <summary>Sends SIGTERM.</summary>
    public void Terminate()
    {
        if (Kill(_process.Id, 15) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed with errno {Marshal.GetLastPInvokeError()}.");
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crashed replica would vanish.</summary>
    public void Kill() => _process.Kill(entireProcessTree: true);

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
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a leftover temporary directory is harmless.
        }
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

/// <summary>The loopback ports of one <see cref="SentinelProcess"/>.</summary>
internal sealed record SentinelPorts(int Operator, int Management, int Agent, int Internal);
