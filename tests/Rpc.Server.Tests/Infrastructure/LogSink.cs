using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>Keeps what the server logs, so tests can check what was logged (and at which level).</summary>
public sealed class LogSink : ILoggerProvider
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    public IReadOnlyCollection<LogEntry> Entries => _entries.ToArray();

    public ILogger CreateLogger(string categoryName) => new SinkLogger(this, categoryName);

    /// <summary>The gRPC runtime's entries, one per line, for assertion messages.</summary>
    public string Describe() => string.Join(
        Environment.NewLine,
        _entries.Where(e => e.Category.StartsWith("Grpc", StringComparison.Ordinal)).Select(e => $"{e.Level} {e.EventId.Id} {e.Message} {e.Exception?.GetType().Name}"));

    public void Dispose()
    {
    }

    private sealed class SinkLogger(LogSink sink, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink._entries.Enqueue(new LogEntry(category, logLevel, eventId, formatter(state, exception), exception));
    }
}
