namespace SentinelSync.Rpc.Tests.Interop;

/// <summary>The Python interop server over TLS with the test certificate (tests/Interop/certs).</summary>
public sealed class TlsPythonInteropServer : PythonInteropServer
{
    public TlsPythonInteropServer()
        : base(useTls: true)
    {
    }
}
