using Microsoft.Extensions.Logging;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Spool;

/// <summary>
/// The agent's disk spool: every message that must reach the platform is appended here with the
/// next per-agent sequence number, replayed in order after a reconnect, and deleted, one whole
/// segment at a time, once the platform acknowledged it.
/// </summary>
/// <remarks>
/// <para>Thread-safe: the collection loop appends while the stream sender reads and acknowledges.
/// Appends never wait for the network: when the bound is reached the oldest segments are dropped,
/// counted and logged.</para>
/// <para>Durability: one fsync per appended batch. The sequence survives restarts through the
/// records themselves and, when everything was acknowledged, through the name of the empty segment
/// that is always left behind. A torn or corrupt record found on open is cut off with what follows
/// it in its segment; the spool opens anyway.</para>
/// </remarks>
internal sealed partial class AgentSpool : IDisposable
{
    private const int MinSegmentBytes = 1024;

    private readonly Lock _gate = new();
    private readonly List<SpoolSegment> _segments = [];
    private readonly string _directory;
    private long _maxBytes;
    private long _segmentBytes;
    private readonly ILogger _logger;
    private FileStream? _writer;
    private ulong _lastSequence;
    private long _totalBytes;
    private long _droppedRecords;
    private int _truncatedSegments;
    private bool _disposed;

    private AgentSpool(SpoolOptions options, ILogger logger)
    {
        _directory = options.Directory;
        _maxBytes = options.MaxBytes;
        _segmentBytes = Math.Clamp(options.SegmentBytes, MinSegmentBytes, Math.Max(MinSegmentBytes, options.MaxBytes / 8));
        _logger = logger;
    }

    /// <summary>The highest sequence ever assigned (0 before the first append); what Hello reports.</summary>
    public ulong LastSequence
    {
        get
        {
            lock (_gate)
            {
                return _lastSequence;
            }
        }
    }

    /// <summary>Bytes in segment files now.</summary>
    public long SizeBytes
    {
        get
        {
            lock (_gate)
            {
                return _totalBytes;
            }
        }
    }

    /// <summary>Segment files now, the empty active one included.</summary>
    public int SegmentCount
    {
        get
        {
            lock (_gate)
            {
                return _segments.Count;
            }
        }
    }

    /// <summary>Records dropped since open because the spool was full (or a record alone exceeded the bound).</summary>
    public long DroppedRecords
    {
        get
        {
            lock (_gate)
            {
                return _droppedRecords;
            }
        }
    }

    /// <summary>Segments cut short on open because they ended in a torn or corrupt record.</summary>
    public int TruncatedSegments => _truncatedSegments;

    /// <summary>Opens the spool in <see cref="SpoolOptions.Directory"/>, creating it, and repairs a damaged tail.</summary>
    public static AgentSpool Open(SpoolOptions options, ILogger<AgentSpool> logger)
    {
        Directory.CreateDirectory(options.Directory);
        var spool = new AgentSpool(options, logger);
        spool.Recover();
        return spool;
    }

