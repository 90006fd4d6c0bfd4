namespace SentinelSync.Rpc.Tests.Interop;

/// <summary>The Python interop server over h2c.</summary>
public sealed class PlaintextPythonInteropServer : PythonInteropServer
{
    public PlaintextPythonInteropServer()
        : base(useTls: false)
    {
    }
}
