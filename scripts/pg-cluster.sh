#!/usr/bin/env bash
# A private PostgreSQL cluster in a directory of its own, for the quick-start and the tests.
#
#   pg-cluster.sh start  DATADIR [PORT]   initdb if DATADIR is empty, then start (idempotent)
#   pg-cluster.sh stop   DATADIR          fast shutdown (no-op when not running)
#   pg-cluster.sh status DATADIR          exit 0 running, 3 stopped, 4 no cluster
#
# `start` and `status` print machine-readable KEY=VALUE lines on stdout (split each line at its
# first '='); everything else goes to stderr:
#   PGDATA=/abs/datadir  PGHOST=127.0.0.1  PGPORT=NNNNN  PGUSER=postgres
#   PGSOCKETDIR=/abs/datadir (empty when the path is too long for a unix socket)
#   PGBIN=/usr/lib/postgresql/15/bin  PGURL=postgresql://postgres@127.0.0.1:NNNNN/postgres
#
# The cluster listens on 127.0.0.1 only, its unix socket lives in DATADIR, and it trusts local
# socket and 127.0.0.1 connections (superuser `postgres`, no password): it is for one machine's
# development and tests, never for anything reachable from outside.
#
# As root, the server runs as the `postgres` user (initdb and postgres refuse root), and DATADIR is
# handed to that user; as any other user it runs as that user. When the binaries are missing and
# we are root, postgresql-15 is installed with apt-get.
#
# Environment:
#   PG_FAST=1            fsync, synchronous_commit and full_page_writes off (tests only: a crash
#                        can corrupt the cluster)
#   PG_BIN=DIR           PostgreSQL server binaries (default /usr/lib/postgresql/<major>/bin)
#   PG_MAX_CONNECTIONS   max_connections (default 200)
#   PG_START_TIMEOUT     seconds pg_ctl waits for start-up (default 60)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
# shellcheck source=scripts/lib/deps.sh
source "$SCRIPT_DIR/lib/deps.sh"

readonly PG_MAJOR_DEFAULT=15
readonly SUPERUSER=postgres
readonly CONF_INCLUDE=sentinel-cluster.conf
readonly LOG_NAME=server.log
# Ports picked when none is given: below Linux's ephemeral range (32768-60999), so an outgoing
# connection never takes the port between the check and the bind.
readonly PORT_MIN=20000
readonly PORT_MAX=32000
readonly START_ATTEMPTS=5

# The server must not pick up a caller's libpq settings.
unset PGDATA PGPORT PGHOST PGHOSTADDR PGUSER PGDATABASE PGOPTIONS PGSERVICE PGSERVICEFILE

log() { printf 'pg-cluster: %s\n' "$*" >&2; }
die() {
    log "error: $1"
    exit "${2:-1}"
}

usage() {
    cat >&2 <<'EOF'
usage: pg-cluster.sh start DATADIR [PORT]
       pg-cluster.sh stop DATADIR
       pg-cluster.sh status DATADIR
EOF
    exit 2
}

# ---------------------------------------------------------------------------------------------
# Who runs the server, and where its binaries are.

RUN_AS=""    # OS user the PostgreSQL tools run as ("" = the current user)
PG_BIN_DIR=""

is_root() { [[ $(id -u) -eq 0 ]]; }

# Runs "$@" as the cluster's OS user, from / so that a cwd that user cannot read does not matter.
as_pg_user() {
    if [[ -n "$RUN_AS" ]]; then
        (cd / && runuser -u "$RUN_AS" -- "$@")
    else
        "$@"
    fi
}

# Writes stdin to file $1 as the cluster's OS user.
write_as_pg_user() {
    as_pg_user tee "$1" >/dev/null
}

choose_run_as() {
    local datadir=$1
    if ! is_root; then
        RUN_AS=""
        return
    fi
    local owner=""
    if [[ -d "$datadir" ]]; then
        owner=$(stat -c %U "$datadir")
    fi
    if [[ -n "$owner" && "$owner" != root ]]; then
        RUN_AS=$owner
    else
        id -u postgres >/dev/null 2>&1 \
            || die "running as root needs the 'postgres' OS user (created by the postgresql-15 package)"
        RUN_AS=postgres
    fi
}

