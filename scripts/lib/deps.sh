# shellcheck shell=bash
# Shared "ensure the machine has what SentinelSync needs" logic.
# Sourced by scripts/test.sh, scripts/start.sh and scripts/pg-cluster.sh; defines functions only.
#
# Everything here talks to stderr, so callers can keep stdout machine-readable.

# Debian packages the quick start needs: the private PostgreSQL cluster, and curl + python3 to enroll the local agent.
SENTINEL_RUNTIME_PACKAGES=(postgresql-15 openssl curl python3)

# Debian packages the test suite needs: the cluster, protoc + the C++ gRPC plugin, Python grpcio
# for interop tests, nghttp2 (h2 client) and openssl (test certificates).
SENTINEL_TEST_PACKAGES=(postgresql-15 protobuf-compiler protobuf-compiler-grpc python3-grpcio
    python3-protobuf nghttp2-client openssl)

deps_log() {
    printf '%s\n' "[deps] $*" >&2
}

# Prints, one per line, the packages among "$@" that dpkg does not report as installed.
deps_missing_debian_packages() {
    local pkg status
    for pkg in "$@"; do
        status=$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)
        if [[ "$status" != "install ok installed" ]]; then
            printf '%s\n' "$pkg"
        fi
    done
}

# Installs the Debian packages among "$@" that are missing. apt-get runs only when something is
# missing (update first, then install). Without root it cannot install: it names the command to run
# and fails.
ensure_debian_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1; then
        deps_log "dpkg-query not found: this is not a Debian-based system; make sure these are installed: $*"
        return 0
    fi
    local missing
    mapfile -t missing < <(deps_missing_debian_packages "$@")
    if ((${#missing[@]} == 0)); then
        return 0
    fi
    if [[ $(id -u) -ne 0 ]]; then
        deps_log "missing Debian packages: ${missing[*]}"
        deps_log "install them with: sudo apt-get update && sudo apt-get install -y ${missing[*]}"
        return 1
    fi
    deps_log "installing missing Debian packages: ${missing[*]}"
    local apt_opts=(-o DPkg::Lock::Timeout=300 -q)
    if ! DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" update >&2; then
        deps_log "apt-get update failed"
        return 1
    fi
    if ! DEBIAN_FRONTEND=noninteractive apt-get "${apt_opts[@]}" install -y --no-install-recommends \
        "${missing[@]}" >&2; then
        deps_log "apt-get install failed for: ${missing[*]}"
        return 1
    fi
    mapfile -t missing < <(deps_missing_debian_packages "$@")
    if ((${#missing[@]} != 0)); then
        deps_log "still missing after apt-get install: ${missing[*]}"
        return 1
    fi
}

# Fails with a clear message when the .NET SDK is not on PATH (Debian does not package it, so it
# cannot be installed from here).
ensure_dotnet() {
    if ! command -v dotnet >/dev/null 2>&1; then
        deps_log "the .NET SDK (dotnet) is not on PATH; install the .NET 10 SDK first"
        return 1
    fi
}

# Makes sure node and npm exist (Debian's nodejs/npm when missing), then installs the root
# package.json's devDependencies (the buf CLI) exactly as locked, with `npm ci`.
ensure_node_modules() {
    local repo=$1
    if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
        ensure_debian_packages nodejs npm || return 1
    fi
    if [[ ! -f "$repo/package-lock.json" ]]; then
        deps_log "$repo/package-lock.json is missing; run 'npm install' once and commit the lockfile"
        return 1
    fi
    deps_log "npm ci (root package.json: buf CLI)"
    if ! (cd "$repo" && npm ci --no-audit --no-fund --loglevel=error >&2); then
        deps_log "npm ci failed"
        return 1
    fi
}
