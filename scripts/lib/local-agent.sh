# shellcheck shell=bash
# The quick start's local agent: enrolled once through the platform's public API (log in as admin, create a
# one-use enrollment token, `sentinel-agent enroll`), then run next to the server. Sourced by scripts/start.sh.
#
# Needs: REPO, DATA, say(); sets LOCAL_AGENT_PID.

LOCAL_AGENT_PID=""

# A URL reachable from this machine for a listen address: wildcard hosts become 127.0.0.1.
local_url() {
    local url=$1
    url=${url/:\/\/0.0.0.0:/://127.0.0.1:}
    url=${url/:\/\/\[::\]:/://127.0.0.1:}
    url=${url/:\/\/\*:/://127.0.0.1:}
    url=${url/:\/\/+:/://127.0.0.1:}
    printf '%s' "${url%/}"
}

# Waits until the server answers /readyz (or exits); $1 = server pid, $2 = management URL.
wait_until_ready() {
    local pid=$1 url=$2 waited=0
    while ((waited < 240)); do
        kill -0 "$pid" 2>/dev/null || return 1
        curl -fsS -o /dev/null --max-time 2 "$url/readyz" 2>/dev/null && return 0
        sleep 0.5
        waited=$((waited + 1))
    done
    return 1
}

# Prints one field of a JSON document read from stdin; $1 = dotted path, e.g. tokens.accessToken.
json_field() {
    /usr/bin/python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[key]
print(value)' "$1"
}

# Enrolls the local agent unless it has an identity already; $1 operator URL, $2 agent URL, $3 config path.
enroll_local_agent() {
    local operator=$1 agent=$2 config=$3 password_file=$DATA/admin-password
    local -a curl_tls=(--cacert "$DATA/tls/cert.pem")
    [[ $operator == http://* ]] && curl_tls=()
    if [[ ! -s "$password_file" ]]; then
        say "no $password_file (this installation predates it): enroll an agent yourself, see agent/README.md"
        return 1
    fi

    local login access created secret fingerprint
    login=$(/usr/bin/python3 -c 'import json, sys; print(json.dumps({"username": "admin", "password": open(sys.argv[1]).read().strip()}))' "$password_file" |
        curl -fsS "${curl_tls[@]}" --max-time 30 -H 'content-type: application/json' --data-binary @- "$operator/v1/auth/login") || {
        say "could not log in as admin with the password in $password_file (changed since?); the local agent is not enrolled"
        return 1
    }
    access=$(json_field tokens.accessToken <<<"$login")
    created=$(curl -fsS "${curl_tls[@]}" --max-time 30 -H 'content-type: application/json' -H "authorization: Bearer $access" \
        --data-binary '{"description": "local agent (scripts/start.sh)", "ttl": "600s", "maxUses": 1, "labels": {"host": "local"}}' \
        "$operator/v1/enrollment-tokens") || {
        say "could not create an enrollment token for the local agent"
        return 1
    }
    secret=$(json_field secret <<<"$created")
    fingerprint=$(json_field caFingerprint <<<"$created")
    dotnet "$REPO/agent/Agent/bin/Release/net10.0/sentinel-agent.dll" enroll \
        --server "$agent" --token "$secret" --ca-fingerprint "$fingerprint" --config "$config" >&2
}

# Enrolls (once) and starts the local agent; $1 server pid.
start_local_agent() {
    local server_pid=$1
    local operator agent management home config
    operator=$(local_url "${SENTINEL__Listen__Operator:-https://127.0.0.1:7400}")
    agent=$(local_url "${SENTINEL__Listen__Agent:-https://127.0.0.1:7401}")
    agent=https://${agent#*://}
    management=$(local_url "${SENTINEL__Listen__Management:-http://127.0.0.1:7402}")
    home=$DATA/agent
    config=$home/agent.yaml
    mkdir -p "$home"
    if [[ ! -s "$config" ]]; then
        printf 'server_url: %s\nstate_directory: %s\n' "$agent" "$home/state" >"$config"
    fi

    if ! wait_until_ready "$server_pid" "$management"; then
        say "the server did not become ready; not starting the local agent"
        return 0
    fi

    if [[ ! -s "$home/state/identity/agent-id" ]]; then
        say "enrolling the local agent"
        enroll_local_agent "$operator" "$agent" "$config" || return 0
    fi

    setsid dotnet "$REPO/agent/Agent/bin/Release/net10.0/sentinel-agent.dll" run --config "$config" </dev/null >>"$home/agent.log" 2>&1 &
    LOCAL_AGENT_PID=$!
    say "local agent $(cat "$home/state/identity/agent-id" 2>/dev/null) running (log: $home/agent.log)"
}

# Stops the local agent (TERM, then KILL after 15 s).
stop_local_agent() {
    [[ -n "$LOCAL_AGENT_PID" ]] && kill -0 "$LOCAL_AGENT_PID" 2>/dev/null || return 0
    say "stopping the local agent"
    kill -TERM "$LOCAL_AGENT_PID" 2>/dev/null || true
    local waited=0
    while kill -0 "$LOCAL_AGENT_PID" 2>/dev/null && ((waited < 30)); do
        sleep 0.5
        waited=$((waited + 1))
    done
    kill -KILL "$LOCAL_AGENT_PID" 2>/dev/null || true
    wait "$LOCAL_AGENT_PID" 2>/dev/null || true
}
