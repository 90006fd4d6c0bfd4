using System.Diagnostics;
using System.Text;

namespace SentinelSync.Agent.Tests.Commands;

/// <summary>A long-running <c>sentinel-agent</c> process (the built dll beside the tests); killed on dispose.</summary>
internal sealed class RunningAgent : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stderr = new();

    private RunningAgent(Process process)
    {
        _process = process;
        _process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                lock (_stderr)
                {
                    _stderr.AppendLine(e.Data);
                }
            }
        };
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginErrorReadLine();
        _process.BeginOutputReadLine();
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static RunningAgent Start(params string[] arguments)
    {
        var start = AgentBinary.StartInfo(arguments);

        start.Environment["DOTNET_gcServer"] = "0";
        return new RunningAgent(Process.Start(start) ?? throw new InvalidOperationException("sentinel-agent did not start."));
    }

    /// <summary>SIGKILL: no chance to flush or close anything.</summary>
    public async Task KillAsync(TimeSpan timeout)
    {
        _process.Kill();
        await _process.WaitForExitAsync().WaitAsync(timeout);
    }

    /// <summary>SIGTERM, as systemd stops the unit; returns the exit code.</summary>
    public async Task<int> TerminateAsync(TimeSpan timeout)
    {
        using (var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) } })!)
        {
            await kill.WaitForExitAsync().WaitAsync(timeout);
        }

        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"sentinel-agent did not exit within {timeout} of SIGTERM:\n{Stderr}");
        }

        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }
}
