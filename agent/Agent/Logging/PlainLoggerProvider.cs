using Microsoft.Extensions.Logging;

namespace SentinelSync.Agent.Logging;

/// <summary>
/// Plain lines on standard error (<c>level category[event] message</c>), which journald stamps
/// and stores as they are. Written synchronously: no queue, no background thread, no options
/// machinery, so the daemon's idle footprint stays small.
/// </summary>
internal sealed class PlainLoggerProvider(TextWriter output, LogLevel minimum) : ILoggerProvider
{
    private readonly Lock _gate = new();
    private readonly LogLevel _minimum = minimum;

    /// <summary>A factory over this provider alone, without the dependency-injection machinery.</summary>
    public static ILoggerFactory CreateFactory(LogLevel minimum) =>
        new LoggerFactory([new PlainLoggerProvider(Console.Error, minimum)], new LoggerFilterOptions { MinLevel = minimum });

    public ILogger CreateLogger(string categoryName) => new PlainLogger(this, categoryName[(categoryName.LastIndexOf('.') + 1)..]);

    public void Dispose()
    {
    }

    private void Write(LogLevel level, string category, EventId eventId, string message, Exception? exception)
    {
        var line = $"{Level(level)} {category}[{eventId.Id}] {message}";
        if (exception is not null)
        {
            line += $" ({exception.GetType().Name}: {exception.Message})";
        }

        lock (_gate)
        {
            output.WriteLine(line);
            output.Flush();
        }
    }

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info ",
        LogLevel.Warning => "warn ",
        LogLevel.Error => "error",
        _ => "crit ",
    };

    private sealed class PlainLogger(PlainLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= provider._minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                provider.Write(logLevel, category, eventId, formatter(state, exception), exception);
            }
        }
    }

}
