using Microsoft.Extensions.Logging;

namespace SentinelSync.Agent.Spool;

// Event ids 3100-3199 belong to the spool.
internal sealed partial class AgentSpool
{
    [LoggerMessage(EventId = 3100, Level = LogLevel.Information, Message = "Spool {Directory} opened: {Records} records, {Bytes} bytes, last sequence {LastSequence}")]
    private partial void LogOpened(string directory, long records, long bytes, ulong lastSequence);

    [LoggerMessage(EventId = 3101, Level = LogLevel.Warning, Message = "Spool full ({MaxBytes} bytes): dropped the {Records} oldest records, sequences {FirstSequence} to {LastSequence}")]
    private partial void LogDroppedOldest(long records, ulong firstSequence, ulong lastSequence, long maxBytes);

    [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Spool record {Sequence} of {Bytes} bytes exceeds the spool bound of {MaxBytes} bytes and was dropped")]
    private partial void LogRecordTooLarge(ulong sequence, int bytes, long maxBytes);

    [LoggerMessage(EventId = 3103, Level = LogLevel.Warning, Message = "Spool segment {Path} ended in a {Status} record at offset {Offset}: cut {LostBytes} bytes")]
    private partial void LogTruncated(string path, SpoolReadStatus status, long offset, long lostBytes);

    [LoggerMessage(EventId = 3104, Level = LogLevel.Error, Message = "Spool segment {Path} has a corrupt record at offset {Offset}; replay of that segment stops there")]
    private partial void LogCorruptOnRead(string path, long offset);
}
