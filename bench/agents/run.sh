#!/usr/bin/env bash
# Connected-agents benchmark: many simulated agents (the agent's own enrollment and uplink code, one connection
# each, spread over 127.0.0.2-255) against one Release `sentinel` (all roles) on a private PostgreSQL. Measures
# the server's memory per connected agent and the fleet's reconnect after a server restart, and writes the
# "## agents" section of bench/RESULTS.md.
#
#   bench/agents/run.sh [agents] [processes]      default 1000 agents, one simulator process per 2,000 agents
#
# Environment:
#   BENCH_WORK             work directory, kept between runs: the cluster, keys and enrolled identities
#                          (default /tmp/sentinel-bench-agents); delete it to start from scratch
#   BENCH_SETTLE_SECONDS   how long the connected fleet runs before memory is measured (default 180)
#   BENCH_RAMP             new connections a second per simulator process at start (default 100)
#   BENCH_PORT_BASE        the server listens on BASE (operator), +1 (agents), +2 (management), +3 (internal);
#                          default: four free ports in a row between 20000 and 32000 (below the ephemeral range,
#                          so the restarted server finds them free again)
#   BENCH_RESULTS          the file to write the section into (default bench/RESULTS.md; "-" writes none)
#   BENCH_SERVER_ENV       extra "NAME=value ..." for the server process (GC experiments, say)
#   BENCH_SERVER_ARGS      extra server arguments (--Section:Key=value ...)
#   BENCH_SYNCHRONOUS_COMMIT  PostgreSQL synchronous_commit for the sentinel database (default on, as in production;
#                          off measures the server without WAL flush waits)
#   BENCH_DUMP             a file: after the settled measurement, the server's heap is dumped there (createdump
#                          --withheap, from the runtime) for a look at what holds the memory
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
agents=${1:-1000}
processes=${2:-$(((agents + 1999) / 2000))}
work=${BENCH_WORK:-/tmp/sentinel-bench-agents}
settle=${BENCH_SETTLE_SECONDS:-180}
ramp=${BENCH_RAMP:-100}
port_base=${BENCH_PORT_BASE:-$(python3 -c '
import random, socket
for _ in range(200):
    base = random.randrange(20000, 32000 - 4)
    try:
        for port in range(base, base + 4):
            with socket.socket() as s:
                s.bind(("127.0.0.1", port))
        print(base)
        break
    except OSError:
        pass
')}
results=${BENCH_RESULTS:-$repo/bench/RESULTS.md}
operator_port=$port_base agent_port=$((port_base + 1)) management_port=$((port_base + 2)) internal_port=$((port_base + 3))
readonly admin_password=bench-agents-admin-password
readonly connect_timeout=900 reconnect_timeout=300

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
server_pid="" sim_pids=() cluster_started=0

say() { printf '%s run.sh: %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }

# Every way out: the simulators, the server, then the cluster.
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local status=$?
    trap '' INT TERM
    trap - EXIT
    for pid in "${sim_pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${sim_pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    stop_server
    if ((cluster_started)); then "$repo/scripts/pg-cluster.sh" stop "$work/pg" || true; fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. Builds, file limits, the work directory and the cluster.
say "building src/Sentinel and bench/agents/AgentsBench (Release)"
dotnet build "$repo/src/Sentinel" -c Release -nologo -v quiet -clp:NoSummary >&2
dotnet build "$here/AgentsBench/AgentsBench.csproj" -c Release -nologo -v quiet -clp:NoSummary >&2
server_bin=$repo/src/Sentinel/bin/Release/net10.0/sentinel
bench_bin=$here/AgentsBench/bin/Release/net10.0/AgentsBench
ulimit -n "$(ulimit -Hn)"
if (($(ulimit -n) < agents + 4096)); then
    ulimit -Hn $((agents + 8192)) 2>/dev/null && ulimit -n $((agents + 8192)) || say "warning: ulimit -n is $(ulimit -n)"
fi

# The cluster and the identities belong together: without the cluster, the old identities are worthless.
mkdir -p "$work" && chmod 755 "$work"
[[ -f "$work/pg/PG_VERSION" ]] || rm -rf "$work/agents"
mkdir -p "$work/agents" "$work/data" "$work/run"
rm -f "$work"/run/*
for key in ca-key signing-key; do
    [[ -s "$work/$key" ]] || (umask 077 && head -c 32 /dev/urandom | base64 >"$work/$key")
done
pg_output=$(PG_MAX_CONNECTIONS=300 "$repo/scripts/pg-cluster.sh" start "$work/pg")
cluster_started=1
pg_port=$(sed -n 's/^PGPORT=//p' <<<"$pg_output")
pg_bin=$(sed -n 's/^PGBIN=//p' <<<"$pg_output")
psql=("$pg_bin/psql" -X -q -h 127.0.0.1 -p "$pg_port" -U postgres -d postgres -tA)
[[ -n "$("${psql[@]}" -c "SELECT 1 FROM pg_database WHERE datname = 'sentinel'")" ]] || "${psql[@]}" -c "CREATE DATABASE sentinel"
# Synchronous commits by default: since Asset batches heartbeats and online announcements (LivenessBuffer), the
# database is no longer what limits the fleet (2.3 % of a core at 10,000 agents).
"${psql[@]}" -c "ALTER DATABASE sentinel SET synchronous_commit = ${BENCH_SYNCHRONOUS_COMMIT:-on}"

# 2. The server: all roles, Warning logs, h2c operator edge, TLS agent endpoint, 10 s heartbeats.
server_start=0 server_starts=0
start_server() {
    server_starts=$((server_starts + 1))
    local -a extra_env=()
    read -r -a extra_env <<<"${BENCH_SERVER_ENV:-}"
    local -a extra_args=()
    read -r -a extra_args <<<"${BENCH_SERVER_ARGS:-}"
    server_start=$(date +%s.%N)
    env DOTNET_ENVIRONMENT=Production SENTINEL_DATA="$work/data" "${extra_env[@]}" setsid "$server_bin" \
        --Roles=all \
        --Listen:Operator="http://127.0.0.1:$operator_port" --Tls:Mode=Off \
        --Listen:Agent="http://127.0.0.1:$agent_port" \
        --Listen:Management="http://127.0.0.1:$management_port" \
        --Listen:Internal="http://127.0.0.1:$internal_port" \
        --Database:ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=postgres;Database=sentinel;Maximum Pool Size=100" \
        --Security:InternalSigningKey="$(cat "$work/signing-key")" \
        --Asset:CaKeyEncryptionKey="$(cat "$work/ca-key")" \
        --Security:InitialAdminPassword="$admin_password" \
        --Agents:HeartbeatInterval=00:00:10 \
        --Logging:LogLevel:Default=Warning --Logging:LogLevel:Microsoft.AspNetCore=Warning \
        "${extra_args[@]}" \
        </dev/null >>"$work/run/sentinel-$server_starts.log" 2>&1 &
    server_pid=$!
}

wait_ready() {
    local deadline=$((SECONDS + 120))
    until curl -fsS -o /dev/null "http://127.0.0.1:$management_port/readyz" 2>/dev/null; do
        server_alive || return 1
        ((SECONDS < deadline)) || { say "the server was not ready within 120 s"; return 1; }
        sleep 0.2
    done
    # Ready must mean this server (not another process on the port).
    sleep 0.5
    server_alive
}

server_alive() {
    kill -0 "$server_pid" 2>/dev/null && return 0
    say "the server exited; its log:"
    tail -30 "$work/run/sentinel-$server_starts.log" >&2
    return 1
}

stop_server() {
    [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null || { server_pid=""; return 0; }
    kill -TERM "$server_pid" 2>/dev/null || true
    local waited=0
    while kill -0 "$server_pid" 2>/dev/null && ((waited < 900)); do sleep 0.05; waited=$((waited + 1)); done
    kill -KILL "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    server_pid=""
}

# "rss anon file shmem hwm" in KiB, from /proc/PID/status.
memory() { awk '/^VmRSS:/{r=$2} /^RssAnon:/{a=$2} /^RssFile:/{f=$2} /^RssShmem:/{s=$2} /^VmHWM:/{h=$2} END{print r, a, f, s, h}' "/proc/$1/status"; }
# utime+stime of a process, in clock ticks.
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
threads() { awk '/^Threads:/{print $2}' "/proc/$1/status"; }

# The simulators' status files, summed: "connected welcomes".
fleet() { cat "$work"/run/sim-*.json 2>/dev/null | jq -s -r '[(map(.connected) | add // 0), (map(.welcomes) | add // 0)] | @tsv'; }
# Stream ends by reason, summed over the simulators, as JSON.
fleet_ends() { cat "$work"/run/sim-*.json 2>/dev/null | jq -s -c 'map(.ends | to_entries) | add // [] | group_by(.key) | map({key: .[0].key, value: (map(.value) | add)}) | from_entries'; }

# Waits until TARGET agents are connected, at most TIMEOUT seconds after BEGIN (epoch seconds); sets `waited` to
# the seconds since BEGIN, or to "" on timeout. (Not in a subshell, so a signal stops the script at once.)
wait_connected() {
    local target=$1 timeout=$2 begin=$3 connected
    waited=""
    while true; do
        read -r connected _ <<<"$(fleet)"
        if ((${connected:-0} >= target)); then
            waited=$(echo "$(date +%s.%N) - $begin" | bc -l)
            return 0
        fi
        if (($(echo "$(date +%s.%N) - $begin > $timeout" | bc -l))); then
            say "only ${connected:-0}/$target connected after $timeout s"
            return 0
        fi
        sleep 0.5
    done
}

# CPU ticks of the cluster's processes (the postmaster and its backends).
pg_ticks() {
    local postmaster pid total=0
    postmaster=$(head -1 "$work/pg/postmaster.pid")
    for pid in $postmaster $(pgrep -P "$postmaster"); do total=$((total + $(cpu_ticks "$pid" 2>/dev/null || echo 0))); done
    echo "$total"
}

start_server
wait_ready
say "sentinel ready (pid $server_pid); operator :$operator_port, agents :$agent_port"

# 3. Enrollment, once per work directory: one token, the agent's own enrollment code, 16 at a time.
enrolled=$(find "$work/agents" -mindepth 3 -maxdepth 3 -name agent-id 2>/dev/null | wc -l)
enroll_note="identities cached from an earlier run ($enrolled in $work)"
if ((enrolled < agents)); then
    eval "$("$bench_bin" token --operator "http://127.0.0.1:$operator_port" --password "$admin_password" --uses $((agents - enrolled)))"
    say "enrolling $((agents - enrolled)) agents"
    enroll_begin=$SECONDS
    "$bench_bin" enroll --server "https://127.0.0.1:$agent_port" --token "$TOKEN" --fingerprint "$FINGERPRINT" --work "$work" --count "$agents" --parallel 16 >&2
    enroll_note="$((agents - enrolled)) agents enrolled in $((SECONDS - enroll_begin)) s (one token, 16 in parallel)"
    # A clean baseline: the server as it starts, not as the enrollment left it.
    stop_server
    start_server
    wait_ready
fi
sleep 5
clk=$(getconf CLK_TCK)
idle_cpu0=$(cpu_ticks "$server_pid")
sleep 10
idle_cpu=$(echo "($(cpu_ticks "$server_pid") - $idle_cpu0) / $clk / 10 * 100" | bc -l)
read -r base_rss base_anon base_file base_shmem _ <<<"$(memory "$server_pid")"
base_threads=$(threads "$server_pid")
say "baseline: RSS $base_rss KiB (anon $base_anon, file $base_file), $base_threads threads"

# 4. The fleet: K simulator processes, each with its share of the agents. They share the server's two cores, so
#    their own runtime overhead is kept out of its way: code generation as the agent's (AgentsBench.csproj: no
#    tiering, no PGO), no thread-pool spinning (AgentsBench.csproj), and no W^X double mapping of code pages, which
#    is only a harness setting (the agent and the server keep it). With W^X the simulators took 57 s of CPU for a
#    10,000-agent reconnect, without it 42 s (bench/agents/experiments.md).
per=$(((agents + processes - 1) / processes))
connect_begin=$(date +%s.%N)
for ((k = 0; k < processes; k++)); do
    first=$((k * per)) count=$((agents - k * per < per ? agents - k * per : per))
    ((count > 0)) || continue
    DOTNET_EnableWriteXorExecute=0 "$bench_bin" run --server "https://127.0.0.1:$agent_port" --work "$work" --first "$first" --count "$count" \
        --ramp "$ramp" --status "$work/run/sim-$k.json" >"$work/run/sim-$k.log" 2>&1 &
    sim_pids+=($!)
done
say "started ${#sim_pids[@]} simulator processes ($per agents each, $ramp new connections/s each)"
wait_connected "$agents" "$connect_timeout" "$connect_begin"
connect_seconds=$waited
if [[ -z "$connect_seconds" ]]; then
    say "not all agents connected; measuring what is there"
else
    say "all $agents agents connected in $connect_seconds s"
fi

# 5. Settle at the 10 s heartbeat, then measure. CPU over the window, for the server and the simulators.
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
ends_before_settle=$(fleet_ends)
server_cpu0=$(cpu_ticks "$server_pid")
pg_cpu0=$(pg_ticks)
sims_cpu0=0; for pid in "${sim_pids[@]}"; do sims_cpu0=$((sims_cpu0 + $(cpu_ticks "$pid"))); done
say "settling for $settle s"
sleep "$settle"
server_cpu=$(echo "($(cpu_ticks "$server_pid") - $server_cpu0) / $clk / $settle * 100" | bc -l)
pg_cpu=$(echo "($(pg_ticks) - $pg_cpu0) / $clk / $settle * 100" | bc -l)
sims_cpu1=0; for pid in "${sim_pids[@]}"; do sims_cpu1=$((sims_cpu1 + $(cpu_ticks "$pid"))); done
sims_cpu=$(echo "($sims_cpu1 - $sims_cpu0) / $clk / $settle * 100" | bc -l)
read -r connected_settled _ <<<"$(fleet)"
# An overloaded server may fail the count; the run still reports the rest.
online=$("$bench_bin" online --operator "http://127.0.0.1:$operator_port" --password "$admin_password" 2>/dev/null) || online=0
read -r rss anon file shmem hwm <<<"$(memory "$server_pid")"
settled_threads=$(threads "$server_pid")
ends_after_settle=$(fleet_ends)
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
# Per agent connected at the time of measurement (all of them, unless the fleet never fully connected).
per_agent=$(echo "($rss - $base_rss) / ${connected_settled:-1}" | bc -l)
per_agent_anon=$(echo "($anon - $base_anon) / ${connected_settled:-1}" | bc -l)
if [[ -n "${BENCH_DUMP:-}" ]]; then
    runtime_dir=$(dotnet --list-runtimes | awk '/^Microsoft.NETCore.App /{v=$2; d=$3} END{gsub(/[][]/, "", d); print d "/" v}')
    createdump=$runtime_dir/createdump
    "$createdump" --withheap -f "$BENCH_DUMP" "$server_pid" >&2
fi
say "settled: $connected_settled connected, $online online in Asset; RSS $rss KiB (anon $anon, file $file), $(printf %.1f "$per_agent") KiB/agent"

# 6. Restart: SIGTERM, start again, and time until every agent is connected again.
ends_before_restart=$(fleet_ends)
welcomes_before=$(fleet | cut -f2)
sims_restart_cpu0=0; for pid in "${sim_pids[@]}"; do sims_restart_cpu0=$((sims_restart_cpu0 + $(cpu_ticks "$pid"))); done
restart_begin=$(date +%s.%N)
stop_server
stopped_seconds=$(echo "$(date +%s.%N) - $restart_begin" | bc -l)
start_server
start_begin=$server_start
wait_ready
ready_seconds=$(echo "$(date +%s.%N) - $restart_begin" | bc -l)
say "restarted: stopped in $(printf %.1f "$stopped_seconds") s, ready $(printf %.1f "$ready_seconds") s after SIGTERM"
wait_connected "$agents" "$reconnect_timeout" "$restart_begin"
reconnect_seconds=$waited
# CPU of the reconnect: the new server from its start (start-up included), the simulators from the SIGTERM.
restart_server_cpu=$(echo "$(cpu_ticks "$server_pid") / $clk" | bc -l)
sims_restart_cpu1=0; for pid in "${sim_pids[@]}"; do sims_restart_cpu1=$((sims_restart_cpu1 + $(cpu_ticks "$pid"))); done
restart_sims_cpu=$(echo "($sims_restart_cpu1 - $sims_restart_cpu0) / $clk" | bc -l)
restart_load=$(cut -d' ' -f1-3 /proc/loadavg)
sleep 15 # late failures of the reconnect wave still count
ends_after_restart=$(fleet_ends)
welcomes_after=$(fleet | cut -f2)
read -r rss_after_restart _ <<<"$(memory "$server_pid")"
[[ -n "$reconnect_seconds" ]] && since_start=$(echo "$reconnect_seconds - ($start_begin - $restart_begin)" | bc -l) || since_start=""
say "reconnected: ${reconnect_seconds:-timeout} s after SIGTERM"

# Stream ends between two snapshots, as "count<TAB>reason" lines.
ends_between() { jq -n -r --argjson a "$1" --argjson b "$2" '$b | to_entries | map(.value -= ($a[.key] // 0)) | map(select(.value > 0)) | sort_by(-.value) | .[] | "\(.value)\t\(.key)"'; }
# A refusal is a TLS handshake failure, or a stream end with a status other than UNAVAILABLE. Not counted: a write
# that failed on a stream the server was ending (the agent's gRPC client reports it as INTERNAL "Error writing
# message", not as the server's UNAVAILABLE); those are counted on their own.
client_write_error='^Internal: Error writing message'
refusals() { awk -F'\t' -v w="$client_write_error" '$2 !~ w && ($2 !~ /^Unavailable/ || $2 ~ /SSL|TLS|handshake|certificate|authenticat/) {n += $1} END {print n + 0}'; }
write_errors() { awk -F'\t' -v w="$client_write_error" '$2 ~ w {n += $1} END {print n + 0}'; }
settle_ends=$(ends_between "$ends_before_settle" "$ends_after_settle")
restart_ends=$(ends_between "$ends_before_restart" "$ends_after_restart")
settle_refusals=$(refusals <<<"$settle_ends")
restart_refusals=$(refusals <<<"$restart_ends")
restart_write_errors=$(write_errors <<<"$restart_ends")

# 7. The section.
verdict() { if [[ "$1" == 1 ]]; then echo "**PASS**"; else echo "**FAIL**"; fi; }
kib() { printf "%.1f" "$1"; }
mib() { printf "%.1f" "$(echo "$1 / 1024" | bc -l)"; }
memory_pass=$(echo "$per_agent <= 60 * 1000 / 1024" | bc -l)
reconnect_pass=0
[[ -n "$since_start" ]] && (($(echo "$reconnect_seconds <= 60" | bc -l))) && ((restart_refusals == 0)) && reconnect_pass=1
connected_pass=$(((connected_settled >= agents && online >= agents) ? 1 : 0))
ratio() { printf "%.2f" "$(echo "$1 / $2" | bc -l)"; }
server_env=${BENCH_SERVER_ENV:-}
# The GC the server's runtimeconfig asks for (src/Sentinel/Sentinel.csproj); BENCH_SERVER_ENV may override it.
gc_mode=$(jq -r '.runtimeOptions.configProperties | (if ."System.GC.Server" == true then "Server GC" else "Workstation GC" end) + (if ."System.GC.Concurrent" == false then ", non-concurrent" else "" end)' "${server_bin}.runtimeconfig.json" 2>/dev/null || echo "GC unknown")
server_args=${BENCH_SERVER_ARGS:-}
section=$(
    cat <<EOF
## agents

Measured $(date -u '+%Y-%m-%d %H:%M') UTC by \`bench/agents/run.sh $agents $processes\`: one Release \`sentinel\` (all roles, $gc_mode, logs at Warning${server_env:+, environment \`$server_env\`}${server_args:+, \`$server_args\`}) on a private PostgreSQL 15 (scripts/pg-cluster.sh; synchronous_commit=${BENCH_SYNCHRONOUS_COMMIT:-on} for the sentinel database, fsync on) and $processes simulator processes (bench/agents/AgentsBench) holding $agents agents. Each agent is the agent's own code: \`Enrollment.EnrollAsync\` once (trust bundle, pinned CA, CSR, Enroll), then \`AgentUplink\` with its own spool and effective configuration in its state directory, over its own mTLS HTTP/2 connection from one of 127.0.0.2-255, heartbeating every 10 s as the Welcome says (no collectors: the platform's cost per connected agent is measured). Memory is the server process's, from /proc: the RSS after $settle s of the connected fleet minus the RSS of the freshly started server with no agent, divided by the agents.

- Source: commit $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- services/AgentGateway src/Sentinel bench/agents || echo " (with uncommitted changes to the measured paths)"); $(nproc) cores, $(awk '/MemTotal/{printf "%.0f GiB", $2/1048576}' /proc/meminfo); $(. /etc/os-release && echo "$PRETTY_NAME") (Linux $(uname -r)); load average $load_before before the settle window, $load_after after (shared machine).
- Enrollment: $enroll_note.

| metric | value | target |
| --- | ---: | --- |
| agents connected (simulators' count of live streams after the settle window) | $connected_settled of $agents | 10,000: $(if ((agents >= 10000)); then verdict "$connected_pass"; else echo "not at this size"; fi) |
| agents online in Asset (ListAgents state=online) | $online | |
| time until all were connected ($ramp new connections/s per process) | $(if [[ -n "$connect_seconds" ]]; then printf "%.1f s" "$connect_seconds"; else echo "not within $connect_timeout s"; fi) | |
| server RSS, no agents / $agents agents settled | $(mib "$base_rss") / $(mib "$rss") MiB | |
| of which private anonymous (GC heap, stacks, native) | $(mib "$base_anon") / $(mib "$anon") MiB | |
| of which file-backed | $(mib "$base_file") / $(mib "$file") MiB | |
| **server RSS per connected agent** | **$(kib "$per_agent") KiB** ($(kib "$(echo "$per_agent * 1024 / 1000" | bc -l)") KB; anonymous $(kib "$per_agent_anon") KiB) | ≤ 60 KB: $(verdict "$memory_pass"), $(ratio "$per_agent * 1024 / 1000" 60) of the budget |
| server threads, no agents / settled | $base_threads / $settled_threads | |
| server CPU: idle with no agent / over the settle window | $(printf %.1f "$idle_cpu") % / $(printf %.1f "$server_cpu") % of one core | |
| PostgreSQL CPU over the settle window | $(printf %.1f "$pg_cpu") % of one core | |
| simulators' CPU over the settle window | $(printf %.1f "$sims_cpu") % of one core | |
| stream ends while settled (any reason) | $(awk -F'\t' '{n += $1} END {print n + 0}' <<<"$settle_ends") | 0 |
| server stop after SIGTERM (drain) | $(printf %.1f "$stopped_seconds") s | |
| server ready after SIGTERM (stop, start, migrations, trust) | $(printf %.1f "$ready_seconds") s | |
| all agents connected again, after SIGTERM / after the new process started | $(if [[ -n "$reconnect_seconds" ]]; then printf "%.1f s / %.1f s" "$reconnect_seconds" "$since_start"; else echo "not within $reconnect_timeout s"; fi) | ≤ 60 s without refusals: $(verdict "$reconnect_pass") |
| refusals during the restart (TLS failures, statuses other than UNAVAILABLE) | $restart_refusals | 0 |
| CPU until all were connected again: new server (from its start) / simulators (from the SIGTERM) | $(printf %.1f "$restart_server_cpu") s ($(printf %.2f "$(echo "$restart_server_cpu * 1000 / $agents" | bc -l)") ms per agent) / $(printf %.1f "$restart_sims_cpu") s; load average then $restart_load | |
| agents' writes that failed on a stream the server was ending (client reports INTERNAL) | $restart_write_errors | |
| Welcomes during the restart | $((welcomes_after - welcomes_before)) | |
| server RSS after the restart, all reconnected | $(mib "$rss_after_restart") MiB | |

Stream ends during the restart, by reason as the agents logged them (digits masked):

\`\`\`
$(if [[ -n "$restart_ends" ]]; then echo "$restart_ends"; else echo "(none)"; fi)
\`\`\`
EOF
)
echo "$section"
if [[ "$results" != "-" ]]; then
    # Re-read right before writing: others write their own sections of the same file.
    SECTION="$section" python3 - "$results" <<'PY'
import os, re, sys
path = sys.argv[1]
text = open(path).read() if os.path.exists(path) else "# Benchmark results\n"
section = os.environ["SECTION"].rstrip("\n") + "\n"
match = re.search(r"^## agents\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
if match:
    text = text[:match.start()] + section + ("\n" if match.end() < len(text) else "") + text[match.end():]
else:
    text = text.rstrip("\n") + "\n\n" + section
open(path, "w").write(text)
PY
    say "wrote the agents section of $results"
fi
