using System.Globalization;

namespace SentinelSync.Bench.Metrics;

/// <summary>Command-line settings of MetricsBench.</summary>
internal sealed record BenchSettings(string Connection, string? OutFile, string Repo, int Samples, int Rounds, int SamplesPerCall, int RowsPerInsert)
{
    public static BenchSettings Parse(string[] args)
    {
        string? connection = null, outFile = null, repo = ".";
        int samples = 500_000, rounds = 3, perCall = 10_000, rowsPerInsert = 1_000;
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            switch (args[i])
            {
                case "--connection": connection = Next(); break;
                case "--out": outFile = Next(); break;
                case "--repo": repo = Next(); break;
                case "--samples": samples = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rounds": rounds = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--samples-per-call": perCall = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                case "--rows-per-insert": rowsPerInsert = int.Parse(Next(), CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"unknown argument {args[i]}; use --connection, --out, --repo, --samples, --rounds, --samples-per-call, --rows-per-insert.");
            }
        }

        if (connection is null)
        {
            throw new ArgumentException("--connection <Npgsql connection string> is required.");
        }

        if (samples <= 0 || rounds <= 0 || perCall <= 0 || samples % perCall != 0 || perCall % Workload.SeriesPerBatch != 0 || rowsPerInsert is <= 0 or > 20_000)
        {
            throw new ArgumentException($"--samples must be a multiple of --samples-per-call, which must be a multiple of {Workload.SeriesPerBatch}; --rows-per-insert 1..20000.");
        }

        return new BenchSettings(connection, outFile, repo, samples, rounds, perCall, rowsPerInsert);
    }
}
