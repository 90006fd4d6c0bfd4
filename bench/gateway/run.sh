#!/usr/bin/env bash
# The gateway's overhead in one command: builds the sentinel host in Release, starts a private PostgreSQL and two
# single-node sentinels (operator edge as h2c, Tls:Mode=Off, rate limits lifted): the default, whose edge runs calls
# for its own roles in memory, and a reference with Gateway:LocalRolesInProcess=false, whose edge forwards them over
# loopback HTTP/2 (a cluster's path). Then drives the same small unary calls with h2load directly at the roles'
# internal port and through the edges, in the same run:
#   - grpc.health.v1.Health/Check (no credentials: the edge and the hop alone)
#   - sentinel.auth.v1.AuthService/ListRoles with a bearer JWT (edge authentication, access decision, signing)
#   - the same ListRoles as REST, GET /v1/roles (transcoding) through the default gateway
# and writes the "## gateway" section of bench/RESULTS.md. Target: gateway >= 0.6x direct requests/s, judged on the
# default server's rows (the reference rows show what the network hop costs on the same cores).
# Environment: REQUESTS (default 30000), ROUNDS (default 5), WARMUP (default 10: seconds per case, run twice),
# CONNECTIONS (default 8), STREAMS (default 16),
# RESULTS (default bench/RESULTS.md: the file whose "## gateway" section is rewritten; "-" prints the section only).
# Exit status: 0 when every ratio meets the target, 1 when one misses, 2 on a failure to measure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
requests=${REQUESTS:-30000}
rounds=${ROUNDS:-5}
warmup=${WARMUP:-10}
connections=${CONNECTIONS:-8}
streams=${STREAMS:-16}
results_file=${RESULTS:-$repo/bench/RESULTS.md}

for tool in dotnet h2load curl python3; do
    command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is required (h2load: apt-get install nghttp2-client)" >&2; exit 2; }
done

