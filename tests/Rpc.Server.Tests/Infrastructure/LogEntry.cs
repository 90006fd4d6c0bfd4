using Microsoft.Extensions.Logging;

namespace SentinelSync.Rpc.Server.Tests;

/// <summary>One log record the server wrote.</summary>
public sealed record LogEntry(string Category, LogLevel Level, EventId EventId, string Message, Exception? Exception);
