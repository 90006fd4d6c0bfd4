#!/usr/bin/env bash
# THE test command: sets the machine up, lints the protos, builds the solution once, runs every
# test project against one private PostgreSQL cluster, and prints as its last line
#
#   N passed, N failed[, N skipped]
#
# Exit status: 0 when everything passed; non-zero when a test failed, the test run aborted, the
# build or the lint failed, or set-up failed. Each failure outside the tests counts as one failed.
#
# Environment:
#   SENTINEL_TEST_PG             use this server (superuser connection string) instead of starting one
#   SENTINEL_TEST_RESULTS        where .trx files go (default artifacts/test-results, emptied first)
#   SENTINEL_TEST_TIMEOUT        bound on the whole `dotnet test` (default 45m, timeout(1) syntax)
#   SENTINEL_TEST_HANG_TIMEOUT   a single test host that is silent this long is killed (default 5m)
#   extra arguments are passed to `dotnet test` (e.g. --filter 'FullyQualifiedName~Testing')
set -uo pipefail

REPO=$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)
cd "$REPO" || exit 1
# shellcheck source=scripts/lib/deps.sh
source "$REPO/scripts/lib/deps.sh"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
# No MSBuild worker nodes outliving the run (they would hold CI's output pipe open).
export MSBUILDDISABLENODEREUSE=1

RESULTS=${SENTINEL_TEST_RESULTS:-$REPO/artifacts/test-results}
RUN_TIMEOUT=${SENTINEL_TEST_TIMEOUT:-45m}
HANG_TIMEOUT=${SENTINEL_TEST_HANG_TIMEOUT:-5m}

PASSED=0
FAILED=0
SKIPPED=0
NOTES=()        # printed just above the summary line
PG_TMP=""       # temp directory of the cluster this script started
TEST_PID=""

step() { printf '\n==> %s\n' "$*"; }
note() { NOTES+=("$*"); }

cleanup() {
    if [[ -n "$TEST_PID" ]]; then
        kill -TERM "$TEST_PID" 2>/dev/null
        wait "$TEST_PID" 2>/dev/null
        TEST_PID=""
    fi
    if [[ -n "$PG_TMP" ]]; then
        "$REPO/scripts/pg-cluster.sh" stop "$PG_TMP/pg" 2>&1 | sed 's/^/    /'
        rm -rf "$PG_TMP"
        PG_TMP=""
    fi
    if [[ "${CI:-}" == true ]] && command -v dotnet >/dev/null 2>&1; then
        # The compiler server must not outlive a CI run either.
        dotnet build-server shutdown >/dev/null 2>&1 || true
    fi
}

# Prints the notes and the summary line (always the last line), then exits with $1. A non-zero
# exit never shows "0 failed": a failure outside the tests (set-up, lint, build, an aborted run)
# counts as one.
finish() {
    local status=$1
    cleanup
    if ((status != 0 && FAILED == 0)); then
        FAILED=1
    fi
    trap - EXIT
    echo
    local line
    for line in "${NOTES[@]}"; do
        echo "test.sh: $line"
    done
    local summary="$PASSED passed, $FAILED failed"
    ((SKIPPED > 0)) && summary+=", $SKIPPED skipped"
    echo "$summary"
    exit "$status"
}

trap 'note "interrupted"; finish 130' INT
trap 'note "terminated"; finish 143' TERM
trap 'finish 1' EXIT

# 1. Machine set-up: Debian packages, .NET, node modules.
step "Checking machine dependencies"
if ! ensure_debian_packages "${SENTINEL_TEST_PACKAGES[@]}"; then
    note "set-up failed: missing Debian packages (see above)"
    finish 1
fi
if ! ensure_dotnet; then
    note "set-up failed: no .NET SDK"
    finish 1
fi
if ! ensure_node_modules "$REPO"; then
    note "set-up failed: npm ci"
    finish 1
fi

# 2. Lint the contracts. A lint failure fails the run, but the tests still run and report.
LINT_FAILED=0
if [[ -f "$REPO/buf.yaml" ]]; then
    step "buf lint"
    if npx --no-install buf lint; then
        echo "buf lint: passed"
    else
        LINT_FAILED=1
        note "buf lint FAILED (see above); counted as 1 failure"
    fi
else
    echo "test.sh: warning: no buf.yaml at the repository root; skipping buf lint" >&2
fi

# 3. Build once.
step "dotnet build SentinelSync.sln -c Release"
if ! dotnet build SentinelSync.sln -c Release -nologo -v minimal; then
    note "BUILD FAILED (see the errors above); no test ran; counted as 1 failure"
    finish 1
fi

# 4. One private PostgreSQL cluster for every test assembly.
if [[ -n "${SENTINEL_TEST_PG:-}" ]]; then
    step "Using the PostgreSQL server in SENTINEL_TEST_PG"
else
    step "Starting a private PostgreSQL cluster"
    PG_TMP=$(mktemp -d "${TMPDIR:-/tmp}/sentinel-test-pg.XXXXXX") || finish 1
    # As root the server runs as the postgres user, which must pass through this directory.
    chmod 711 "$PG_TMP"
    if ! pg_output=$(PG_FAST=1 "$REPO/scripts/pg-cluster.sh" start "$PG_TMP/pg"); then
        note "could not start PostgreSQL (see above)"
        finish 1
    fi
    pg_host="" pg_port="" pg_user=""
    while IFS='=' read -r key value; do
        case "$key" in
            PGHOST) pg_host=$value ;;
            PGPORT) pg_port=$value ;;
            PGUSER) pg_user=$value ;;
        esac
    done <<<"$pg_output"
    if [[ -z "$pg_host" || -z "$pg_port" || -z "$pg_user" ]]; then
        note "pg-cluster.sh printed no PGHOST/PGPORT/PGUSER: $pg_output"
        finish 1
    fi
    export SENTINEL_TEST_PG="Host=$pg_host;Port=$pg_port;Username=$pg_user;Database=postgres"
    echo "SENTINEL_TEST_PG=$SENTINEL_TEST_PG"