work=$(mktemp -d /tmp/bench-gateway.XXXXXX)
chmod 755 "$work"
server_pids=()
cleanup() {
    for pid in "${server_pids[@]}"; do kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null || true; done
    "$repo/scripts/pg-cluster.sh" stop "$work/pg" >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'; }

echo "building src/Sentinel (Release)..." >&2
dotnet build "$repo/src/Sentinel/Sentinel.csproj" -c Release -nologo -v quiet -clp:NoSummary >&2

pg=$(PG_FAST=1 "$repo/scripts/pg-cluster.sh" start "$work/pg")
pg_port=$(sed -n 's/^PGPORT=//p' <<<"$pg")
pg_user=$(sed -n 's/^PGUSER=//p' <<<"$pg")
psql_bin=$(sed -n 's/^PGBIN=//p' <<<"$pg")/psql

password=bench-admin-password-$RANDOM$RANDOM
declare -A operator_port internal_port tokens
# One single-node sentinel, its own database and data directory; waits until ready, then logs the admin in.
start_sentinel() {
    local name=$1; shift
    "$psql_bin" -h 127.0.0.1 -p "$pg_port" -U "$pg_user" -d postgres -qc "CREATE DATABASE bench_$name" >/dev/null
    local operator internal agent management pid
    operator=$(free_port); internal=$(free_port); agent=$(free_port); management=$(free_port)
    operator_port[$name]=$operator internal_port[$name]=$internal
    SENTINEL_DATA="$work/data-$name" "$repo/src/Sentinel/bin/Release/net10.0/sentinel" \
        --Listen:Operator "http://127.0.0.1:$operator" --Listen:Internal "http://127.0.0.1:$internal" \
        --Listen:Agent "http://127.0.0.1:$agent" --Listen:Management "http://127.0.0.1:$management" \
        --Tls:Mode Off --Database:ConnectionString "Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=bench_$name" \
        --Asset:CaKeyEncryptionKey "$(head -c 32 /dev/urandom | base64)" \
        --Security:InitialAdminPassword "$password" \
        --Security:RateLimit:PermitsPerPrincipal 1000000000 --Security:RateLimit:PermitsPerAddress 1000000000 \
        --Logging:LogLevel:Default Warning "$@" >"$work/server-$name.log" 2>&1 &
    pid=$!
    server_pids+=("$pid")
    for _ in $(seq 1 300); do
        curl -fsS "http://127.0.0.1:$management/readyz" >/dev/null 2>&1 && break
        kill -0 "$pid" 2>/dev/null || { cat "$work/server-$name.log" >&2; echo "run.sh: sentinel ($name) exited" >&2; exit 2; }
        sleep 0.2
    done
    curl -fsS "http://127.0.0.1:$management/healthz" >/dev/null || { cat "$work/server-$name.log" >&2; exit 2; }
    tokens[$name]=$(curl -fsS --http2-prior-knowledge -H 'content-type: application/json' \
        -d "{\"username\":\"admin\",\"password\":\"$password\"}" "http://127.0.0.1:$operator/v1/auth/login" |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["tokens"]["accessToken"])')
}
# The default: the edge runs a call for a role of its own process on the role's endpoint, in memory. The reference:
# the same single-node server with Gateway:LocalRolesInProcess=false, whose edge forwards over loopback HTTP/2 to its
# own internal endpoint, as a cluster's gateway forwards to a replica elsewhere.
start_sentinel local
start_sentinel network --Gateway:LocalRolesInProcess false
printf '\0\0\0\0\0' >"$work/empty.bin"

# One h2load run; prints requests/s, or fails when any request did not succeed.
measure() {
    local url=$1; shift
    local out
    out=$(h2load -n "$requests" -c "$connections" -m "$streams" -t 1 "$@" "$url" 2>&1) || { echo "$out" >&2; return 2; }
    local succeeded
    succeeded=$(sed -n 's/.* \([0-9]*\) succeeded.*/\1/p' <<<"$out")
    [ "$succeeded" = "$requests" ] || { echo "$out" >&2; echo "run.sh: only $succeeded of $requests succeeded at $url" >&2; return 2; }
    sed -n 's/^finished in .*, \([0-9.]*\) req\/s.*/\1/p' <<<"$out"
}
# A timed warm-up run: fails only when a request failed.
warm() {
    local url=$1; shift
    local out
    out=$(h2load -D "$warmup" -c "$connections" -m "$streams" -t 1 "$@" "$url" 2>&1) || { echo "$out" >&2; return 2; }
    grep -q ' 0 failed, 0 errored' <<<"$out" || { echo "$out" >&2; echo "run.sh: requests failed while warming up $url" >&2; return 2; }
}
grpc=(-d "$work/empty.bin" -H 'content-type: application/grpc' -H 'te: trailers')
declare -A cases=(
    [health_direct]="http://127.0.0.1:${internal_port[local]}/grpc.health.v1.Health/Check"
    [health_gateway]="http://127.0.0.1:${operator_port[local]}/grpc.health.v1.Health/Check"
    [health_network]="http://127.0.0.1:${operator_port[network]}/grpc.health.v1.Health/Check"
    [roles_direct]="http://127.0.0.1:${internal_port[local]}/sentinel.auth.v1.AuthService/ListRoles"
    [roles_gateway]="http://127.0.0.1:${operator_port[local]}/sentinel.auth.v1.AuthService/ListRoles"
    [roles_network]="http://127.0.0.1:${operator_port[network]}/sentinel.auth.v1.AuthService/ListRoles"
    [rest_gateway]="http://127.0.0.1:${operator_port[local]}/v1/roles"
)
# The admin's token of the server a case calls.
token_of() { case $1 in *_network) echo "${tokens[network]}" ;; *) echo "${tokens[local]}" ;; esac; }
# Every call must succeed with grpc-status 0 before it is timed (h2load counts HTTP 200 only).
for name in health_direct health_gateway health_network roles_direct roles_gateway roles_network; do
    status=$(curl -sS --http2-prior-knowledge -o /dev/null -D - --data-binary @"$work/empty.bin" -H 'content-type: application/grpc' -H 'te: trailers' \
        -H "authorization: Bearer $(token_of "$name")" "${cases[$name]}" | tr -d '\r' | sed -n 's/^grpc-status: //p' | head -1)
    # grpc-status arrives in trailers, which curl -D does not print; a header status means a trailers-only error.
    [ -z "$status" ] || [ "$status" = 0 ] || { echo "run.sh: $name answered grpc-status $status" >&2; exit 2; }
done
curl -fsS --http2-prior-knowledge -H "authorization: Bearer $(token_of rest_gateway)" "${cases[rest_gateway]}" >/dev/null

# The health case carries no credentials (the hop alone); the ListRoles cases carry the admin's bearer token.
args_of() {
    case $1 in
        health_*) echo grpc ;;
        rest_*) echo rest ;;
        *) echo grpc_auth ;;
    esac
}
run_case() {
    local how=$1 name=$2
    case $(args_of "$name") in
        grpc) "$how" "${cases[$name]}" "${grpc[@]}" ;;
        grpc_auth) "$how" "${cases[$name]}" "${grpc[@]}" -H "authorization: Bearer $(token_of "$name")" ;;
        rest) "$how" "${cases[$name]}" -H "authorization: Bearer $(token_of "$name")" ;;
    esac
}
order=(health_direct health_gateway health_network roles_direct roles_gateway roles_network rest_gateway)

# Tiered compilation keeps optimizing the proxy path (YARP, HttpClient, Kestrel) for well over 100,000 calls; a short
# warm-up measured the JIT, not the gateway. Every case is warmed twice, interleaved, before anything is timed.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
echo "warming up (${warmup} s per case, twice)..." >&2
for _ in 1 2; do for name in "${order[@]}"; do run_case warm "$name"; done; done

