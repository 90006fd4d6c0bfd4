namespace SentinelSync.Rpc.Server.Tests;

/// <summary>The outcome of one interop client process.</summary>
public sealed record PythonRun(int ExitCode, string Stdout, string Stderr);