# Sets PG_BIN_DIR to the server binaries for major version $1 (or the newest >= 15 when $1 is
# empty). Installs postgresql-15 when nothing is found and we are root.
find_pg_bin() {
    local want_major=$1
    if [[ -n "${PG_BIN:-}" ]]; then
        [[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "PG_BIN=$PG_BIN has no initdb/pg_ctl"
        PG_BIN_DIR=$PG_BIN
        return
    fi
    local attempt candidate major best=""
    for attempt in 1 2; do
        if [[ -n "$want_major" ]]; then
            candidate=/usr/lib/postgresql/$want_major/bin
            [[ -x "$candidate/pg_ctl" ]] && best=$candidate
        else
            for candidate in /usr/lib/postgresql/*/bin; do
                major=$(basename "$(dirname "$candidate")")
                [[ "$major" =~ ^[0-9]+$ ]] || continue
                ((major >= PG_MAJOR_DEFAULT)) || continue
                [[ -x "$candidate/initdb" && -x "$candidate/pg_ctl" ]] || continue
                if [[ -z "$best" ]] || ((major > $(basename "$(dirname "$best")"))); then
                    best=$candidate
                fi
            done
        fi
        if [[ -n "$best" ]]; then
            PG_BIN_DIR=$best
            return
        fi
        if ((attempt == 1)) && is_root; then
            log "PostgreSQL ${want_major:-$PG_MAJOR_DEFAULT} server binaries not found; installing"
            ensure_debian_packages "postgresql-${want_major:-$PG_MAJOR_DEFAULT}" \
                || die "could not install postgresql-${want_major:-$PG_MAJOR_DEFAULT}"
        fi
    done
    die "PostgreSQL ${want_major:-">= $PG_MAJOR_DEFAULT"} server binaries not found under /usr/lib/postgresql; install them (apt-get install -y postgresql-${want_major:-$PG_MAJOR_DEFAULT}) or set PG_BIN"
}

# ---------------------------------------------------------------------------------------------
# Cluster state.

has_cluster() { [[ -f "$1/PG_VERSION" ]]; }

is_running() {
    as_pg_user "$PG_BIN_DIR/pg_ctl" status -D "$1" >/dev/null 2>&1
}

# Line 4 of postmaster.pid is the port, line 5 the socket directory (PostgreSQL >= 10).
running_port() { sed -n 4p "$1/postmaster.pid" 2>/dev/null; }
running_socket_dir() { sed -n 5p "$1/postmaster.pid" 2>/dev/null; }

# The port the last start used, from our include file.
configured_port() {
    [[ -f "$1/$CONF_INCLUDE" ]] || return 0
    sed -n "s/^port = \([0-9]\+\)$/\1/p" "$1/$CONF_INCLUDE" | tail -n 1
}

port_in_use() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

pick_free_port() {
    local port _
    for _ in $(seq 1 200); do
        port=$((PORT_MIN + RANDOM % (PORT_MAX - PORT_MIN)))
        if ! port_in_use "$port"; then
            echo "$port"
            return
        fi
    done
    die "no free port found in $PORT_MIN-$PORT_MAX"
}

print_info() {
    local datadir=$1 port socket_dir
    port=$(running_port "$datadir")
    socket_dir=$(running_socket_dir "$datadir")
    [[ -n "$port" ]] || die "cannot read the port from $datadir/postmaster.pid"
    printf 'PGDATA=%s\n' "$datadir"
    printf 'PGHOST=127.0.0.1\n'
    printf 'PGPORT=%s\n' "$port"
    printf 'PGUSER=%s\n' "$SUPERUSER"
    printf 'PGSOCKETDIR=%s\n' "$socket_dir"
    printf 'PGBIN=%s\n' "$PG_BIN_DIR"
    printf 'PGURL=postgresql://%s@127.0.0.1:%s/postgres\n' "$SUPERUSER" "$port"
}

# Holds an exclusive lock on the data directory for the rest of this script, so two concurrent
# starts (or a start and a stop) of the same cluster do not interleave. fd 9 must not leak into
# the server: every pg_ctl call closes it.
lock_datadir() {
    exec 9<"$1" || die "cannot open $1"
    flock -w 120 9 || die "timed out waiting for another pg-cluster.sh working on $1"
}

# ---------------------------------------------------------------------------------------------
# Subcommands.

prepare_datadir() {
    local datadir=$1
    if [[ ! -d "$datadir" ]]; then
        mkdir -p "$datadir" || die "cannot create $datadir"
    fi
    if is_root && [[ "$(stat -c %U "$datadir")" == root ]]; then
        if [[ -n "$(ls -A "$datadir")" ]]; then
            die "$datadir is owned by root and not empty; use an empty directory or one owned by the postgres user"
        fi
        chown "$RUN_AS:$(id -gn "$RUN_AS")" "$datadir"
        chmod 700 "$datadir"
    fi
    if ! as_pg_user test -w "$datadir" -a -x "$datadir"; then
        die "OS user '${RUN_AS:-$(id -un)}' cannot write $datadir; every parent directory must be searchable by that user (chmod o+x on the parent directories)"
    fi
}

init_cluster() {
    local datadir=$1
    if [[ -n "$(ls -A "$datadir")" ]]; then
        die "$datadir is neither empty nor a PostgreSQL data directory (no PG_VERSION); refusing to touch it"
    fi
    log "initdb $datadir ($("$PG_BIN_DIR/postgres" --version))"
    local initdb_opts=(-D "$datadir" -U "$SUPERUSER" -E UTF8 --locale=C --auth-local=trust
        --auth-host=trust --no-instructions)
    # A throwaway test cluster need not wait for its files to reach the disk.
    [[ "${PG_FAST:-0}" == 1 ]] && initdb_opts+=(--no-sync)
    if ! as_pg_user "$PG_BIN_DIR/initdb" "${initdb_opts[@]}" >&2 9<&-; then
        die "initdb failed for $datadir"
    fi
    # Only the local socket and 127.0.0.1: nothing else may connect, and nothing needs a password.
    write_as_pg_user "$datadir/pg_hba.conf" <<'EOF'
# Written by scripts/pg-cluster.sh: a private development/test cluster.
# TYPE  DATABASE  USER  ADDRESS        METHOD
local   all       all                  trust
host    all       all   127.0.0.1/32   trust
EOF
    printf "\n# Settings written by scripts/pg-cluster.sh on every start.\ninclude_if_exists = '%s'\n" \
        "$CONF_INCLUDE" | as_pg_user tee -a "$datadir/postgresql.conf" >/dev/null
}

write_settings() {
    local datadir=$1 port=$2
    local socket_dir=$datadir
    # A unix socket path is limited to 107 bytes ("/.s.PGSQL.NNNNN" adds 15): beyond that, TCP only.
    if ((${#datadir} + 15 > 107)); then
        log "warning: $datadir is too long for a unix socket path; the cluster listens on TCP only"
        socket_dir=""
    fi
    {
        echo "# Rewritten by scripts/pg-cluster.sh on every start; edit that script, not this file."
        echo "listen_addresses = '127.0.0.1'"
        echo "port = $port"
        echo "unix_socket_directories = '$socket_dir'"
        echo "max_connections = ${PG_MAX_CONNECTIONS:-200}"
        if [[ "${PG_FAST:-0}" == 1 ]]; then
            echo "# PG_FAST=1: durability off, for throwaway test clusters only."
            echo "fsync = off"
            echo "synchronous_commit = off"
            echo "full_page_writes = off"
        fi
    } | write_as_pg_user "$datadir/$CONF_INCLUDE"
}

cmd_start() {
    local datadir=$1 requested_port=${2:-}
    if [[ -n "$requested_port" ]] && ! [[ "$requested_port" =~ ^[0-9]+$ && "$requested_port" -ge 1 && "$requested_port" -le 65535 ]]; then
        die "PORT must be a number in 1-65535, not '$requested_port'" 2
    fi
    choose_run_as "$datadir"
    local version=""
    has_cluster "$datadir" && version=$(cat "$datadir/PG_VERSION")
    find_pg_bin "$version"
    prepare_datadir "$datadir"
    lock_datadir "$datadir"

    # 1. Already running: report it (idempotent start).
    if has_cluster "$datadir" && is_running "$datadir"; then
        local port
        port=$(running_port "$datadir")
        if [[ -n "$requested_port" && "$port" != "$requested_port" ]]; then
            die "the cluster in $datadir is already running on port $port, not $requested_port; stop it first"
        fi
        log "already running on port $port ($datadir)"
        print_info "$datadir"
        return
    fi

    # 2. Create the cluster when the directory is empty.
    if ! has_cluster "$datadir"; then
        init_cluster "$datadir"
    fi

    # 3. Start, picking another port when a free-looking one was taken in the meantime.
    local logfile=$datadir/$LOG_NAME attempt port log_offset
    for attempt in $(seq 1 "$START_ATTEMPTS"); do
        if [[ -n "$requested_port" ]]; then
            port=$requested_port
        else
            port=$(configured_port "$datadir")
            if [[ -z "$port" ]] || port_in_use "$port" || ((attempt > 1)); then
                port=$(pick_free_port)
            fi
        fi
        write_settings "$datadir" "$port"
        log_offset=$(stat -c %s "$logfile" 2>/dev/null || echo 0)
        if as_pg_user "$PG_BIN_DIR/pg_ctl" start -D "$datadir" -l "$logfile" -w \
            -t "${PG_START_TIMEOUT:-60}" -s >&2 9<&-; then
            log "started on 127.0.0.1:$port ($datadir)"
            print_info "$datadir"
            return
        fi
        local new_log
        new_log=$(tail -c +"$((log_offset + 1))" "$logfile" 2>/dev/null || true)
        if [[ -z "$requested_port" ]] && grep -q "could not bind\|Address already in use" <<<"$new_log"; then
            log "port $port was taken; retrying with another port"
            continue
        fi
        log "the server did not start; the end of $logfile:"
        tail -n 30 <<<"$new_log" >&2 || true
        die "could not start the cluster in $datadir"
    done
    die "could not find a free port after $START_ATTEMPTS attempts"
}

cmd_stop() {
    local datadir=$1
    if ! has_cluster "$datadir"; then
        log "no cluster in $datadir; nothing to stop"
        return
    fi
    choose_run_as "$datadir"
    find_pg_bin "$(cat "$datadir/PG_VERSION")"
    lock_datadir "$datadir"
    if ! is_running "$datadir"; then
        log "not running ($datadir)"
        return
    fi
    if as_pg_user "$PG_BIN_DIR/pg_ctl" stop -D "$datadir" -m fast -w -t 60 -s >&2 9<&-; then
        log "stopped ($datadir)"
        return
    fi
    log "fast shutdown did not finish in 60 s; shutting down immediately"
    as_pg_user "$PG_BIN_DIR/pg_ctl" stop -D "$datadir" -m immediate -w -t 30 -s >&2 9<&- \
        || die "could not stop the cluster in $datadir"
}

cmd_status() {
    local datadir=$1
    if ! has_cluster "$datadir"; then
        log "no cluster in $datadir"
        exit 4
    fi
    choose_run_as "$datadir"
    find_pg_bin "$(cat "$datadir/PG_VERSION")"
    if is_running "$datadir"; then
        print_info "$datadir"
        return
    fi
    log "not running ($datadir)"
    exit 3
}

main() {
    (($# >= 2)) || usage
    local command=$1 datadir
    [[ -n "$2" ]] || usage
    datadir=$(realpath -m -- "$2")
    case "$command" in
        start)
            (($# <= 3)) || usage
            cmd_start "$datadir" "${3:-}"
            ;;
        stop)
            (($# == 2)) || usage
            cmd_stop "$datadir"
            ;;
        status)
            (($# == 2)) || usage
            cmd_status "$datadir"
            ;;
        *) usage ;;
    esac
}

main "$@"