declare -A results
for round in $(seq 1 "$rounds"); do
    for name in "${order[@]}"; do
        rps=$(run_case measure "$name")
        results[$name]="${results[$name]:-}${results[$name]:+ }$rps"
        echo "round $round $name $rps req/s" >&2
    done
done

load=$(cut -d' ' -f1-3 /proc/loadavg)
commit=$(git -C "$repo" rev-parse --short HEAD)
machine="$(nproc) vCPU $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM, Linux $(uname -r), .NET $(dotnet --version)"
python3 - "$results_file" "$commit" "$load_before" "$load" "$requests" "$connections" "$streams" "$warmup" "$machine" \
    "${results[health_direct]}" "${results[health_gateway]}" "${results[roles_direct]}" "${results[roles_gateway]}" "${results[rest_gateway]}" \
    "${results[health_network]}" "${results[roles_network]}" <<'PY'
import datetime, os, re, statistics, sys
path, commit, load_before, load, requests, connections, streams, warmup, machine = sys.argv[1:10]
series = [[float(x) for x in s.split()] for s in sys.argv[10:17]]
hd, hg, rd, rg, rr, hn, rn = series
def paired(gateway, direct):
    # Each gateway round against the direct round just before it, under the same load; the median of those ratios.
    return statistics.median(g / d for g, d in zip(gateway, direct))
# (call, path, values, ratio, counts toward the target)
network = "through the gateway over loopback HTTP/2 (`Gateway:LocalRolesInProcess=false`, reference)"
rows = [
    ("grpc.health.v1.Health/Check (no credentials)", "direct, internal port", hd, None, False),
    ("grpc.health.v1.Health/Check (no credentials)", "through the gateway (gRPC)", hg, paired(hg, hd), True),
    ("grpc.health.v1.Health/Check (no credentials)", network, hn, paired(hn, hd), False),
    ("AuthService/ListRoles (bearer JWT)", "direct, internal port", rd, None, False),
    ("AuthService/ListRoles (bearer JWT)", "through the gateway (gRPC)", rg, paired(rg, rd), True),
    ("AuthService/ListRoles (bearer JWT)", network, rn, paired(rn, rd), False),
    ("AuthService/ListRoles (bearer JWT)", "through the gateway (REST GET /v1/roles)", rr, paired(rr, rd), True),
]
ok = all(not counts or ratio >= 0.6 for _, _, _, ratio, counts in rows)
now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
lines = [
    "## gateway", "",
    f"Measured {now} by `bench/gateway/run.sh` (Release build) at commit {commit} on {machine}. Single-node `sentinel` "
    "processes (all roles, operator edge as h2c with `Tls:Mode=Off`, rate limits lifted, logging at Warning) on a private "
    "PostgreSQL: the default one, whose edge runs a call for one of its own roles on that role's endpoint in memory, and a "
    "reference one with `Gateway:LocalRolesInProcess=false`, whose edge forwards over loopback HTTP/2 to its own internal "
    "endpoint as a cluster's gateway forwards to a replica on another machine (here on the same 2 cores: the hop's full "
    "cost, not counted toward the target). h2load on the same cores, which other work shares. "
    f"Load average before: {load_before}; after: {load}.", "",
    f"Load: `h2load -n {requests} -c {connections} -m {streams} -t 1` per run, gRPC with an empty framed request. Warm-up: "
    f"{warmup} s per case, twice, interleaved; then rounds of every case back to back. Every run must have all requests "
    "succeed (HTTP 200); a grpc-status probe per case precedes the timing. requests/s is the median round; gateway / direct is "
    "the median of each round's ratio to the direct run just before it.", "",
    "| call | path | requests/s (median) | rounds | gateway / direct |",
    "| --- | --- | ---: | --- | ---: |",
]
for call, where, values, ratio, _ in rows:
    lines.append(f"| {call} | {where} | {statistics.median(values):,.0f} | {' / '.join(f'{v:,.0f}' for v in values)} | {'' if ratio is None else f'{ratio:.2f}'} |")
lines += ["", f"**Target: gateway >= 0.6x direct requests/s: {'PASS' if ok else 'MISS'}**", ""]
section = "\n".join(lines) + "\n"
if path != "-":
    text = open(path).read() if os.path.exists(path) else "# Benchmark results\n\n"
    pattern = re.compile(r"^## gateway\n.*?(?=^## |\Z)", re.S | re.M)
    text = pattern.sub(lambda _: section, text) if pattern.search(text) else text.rstrip("\n") + "\n\n" + section
    open(path, "w").write(text)
print(section)
sys.exit(0 if ok else 1)
PY
