#!/usr/bin/env bash
# The metric ingestion benchmark in one command: builds bench/metrics/MetricsBench in Release, starts a
# private PostgreSQL cluster (scripts/pg-cluster.sh, default durability settings) unless
# SENTINEL_BENCH_PG holds an Npgsql connection string, measures MetricStore.AppendAsync (binary COPY)
# against multi-row INSERTs of the same rows, prints a summary and writes the "## metrics" section of
# bench/RESULTS.md. Extra arguments go to MetricsBench, e.g. --samples 1000000 --rounds 5.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

dotnet build "$here/MetricsBench/MetricsBench.csproj" -c Release -nologo -v quiet -clp:NoSummary

connection="${SENTINEL_BENCH_PG:-}"
if [[ -z "$connection" ]]; then
    data="$(mktemp -d "${TMPDIR:-/tmp}/metrics-bench.XXXXXX")"
    # As root the cluster runs as the postgres user, which must reach the data directory.
    chmod 755 "$data"
    trap '"$repo/scripts/pg-cluster.sh" stop "$data" >/dev/null 2>&1 || true; rm -rf "$data"' EXIT
    cluster="$("$repo/scripts/pg-cluster.sh" start "$data/pg")"
    port="$(printf '%s\n' "$cluster" | sed -n 's/^PGPORT=//p')"
    connection="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
fi

"$here/MetricsBench/bin/Release/net10.0/MetricsBench" --connection "$connection" --out "$repo/bench/RESULTS.md" --repo "$repo" "$@"
