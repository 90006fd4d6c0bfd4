#!/usr/bin/env bash
# THE quick start: installs what is missing, starts a private PostgreSQL cluster under the data
# directory, creates the `sentinel` database, then builds and runs the server in single-node mode
# (`--roles all`) and a local agent, enrolled on the first start. Ctrl-C (or SIGTERM) stops the agent, the
# server and then the cluster.
#
# Environment:
#   SENTINEL_DATA                  data directory (default: <repo>/.data); the cluster lives in $SENTINEL_DATA/pg
#   SENTINEL__Listen__Operator     operator edge: gateway, REST, OpenAPI (default https://127.0.0.1:7400,
#                                  self-signed certificate in $SENTINEL_DATA/tls, fingerprint printed)
#   SENTINEL__Listen__Agent        agent endpoint, TLS + client certificates (default 127.0.0.1:7401)
#   SENTINEL__Listen__Management   /healthz, /readyz (default http://127.0.0.1:7402)
#   SENTINEL__Listen__Internal     the roles' own gRPC, for the gateway and each other (default http://127.0.0.1:7403)
#   SENTINEL__Asset__CaKeyEncryptionKey  set from $SENTINEL_DATA/ca-key (created once, mode 600)
#   SENTINEL__Security__InitialAdminPassword  set from $SENTINEL_DATA/admin-password (created with the database,
#                                  mode 600): the password of the first user, admin
#   SENTINEL_LOCAL_AGENT=0         do not start the local agent (in $SENTINEL_DATA/agent, log in agent.log there)
#   any other SENTINEL__Section__Key setting reaches the server unchanged; extra arguments too.
set -euo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$REPO"
# shellcheck source=scripts/lib/deps.sh
source "$REPO/scripts/lib/deps.sh"
# shellcheck source=scripts/lib/local-agent.sh
source "$REPO/scripts/lib/local-agent.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

readonly DATABASE=sentinel
# How long the server gets to drain after SIGTERM before it is killed (its own drain is 30 s).
readonly SERVER_STOP_SECONDS=45

SERVER_PID=""
STOP_CLUSTER=0
PG_DIR=""

say() { printf 'start.sh: %s\n' "$*" >&2; }

# Stops the local agent, then the server (TERM to its process group, KILL after SERVER_STOP_SECONDS), then the cluster
# if this script started it. Runs once, on every way out.
# shellcheck disable=SC2317  # invoked by the EXIT trap
cleanup() {
    local status=$?
    trap '' INT TERM
    trap - EXIT
    stop_local_agent
    if [[ -n "$SERVER_PID" ]] && kill -0 "$SERVER_PID" 2>/dev/null; then
        say "stopping the server"
        kill -TERM -- "-$SERVER_PID" 2>/dev/null || kill -TERM "$SERVER_PID" 2>/dev/null || true
        local waited=0
        while kill -0 "$SERVER_PID" 2>/dev/null && ((waited < SERVER_STOP_SECONDS * 2)); do
            sleep 0.5
            waited=$((waited + 1))
        done
        if kill -0 "$SERVER_PID" 2>/dev/null; then
            say "the server did not stop within ${SERVER_STOP_SECONDS}s; killing it"
            kill -KILL -- "-$SERVER_PID" 2>/dev/null || true
        fi
        wait "$SERVER_PID" 2>/dev/null || true
    fi
    if ((STOP_CLUSTER)); then
        say "stopping PostgreSQL"
        "$REPO/scripts/pg-cluster.sh" stop "$PG_DIR" || true
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# 1. What the machine needs.
ensure_debian_packages "${SENTINEL_RUNTIME_PACKAGES[@]}"
ensure_dotnet

# 2. The private cluster under the data directory.
DATA=${SENTINEL_DATA:-$REPO/.data}
mkdir -p "$DATA"
DATA=$(cd "$DATA" && pwd)
# The server keeps its TLS certificate and internal signing key here too.
export SENTINEL_DATA=$DATA
PG_DIR=$DATA/pg

# The key that encrypts the platform CA's private key in the database: made once, kept with the data.
CA_KEY_FILE=$DATA/ca-key
if [[ ! -s "$CA_KEY_FILE" ]]; then
    say "creating the CA key encryption key in $CA_KEY_FILE"
    (umask 077 && head -c 32 /dev/urandom | base64 >"$CA_KEY_FILE")
fi
chmod 600 "$CA_KEY_FILE"
SENTINEL__Asset__CaKeyEncryptionKey=$(tr -d '[:space:]' <"$CA_KEY_FILE")
export SENTINEL__Asset__CaKeyEncryptionKey
if "$REPO/scripts/pg-cluster.sh" status "$PG_DIR" >/dev/null 2>&1; then
    say "PostgreSQL in $PG_DIR is already running; leaving it running on exit"
else
    STOP_CLUSTER=1
fi
pg_output=$("$REPO/scripts/pg-cluster.sh" start "$PG_DIR")
pg_port="" pg_user="" pg_bin=""
while IFS='=' read -r key value; do
    case "$key" in
        PGPORT) pg_port=$value ;;
        PGUSER) pg_user=$value ;;
        PGBIN) pg_bin=$value ;;
    esac