    /// <summary>
    /// Changes the bounds of a running spool (a pushed configuration): a smaller
    /// <see cref="SpoolOptions.MaxBytes"/> drops the oldest segments now, as an append would.
    /// </summary>
    public void Resize(long maxBytes, long segmentBytes)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _maxBytes = maxBytes;
            _segmentBytes = Math.Clamp(segmentBytes, MinSegmentBytes, Math.Max(MinSegmentBytes, maxBytes / 8));
            MakeRoom(0, _lastSequence + 1);
        }
    }

    /// <summary>Appends one message; see <see cref="Append(IReadOnlyList{ConnectRequest})"/>.</summary>
    public ulong Append(ConnectRequest message) => Append([message])[0];

    /// <summary>
    /// Gives each message the next sequence (written into <see cref="ConnectRequest.Sequence"/>),
    /// appends them, and fsyncs once for the batch. Returns the sequences in order.
    /// </summary>
    public IReadOnlyList<ulong> Append(IReadOnlyList<ConnectRequest> batch)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var sequences = new ulong[batch.Count];
            for (var i = 0; i < batch.Count; i++)
            {
                var message = batch[i];
                var sequence = ++_lastSequence;
                message.Sequence = sequence;
                sequences[i] = sequence;
                var size = SpoolRecord.SizeOf(message);
                if (size > _maxBytes || size - SpoolRecord.HeaderBytes > SpoolRecord.MaxPayloadBytes)
                {
                    _droppedRecords++;
                    LogRecordTooLarge(sequence, size, _maxBytes);
                    continue;
                }

                MakeRoom(size, sequence);
                var segment = WritableSegment(size, sequence);
                var written = SpoolRecord.Write(_writer!, sequence, message);
                segment.LastSequence = sequence;
                segment.RecordCount++;
                segment.Length += written;
                _totalBytes += written;
            }

            _writer?.Flush(flushToDisk: true);
            return sequences;
        }
    }

    /// <summary>
    /// The spooled messages with a sequence of at least <paramref name="sequence"/>, in order, as
    /// spooled when this was called. Lazily read, one segment file at a time; segments deleted
    /// meanwhile (acknowledged or dropped) are skipped.
    /// </summary>
    public IEnumerable<ConnectRequest> ReadFrom(ulong sequence)
    {
        List<(string Path, ulong Last)> snapshot;
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            snapshot = _segments.Where(s => s.RecordCount > 0 && s.LastSequence >= sequence).Select(s => (s.Path, s.LastSequence)).ToList();
        }

        return ReadSegments(snapshot, sequence);
    }

    /// <summary>
    /// Everything up to and including <paramref name="sequence"/> is committed: deletes the
    /// segments that hold nothing newer. Returns how many were deleted. An acknowledgement beyond
    /// the last sequence (the platform remembers more than this spool) moves the sequence past it.
    /// </summary>
    public int Acknowledge(ulong sequence)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var deleted = 0;
            var removed = 0;
            while (_segments.Count > 0 && _segments[0] is var oldest && (oldest.RecordCount == 0 || oldest.LastSequence <= sequence))
            {
                if (_segments.Count == 1)
                {
                    if (oldest.RecordCount == 0 && sequence <= _lastSequence)
                    {
                        break;
                    }

                    // The newest segment goes too: an empty successor keeps the sequence on disk.
                    _lastSequence = Math.Max(_lastSequence, sequence);
                    StartSegment(_lastSequence + 1);
                }

                deleted += oldest.RecordCount > 0 ? 1 : 0;
                removed++;
                DeleteSegment(oldest);
            }

            if (_segments.Count == 0 && sequence > _lastSequence)
            {
                _lastSequence = sequence;
                StartSegment(_lastSequence + 1);
            }

            if (removed > 0)
            {
                DirectorySync.Flush(_directory);
            }

            return deleted;
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            CloseWriter();
        }
    }

    private IEnumerable<ConnectRequest> ReadSegments(List<(string Path, ulong Last)> snapshot, ulong from)
    {
        foreach (var (path, last) in snapshot)
        {
            using var stream = TryOpenRead(path);
            if (stream is null)
            {
                continue;
            }

            var reader = new SpoolRecordReader(stream);
            SpoolReadStatus status;
            while ((status = reader.Next()) == SpoolReadStatus.Record && reader.Sequence <= last)
            {
                if (reader.Sequence >= from)
                {
                    yield return ConnectRequest.Parser.ParseFrom(reader.Payload.Span);
                }
            }

            if (status == SpoolReadStatus.Corrupt)
            {
                LogCorruptOnRead(path, reader.GoodLength);
            }
        }
    }

    private static FileStream? TryOpenRead(string path)
    {
        try
        {
            return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 64 * 1024);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    private void Recover()
    {
        var found = Directory.EnumerateFiles(_directory, "*" + SpoolSegment.Extension)
            .Select(path => SpoolSegment.TryParseFileName(Path.GetFileName(path), out var first) ? new SpoolSegment(path, first) : null)
            .OfType<SpoolSegment>()
            .OrderBy(segment => segment.FirstSequence)
            .ToList();
        long lostBytes = 0;
        foreach (var segment in found)
        {
            lostBytes += Scan(segment);
            _lastSequence = Math.Max(_lastSequence, segment.RecordCount > 0 ? segment.LastSequence : segment.FirstSequence - 1);
        }

        // Only the newest segment may be empty (it then carries the sequence in its name).
        foreach (var empty in found.SkipLast(1).Where(segment => segment.RecordCount == 0).ToList())
        {
            File.Delete(empty.Path);
            found.Remove(empty);
        }

        _segments.AddRange(found);
        _totalBytes = found.Sum(segment => segment.Length);
        if (lostBytes > 0)
        {
            // The cut records may have been sent already, and the platform deduplicates by
            // sequence: no sequence they could have carried may be issued again. Each record takes
            // at least a header, which bounds how many were lost; an empty segment named past them
            // keeps that floor across further restarts.
            _lastSequence += (ulong)((lostBytes + SpoolRecord.HeaderBytes - 1) / SpoolRecord.HeaderBytes);
            StartSegment(_lastSequence + 1);
        }
        LogOpened(_directory, _segments.Sum(segment => segment.RecordCount), _totalBytes, _lastSequence);
    }

    /// <summary>Counts the segment's good records and cuts off a damaged tail; returns the bytes cut.</summary>
    private long Scan(SpoolSegment segment)
    {
        using var stream = new FileStream(segment.Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read, bufferSize: 64 * 1024);
        var reader = new SpoolRecordReader(stream);
        SpoolReadStatus status;
        while ((status = reader.Next()) == SpoolReadStatus.Record)
        {
            if (reader.Sequence < segment.FirstSequence)
            {
                status = SpoolReadStatus.Corrupt;
                break;
            }

            segment.LastSequence = reader.Sequence;
            segment.RecordCount++;
        }

        segment.Length = reader.GoodLength;
        if (status != SpoolReadStatus.End)
        {
            var lost = stream.Length - reader.GoodLength;
            stream.SetLength(reader.GoodLength);
            stream.Flush(flushToDisk: true);
            _truncatedSegments++;
            LogTruncated(segment.Path, status, reader.GoodLength, lost);
            return lost;
        }

        return 0;
    }

    private void MakeRoom(int size, ulong nextSequence)
    {
        long dropped = 0;
        ulong firstDropped = 0;
        ulong lastDropped = 0;
        while (_totalBytes + size > _maxBytes && _segments.Count > 0)
        {
            var oldest = _segments[0];
            if (_segments.Count == 1)
            {
                if (oldest.RecordCount == 0)
                {
                    break;
                }

                StartSegment(nextSequence);
                continue;
            }

            if (oldest.RecordCount > 0)
            {
                firstDropped = dropped == 0 ? Math.Max(oldest.FirstSequence, 1) : firstDropped;
                lastDropped = oldest.LastSequence;
                dropped += oldest.RecordCount;
            }

            DeleteSegment(oldest);
        }

        if (dropped > 0)
        {
            _droppedRecords += dropped;
            LogDroppedOldest(dropped, firstDropped, lastDropped, _maxBytes);
        }
    }

    private SpoolSegment WritableSegment(int size, ulong sequence)
    {
        if (_segments.Count == 0 || (_segments[^1].RecordCount > 0 && _segments[^1].Length + size > _segmentBytes))
        {
            StartSegment(sequence);
        }

        var active = _segments[^1];
        if (_writer is null)
        {
            _writer = new FileStream(active.Path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
            _writer.Seek(active.Length, SeekOrigin.Begin);
        }

        return active;
    }

    private void StartSegment(ulong firstSequence)
    {
        CloseWriter();
        var path = Path.Combine(_directory, SpoolSegment.FileName(firstSequence));
        _writer = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read | FileShare.Delete, bufferSize: 0);
        _writer.Flush(flushToDisk: true);
        _segments.Add(new SpoolSegment(path, firstSequence));
        DirectorySync.Flush(_directory);
    }

    private void DeleteSegment(SpoolSegment segment)
    {
        if (ReferenceEquals(segment, _segments[^1]))
        {
            CloseWriter();
        }

        File.Delete(segment.Path);
        _segments.Remove(segment);
        _totalBytes -= segment.Length;
    }

    private void CloseWriter()
    {
        if (_writer is not null)
        {
            _writer.Flush(flushToDisk: true);
            _writer.Dispose();
            _writer = null;
        }
    }
}
