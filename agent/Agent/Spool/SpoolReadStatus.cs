namespace SentinelSync.Agent.Spool;

/// <summary>What <see cref="SpoolRecordReader.Next"/> found.</summary>
internal enum SpoolReadStatus
{
    /// <summary>A whole record with a good checksum.</summary>
    Record,

    /// <summary>The end of the segment, on a record boundary.</summary>
    End,

    /// <summary>The segment ends inside a record: a write the process or machine did not finish.</summary>
    Torn,

    /// <summary>A whole record whose checksum, length or sequence is wrong.</summary>
    Corrupt,
}