done <<<"$pg_output"
[[ -n "$pg_port" && -n "$pg_user" ]] || {
    say "pg-cluster.sh printed no PGPORT/PGUSER"
    exit 1
}

# 3. The database, created once.
psql_bin=$pg_bin/psql
[[ -x "$psql_bin" ]] || psql_bin=psql
psql_admin=("$psql_bin" -X -q -h 127.0.0.1 -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -tA)
if [[ -z "$("${psql_admin[@]}" -c "SELECT 1 FROM pg_database WHERE datname = '$DATABASE'")" ]]; then
    say "creating database $DATABASE"
    "${psql_admin[@]}" -c "CREATE DATABASE $DATABASE"
    # A new installation: its admin password, kept with the data (the server creates admin with it).
    (umask 077 && head -c 18 /dev/urandom | base64 | tr '+/' '-_' >"$DATA/admin-password")
fi
if [[ -s "$DATA/admin-password" && -z "${SENTINEL__Security__InitialAdminPassword:-}" ]]; then
    SENTINEL__Security__InitialAdminPassword=$(tr -d '[:space:]' <"$DATA/admin-password")
    export SENTINEL__Security__InitialAdminPassword
fi
export SENTINEL__Database__ConnectionString="Host=127.0.0.1;Port=$pg_port;Username=$pg_user;Database=$DATABASE"

# 4. Build, then run the server in its own process group, so one signal reaches `dotnet run` and
#    the server it started.
say "building src/Sentinel and agent/Agent (Release)"
dotnet build src/Sentinel -c Release -nologo -v minimal >&2
dotnet build agent/Agent -c Release -nologo -v minimal >&2

cat >&2 <<EOF

  SentinelSync (single node, --roles all)
    operator    ${SENTINEL__Listen__Operator:-https://127.0.0.1:7400}   (gRPC, REST, /openapi.json; self-signed, fingerprint below)
    agents      ${SENTINEL__Listen__Agent:-https://127.0.0.1:7401}   (TLS + agent client certificates)
    management  ${SENTINEL__Listen__Management:-http://127.0.0.1:7402}   (/healthz, /readyz)
    internal    ${SENTINEL__Listen__Internal:-http://127.0.0.1:7403}   (the roles' gRPC; calls need a signed principal)
    database    postgresql://$pg_user@127.0.0.1:$pg_port/$DATABASE
    data        $DATA
    admin       user admin, password in $DATA/admin-password
    agent       $DATA/agent (config agent.yaml, log agent.log)

  Ctrl-C stops the agent, the server and PostgreSQL.

EOF

setsid dotnet run --project src/Sentinel -c Release --no-build -- --roles all "$@" </dev/null &
SERVER_PID=$!
if [[ "${SENTINEL_LOCAL_AGENT:-1}" != 0 ]]; then
    start_local_agent "$SERVER_PID"
fi
set +e
wait "$SERVER_PID"
server_status=$?
set -e
SERVER_PID=""
say "the server exited with status $server_status"
exit "$server_status"
