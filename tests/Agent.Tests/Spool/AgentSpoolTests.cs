using Microsoft.Extensions.Logging;
using SentinelSync.Agent.Spool;
using SentinelSync.Agent.Tests.Support;
using SentinelSync.Contracts.Agent.V1;

namespace SentinelSync.Agent.Tests.Spool;

public sealed class AgentSpoolTests : IDisposable
{
    private readonly TempDirectory _directory = new();
    private readonly RecordingLogger<AgentSpool> _logger = new();

    [Fact]
    public void Append_ThenReadFromStart_ReplaysInOrderWithSequences()
    {
        using var spool = Open();

        var sequences = spool.Append([Metrics(1), Metrics(2)]).Concat([spool.Append(Metrics(3))]).ToList();

        Assert.Equal([1UL, 2UL, 3UL], sequences);
        Assert.Equal([(1UL, 1.0), (2UL, 2.0), (3UL, 3.0)], spool.ReadFrom(0).Select(m => (m.Sequence, m.Metrics.Samples[0].Value)));
        Assert.Equal(3UL, spool.LastSequence);
    }

    [Fact]
    public void ReadFrom_MiddleSequence_StartsThereAcrossSegments()
    {
        using var spool = Open(segmentBytes: 1024);
        for (var i = 1; i <= 40; i++)
        {
            spool.Append(Metrics(i));
        }

        Assert.True(spool.SegmentCount > 3, $"expected several segments, got {spool.SegmentCount}");
        Assert.Equal(Enumerable.Range(17, 24).Select(i => (ulong)i), spool.ReadFrom(17).Select(m => m.Sequence));
    }

    [Fact]
    public void Append_AfterReopen_ContinuesTheSequence()
    {
        using (var first = Open())
        {
            first.Append([Metrics(1), Metrics(2)]);
        }

        using var second = Open();

        Assert.Equal(2UL, second.LastSequence);
        Assert.Equal(3UL, second.Append(Metrics(3)));
        Assert.Equal([1UL, 2UL, 3UL], second.ReadFrom(0).Select(m => m.Sequence));
    }

    [Fact]
    public void Acknowledge_DeletesOnlyWholeSegmentsAtOrBelowTheAck()
    {
        using var spool = Open(segmentBytes: 1024);
        for (var i = 1; i <= 40; i++)
        {
            spool.Append(Metrics(i));
        }

        var segmentsBefore = SegmentFiles().Length;
        var deleted = spool.Acknowledge(20);

        var remaining = spool.ReadFrom(0).Select(m => m.Sequence).ToList();
        Assert.True(deleted > 0);
        Assert.Equal(segmentsBefore - deleted, SegmentFiles().Length);
        Assert.Equal(40UL, remaining[^1]);
        Assert.InRange(remaining[0], 2UL, 21UL);
        Assert.Equal(Enumerable.Range((int)remaining[0], 41 - (int)remaining[0]).Select(i => (ulong)i), remaining);
    }

    [Fact]
    public void Acknowledge_Everything_SequenceSurvivesRestart()
    {
        using (var first = Open())
        {
            first.Append([Metrics(1), Metrics(2), Metrics(3)]);
            first.Acknowledge(3);
            Assert.Empty(first.ReadFrom(0));
            Assert.Equal(0, first.SizeBytes);
        }

        using var second = Open();

        Assert.Equal(3UL, second.LastSequence);
        Assert.Equal(4UL, second.Append(Metrics(4)));
    }

    [Fact]
    public void Acknowledge_BeyondLastSequence_MovesTheSequencePastIt()
    {
        using (var first = Open())
        {
            first.Append(Metrics(1));
            first.Acknowledge(100);
            Assert.Equal(101UL, first.Append(Metrics(2)));
            first.Acknowledge(101);
        }

        using var second = Open();

        Assert.Equal(102UL, second.Append(Metrics(3)));
    }

    [Fact]
    public void Append_BeyondMaxBytes_DropsTheOldestCountsAndLogs()
    {
        using var spool = Open(maxBytes: 16 * 1024, segmentBytes: 1024);
        for (var i = 1; i <= 400; i++)
        {
            spool.Append(Metrics(i));
        }

        var replayed = spool.ReadFrom(0).Select(m => m.Sequence).ToList();
        Assert.InRange(spool.SizeBytes, 1, 16 * 1024);
        Assert.InRange(SegmentFiles().Sum(f => new FileInfo(f).Length), 1, 16 * 1024);
        Assert.Equal(400UL, replayed[^1]);
        Assert.Equal(400 - replayed.Count, spool.DroppedRecords);
        Assert.Equal(Enumerable.Range(401 - replayed.Count, replayed.Count).Select(i => (ulong)i), replayed);
        var warnings = _logger.Entries.Where(e => e.EventId.Id == 3101).ToList();
        Assert.NotEmpty(warnings);
        Assert.All(warnings, w => Assert.Equal(LogLevel.Warning, w.Level));
        var logged = warnings.Sum(w => long.Parse(System.Text.RegularExpressions.Regex.Match(w.Message, "dropped the (\\d+) oldest").Groups[1].Value));
        Assert.Equal(spool.DroppedRecords, logged);
    }

