using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using SentinelSync.Asset.Metrics;
using SentinelSync.Bench.Metrics;
using SentinelSync.Storage;

// Metric ingestion: MetricStore.AppendAsync (binary COPY) vs multi-row INSERT of the same rows, same table.
var settings = BenchSettings.Parse(args);
using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(30));
var ct = cts.Token;

// 1. A fresh database with the asset schema.
const string Database = "sentinel_metrics_bench";
await using (var admin = new NpgsqlConnection(settings.Connection))
{
    await admin.OpenAsync(ct);
    await Execute(admin, $"DROP DATABASE IF EXISTS {Database} WITH (FORCE)");
    await Execute(admin, $"CREATE DATABASE {Database}");
}

await using var dataSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(settings.Connection) { Database = Database }.ConnectionString);
await new SchemaMigrator(dataSource, NullLogger<SchemaMigrator>.Instance).MigrateAsync("asset", typeof(MetricsServiceCollectionExtensions).Assembly, ct);

// 2. The workload; the COPY side runs first in warm-up and creates partitions and series; INSERT reuses them.
var start = DateTimeOffset.UtcNow.AddHours(-6);
var workload = new Workload(settings.Samples, settings.SamplesPerCall, start);
// One call per agent, so the warm-up creates every series the measured runs use.
var warmup = new Workload(Workload.Agents * settings.SamplesPerCall, settings.SamplesPerCall, start);
var copy = new CopyMethod(dataSource);
await RunAsync(copy, warmup, dataSource, ct);
var insert = new InsertMethod(settings.RowsPerInsert, await ReadSeriesAsync(dataSource, ct));
await RunAsync(insert, warmup, dataSource, ct);

// 3. Measured rounds, alternating which method goes first.
var results = new Dictionary<IIngestMethod, List<RunResult>> { [copy] = [], [insert] = [] };
var loadBefore = LoadAverage();
for (var round = 0; round < settings.Rounds; round++)
{
    IIngestMethod[] order = round % 2 == 0 ? [copy, insert] : [insert, copy];
    foreach (var method in order)
    {
        var result = await RunAsync(method, workload, dataSource, ct);
        results[method].Add(result);
        Console.WriteLine($"round {round + 1}: {method.Name}: {result.SamplesPerSecond:N0} samples/s ({result.Elapsed.TotalSeconds:F2} s, client CPU {result.ClientCpu.TotalMilliseconds:N0} ms)");
    }
}

var loadAfter = LoadAverage();

// 4. Summary and the "## metrics" section of bench/RESULTS.md.
var copyMedian = Median(results[copy].Select(r => r.SamplesPerSecond));
var insertMedian = Median(results[insert].Select(r => r.SamplesPerSecond));
var ratios = Enumerable.Range(0, settings.Rounds).Select(i => results[copy][i].SamplesPerSecond / results[insert][i].SamplesPerSecond).Order().ToList();
var cpuRatio = Median(results[insert].Select(r => r.ServerCpu.TotalMicroseconds)) / Median(results[copy].Select(r => r.ServerCpu.TotalMicroseconds));
Console.WriteLine($"COPY / INSERT = {copyMedian / insertMedian:F2} (medians of samples/s); server CPU per sample INSERT / COPY = {cpuRatio:F2}");

var body = new System.Text.StringBuilder();
body.AppendLine(CultureInfo.InvariantCulture, $"Measured {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC by `bench/metrics/run.sh` (Release build) against a private PostgreSQL {await ScalarAsync(dataSource, "SHOW server_version", ct)} cluster started by `scripts/pg-cluster.sh` with its default settings (fsync on), on the same machine as the client.");
body.AppendLine();
body.AppendLine(CultureInfo.InvariantCulture, $"- Source: commit {Git(settings.Repo, "rev-parse --short HEAD")}");
body.AppendLine(CultureInfo.InvariantCulture, $"- CPU: {Environment.ProcessorCount} cores; OS: {System.Runtime.InteropServices.RuntimeInformation.OSDescription}; runtime .NET {Environment.Version}");
body.AppendLine(CultureInfo.InvariantCulture, $"- Load average (1/5/15 min): {loadBefore} before, {loadAfter} after. The machine is shared; compare medians and the CPU columns.");
body.AppendLine(CultureInfo.InvariantCulture, $"- Workload: {settings.Samples:N0} samples per run in calls of {settings.SamplesPerCall:N0} (one agent per call, {settings.SamplesPerCall / Workload.SeriesPerBatch} batches of {Workload.SeriesPerBatch} series, {Workload.Agents} agents), one transaction per call, into `asset.metric_samples` (daily partitions, index on (series_id, time)); the table is truncated before every run. One warm-up run per method, then {settings.Rounds} measured rounds alternating which method goes first. Every run is checked afterwards: row count and sum of values exact. Server backend CPU: utime + stime of the PostgreSQL backend serving the writing connection (/proc/<pid>/stat), so WAL writer and checkpointer work is not in it.");
body.AppendLine("- COPY: the service's own `MetricStore.AppendAsync` (sample checks, partition check, series lookup, `COPY ... FROM STDIN (FORMAT BINARY)`). INSERT: the same rows as prepared, parameterized multi-row INSERTs with series ids resolved beforehand (less work than the COPY side does).");
body.AppendLine();
body.AppendLine("| method | samples/s (median) | rounds | client CPU µs/sample | server backend CPU µs/sample |");
body.AppendLine("| --- | ---: | --- | ---: | ---: |");
foreach (var method in new IIngestMethod[] { copy, insert })
{
    var runs = results[method];
    body.AppendLine(CultureInfo.InvariantCulture, $"| {method.Name} | {Median(runs.Select(r => r.SamplesPerSecond)):N0} | {string.Join(" / ", runs.Select(r => r.SamplesPerSecond.ToString("N0", CultureInfo.InvariantCulture)))} | {Median(runs.Select(r => r.ClientCpu.TotalMicroseconds / settings.Samples)):F2} | {Median(runs.Select(r => r.ServerCpu.TotalMicroseconds / settings.Samples)):F2} |");
}