fi

# 5. Run the tests, bounded in time. In the background so a signal reaches the trap at once.
step "dotnet test SentinelSync.sln --no-build -c Release"
rm -rf "$RESULTS"
mkdir -p "$RESULTS"
timeout --kill-after=60s "$RUN_TIMEOUT" \
    dotnet test SentinelSync.sln --no-build -c Release -nologo \
    --results-directory "$RESULTS" \
    --logger trx \
    --logger "console;verbosity=normal" \
    --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
    "$@" </dev/null &
TEST_PID=$!
wait "$TEST_PID"
TEST_RC=$?
TEST_PID=""
if ((TEST_RC == 124 || TEST_RC == 137)); then
    note "dotnet test did not finish within $RUN_TIMEOUT and was killed"
fi

# 6. Count the results from the .trx files (one per test project).
counts=$(python3 - "$RESULTS" <<'PY'
import glob
import os
import sys
import xml.etree.ElementTree as ET

NS = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
PASSED = {"Passed", "PassedButRunAborted"}
SKIPPED = {"NotExecuted", "NotRunnable"}

passed = failed = skipped = files = unreadable = 0
for path in sorted(glob.glob(os.path.join(sys.argv[1], "**", "*.trx"), recursive=True)):
    try:
        root = ET.parse(path).getroot()
    except (ET.ParseError, OSError) as error:
        print(f"test.sh: cannot read {path}: {error}", file=sys.stderr)
        unreadable += 1
        continue
    files += 1
    for result in root.iter(NS + "UnitTestResult"):
        outcome = result.get("outcome", "")
        if outcome in PASSED:
            passed += 1
        elif outcome in SKIPPED:
            skipped += 1
        else:  # Failed, Error, Timeout, Aborted, ... : anything that did not pass
            failed += 1
print(passed, failed, skipped, files, unreadable)
PY
)
read -r PASSED FAILED SKIPPED TRX_FILES TRX_UNREADABLE <<<"${counts:-0 0 0 0 0}"

# 7. One bounded retry of the tests that failed, reported by name: a test that fails and then passes
#    is flaky — it counts as passed but is listed above the summary so nobody mistakes it for solid.
if ((FAILED > 0 && FAILED <= 20 && TRX_UNREADABLE == 0 && TEST_RC != 124 && TEST_RC != 137)); then
    mapfile -t FIRST_FAILED < <(python3 "$REPO/scripts/lib/trx_failed.py" "$RESULTS")
    if ((${#FIRST_FAILED[@]} > 0)); then
        step "Retrying ${#FIRST_FAILED[@]} failed test method(s) once"
        filter=$(printf 'FullyQualifiedName~%s|' "${FIRST_FAILED[@]}")
        RETRY_RESULTS="$RESULTS/retry"
        timeout --kill-after=60s 15m \
            dotnet test SentinelSync.sln --no-build -c Release -nologo \
            --results-directory "$RETRY_RESULTS" --logger trx --logger "console;verbosity=minimal" \
            --blame-hang-timeout "$HANG_TIMEOUT" --blame-hang-dump-type none \
            --filter "${filter%|}" </dev/null
        RETRY_RC=$?
        mapfile -t RETRY_FAILED < <(python3 "$REPO/scripts/lib/trx_failed.py" "$RETRY_RESULTS")
        mapfile -t RETRY_PASSED < <(python3 "$REPO/scripts/lib/trx_failed.py" "$RETRY_RESULTS" --passed)
        flaky=()
        for name in "${FIRST_FAILED[@]}"; do
            if printf '%s\n' "${RETRY_PASSED[@]}" | grep -qxF "$name" && ! printf '%s\n' "${RETRY_FAILED[@]}" | grep -qxF "$name"; then
                flaky+=("$name")
            fi
        done
        if ((${#flaky[@]} == ${#FIRST_FAILED[@]} && RETRY_RC == 0)); then
            for name in "${flaky[@]}"; do
                note "FLAKY (failed, then passed on retry): $name"
            done
            PASSED=$((PASSED + FAILED))
            FAILED=0
            TEST_RC=0
        else
            note "retry: ${#flaky[@]} of ${#FIRST_FAILED[@]} failed method(s) passed on retry; the run still fails"
        fi
    fi
fi
if ((TRX_UNREADABLE > 0)); then
    note "$TRX_UNREADABLE .trx file(s) could not be read; counted as failures"
    FAILED=$((FAILED + TRX_UNREADABLE))
fi
if ((TEST_RC != 0 && FAILED == 0)); then
    # A crashed or hung test host leaves no failed result behind: the run itself is the failure.
    note "dotnet test exited with $TEST_RC although no test result failed (aborted or crashed test host?); counted as 1 failure"
    FAILED=1
fi
if ((LINT_FAILED)); then
    FAILED=$((FAILED + 1))
fi
if ((TRX_FILES == 0)); then
    note "no .trx results in $RESULTS"
fi
note "results: $RESULTS ($TRX_FILES .trx file(s))"

status=0
((FAILED > 0 || TEST_RC != 0 || LINT_FAILED != 0)) && status=1
finish "$status"