    [Fact]
    public void Append_RecordLargerThanTheSpool_IsDroppedAndCounted()
    {
        using var spool = Open(maxBytes: 64 * 1024);
        var huge = new ConnectRequest { Logs = new LogBatch() };
        huge.Logs.Records.Add(new LogRecord { Message = new string('x', 70 * 1024) });

        var sequence = spool.Append(huge);
        spool.Append(Metrics(2));

        Assert.Equal(1UL, sequence);
        Assert.Equal(1, spool.DroppedRecords);
        Assert.Equal([2UL], spool.ReadFrom(0).Select(m => m.Sequence));
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3102);
    }

    [Fact]
    public void Open_TornLastRecord_TruncatesItAndKeepsTheRest()
    {
        using (var first = Open())
        {
            first.Append([Metrics(1), Metrics(2), Metrics(3)]);
        }

        var segment = SegmentFiles().Single();
        var goodLength = new FileInfo(segment).Length;
        using (var file = new FileStream(segment, FileMode.Append))
        {
            // Half a header and no payload: the process died inside write(2).
            file.Write([0x12, 0x34, 0x56, 0x78, 0x40, 0x00, 0x00]);
        }

        using var second = Open();

        Assert.Equal(1, second.TruncatedSegments);
        Assert.Equal(goodLength, new FileInfo(segment).Length);
        Assert.Equal([1UL, 2UL, 3UL], second.ReadFrom(0).Select(m => m.Sequence));
        Assert.True(second.Append(Metrics(4)) > 3);
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3103 && e.Message.Contains("Torn", StringComparison.Ordinal));
    }

    [Fact]
    public void Open_CrcMismatch_IsDetectedAndTheSegmentCutThere()
    {
        using (var first = Open())
        {
            first.Append([Metrics(1), Metrics(2), Metrics(3)]);
        }

        var segment = SegmentFiles().Single();
        var bytes = File.ReadAllBytes(segment);
        var recordLength = bytes.Length / 3;
        bytes[recordLength + SpoolRecord.HeaderBytes + 2] ^= 0xFF;
        File.WriteAllBytes(segment, bytes);

        using var second = Open();

        Assert.Equal(1, second.TruncatedSegments);
        Assert.Equal([1UL], second.ReadFrom(0).Select(m => m.Sequence));
        Assert.Contains(_logger.Entries, e => e.EventId.Id == 3103 && e.Message.Contains("Corrupt", StringComparison.Ordinal));

        // Records 2 and 3 may have reached the platform already: their sequences are never reused.
        var next = second.Append(Metrics(4));
        Assert.True(next > 3, $"sequence {next} reuses a sequence that was cut");
        second.Dispose();
        using var third = Open();
        Assert.True(third.Append(Metrics(5)) > next);
    }

    [Fact]
    public void ReadFrom_SegmentAcknowledgedWhileReplaying_SkipsIt()
    {
        using var spool = Open(segmentBytes: 1024);
        for (var i = 1; i <= 40; i++)
        {
            spool.Append(Metrics(i));
        }

        using var replay = spool.ReadFrom(0).GetEnumerator();
        Assert.True(replay.MoveNext());
        spool.Acknowledge(30);
        var rest = new List<ulong>();
        while (replay.MoveNext())
        {
            rest.Add(replay.Current.Sequence);
        }

        Assert.Equal(40UL, rest[^1]);
        Assert.Equal(rest.Order(), rest);
    }

    [Fact]
    public void Append_BatchOfMessages_IsOneFsyncedSegmentWrite()
    {
        using var spool = Open();

        spool.Append([Metrics(1), Metrics(2)]);

        Assert.Equal(spool.SizeBytes, SegmentFiles().Sum(f => new FileInfo(f).Length));
        Assert.Equal("00000000000000000001.seg", Path.GetFileName(SegmentFiles().Single()));
    }

    public void Dispose() => _directory.Dispose();

    private static ConnectRequest Metrics(int value)
    {
        var batch = new MetricBatch();
        batch.Samples.Add(new MetricSample { Name = "cpu.usage_percent", Value = value });
        batch.Samples.Add(new MetricSample { Name = "memory.used_bytes", Value = value * 1024.0 * 1024 });
        return new ConnectRequest { Metrics = batch };
    }

    private AgentSpool Open(long maxBytes = 64 * 1024 * 1024, long segmentBytes = 1024 * 1024) =>
        AgentSpool.Open(new SpoolOptions { Directory = _directory.Path, MaxBytes = maxBytes, SegmentBytes = segmentBytes }, _logger);

    private string[] SegmentFiles() => Directory.GetFiles(_directory.Path, "*.seg").Order(StringComparer.Ordinal).ToArray();
}