body.AppendLine();
body.AppendLine(CultureInfo.InvariantCulture, $"**COPY / INSERT = {copyMedian / insertMedian:F2}** in samples/s (ratio of the medians; per-round ratios, ascending: {string.Join(", ", ratios.Select(r => r.ToString("F2", CultureInfo.InvariantCulture)))}). Server backend CPU per sample, INSERT / COPY = **{cpuRatio:F2}**: the figure that holds whatever else runs on the machine, since wall-clock rates on a shared, overloaded machine mostly measure the wait for a core.");
if (settings.OutFile is not null)
{
    ResultsFile.WriteSection(settings.OutFile, "## metrics", body.ToString());
    Console.WriteLine($"wrote the '## metrics' section of {settings.OutFile}");
}

return 0;

static async Task<RunResult> RunAsync(IIngestMethod method, Workload workload, NpgsqlDataSource dataSource, CancellationToken ct)
{
    await using (var truncate = dataSource.CreateCommand("TRUNCATE asset.metric_samples"))
    {
        await truncate.ExecuteNonQueryAsync(ct);
    }

    var cpu = Process.GetCurrentProcess().TotalProcessorTime;
    TimeSpan serverCpu;
    var clock = Stopwatch.StartNew();
    await using (var connection = await dataSource.OpenConnectionAsync(ct))
    {
        // The backend serving this connection runs on this machine: its CPU time is the server's cost.
        var backendCpu = BackendCpu(connection.ProcessID);
        foreach (var call in workload.Calls)
        {
            await using var transaction = await connection.BeginTransactionAsync(ct);
            await method.WriteAsync(connection, call, ct);
            await transaction.CommitAsync(ct);
        }

        serverCpu = BackendCpu(connection.ProcessID) - backendCpu;
    }

    clock.Stop();
    var clientCpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
    var samples = workload.Calls.Sum(call => call.Batches.Sum(batch => batch.Samples.Count));
    var count = Convert.ToInt64(await ScalarAsync(dataSource, "SELECT count(*) FROM asset.metric_samples", ct), CultureInfo.InvariantCulture);
    var sum = Convert.ToDouble(await ScalarAsync(dataSource, "SELECT sum(value) FROM asset.metric_samples", ct), CultureInfo.InvariantCulture);
    if (count != samples || sum != workload.ValueSum)
    {
        throw new InvalidOperationException($"{method.Name}: stored {count} rows summing to {sum}; expected {samples} summing to {workload.ValueSum}.");
    }

    return new RunResult(clock.Elapsed, clientCpu, serverCpu, samples / clock.Elapsed.TotalSeconds);
}

static async Task<Dictionary<(string Agent, string Name, string Core), long>> ReadSeriesAsync(NpgsqlDataSource dataSource, CancellationToken ct)
{
    var series = new Dictionary<(string, string, string), long>();
    await using var command = dataSource.CreateCommand("SELECT agent_id, name, labels->>'core', series_id FROM asset.metric_series");
    await using var reader = await command.ExecuteReaderAsync(ct);
    while (await reader.ReadAsync(ct))
    {
        series[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = reader.GetInt64(3);
    }

    return series;
}

static async Task<object?> ScalarAsync(NpgsqlDataSource dataSource, string sql, CancellationToken ct)
{
    await using var command = dataSource.CreateCommand(sql);
    return await command.ExecuteScalarAsync(ct);
}

static async Task Execute(NpgsqlConnection connection, string sql)
{
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static double Median(IEnumerable<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

// utime + stime of a local process, from /proc/<pid>/stat (fields 14 and 15, in clock ticks of 10 ms).
static TimeSpan BackendCpu(int pid)
{
    var stat = File.ReadAllText($"/proc/{pid}/stat");
    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
    var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    return TimeSpan.FromMilliseconds(ticks * 10);
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

static string Git(string repo, string arguments)
{
    try
    {
        using var git = Process.Start(new ProcessStartInfo("git", ["-C", repo, .. arguments.Split(' ')]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = git.StandardOutput.ReadToEnd().Trim();
        git.StandardError.ReadToEnd();
        git.WaitForExit();
        return git.ExitCode == 0 ? output : "unknown";
    }
    catch (System.ComponentModel.Win32Exception)
    {
        return "unknown";
    }
}

internal sealed record RunResult(TimeSpan Elapsed, TimeSpan ClientCpu, TimeSpan ServerCpu, double SamplesPerSecond);
