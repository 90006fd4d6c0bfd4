#!/bin/bash
# Runs every interop case with the Python client against the Python server,
# once in plaintext and once over TLS (test CA). Exit 0 iff all cases pass.
# Also a template for driving another implementation: swap either side.
set -u
cd "$(dirname "$0")"
PY=/usr/bin/python3
rc=0
tmp=$(mktemp -d)
server_pid=
cleanup() {
  if [ -n "$server_pid" ]; then kill -TERM "$server_pid" 2>/dev/null; wait "$server_pid" 2>/dev/null; fi
  rm -rf "$tmp"
}
trap cleanup EXIT

for mode in plaintext tls; do
  tls=false; [ "$mode" = tls ] && tls=true
  "$PY" interop_server.py --port=0 --use_tls=$tls >"$tmp/out" 2>"$tmp/err" &
  server_pid=$!
  port=
  for _ in $(seq 100); do
    port=$(sed -n 's/^listening on port \([0-9]*\)$/\1/p' "$tmp/out")
    [ -n "$port" ] && break
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.1
  done
  if [ -z "$port" ]; then
    echo "FAIL $mode: server did not start"; cat "$tmp/err"; rc=1; continue
  fi
  echo "== $mode (port $port)"
  "$PY" interop_client.py --server_port="$port" --use_tls=$tls \
      --use_test_ca=true --test_case=all 2>"$tmp/client-err" || {
    rc=1; echo "--- client stderr:"; cat "$tmp/client-err"
    echo "--- server stderr:"; cat "$tmp/err"; }
  kill -TERM "$server_pid"; wait "$server_pid" || { echo "server exit status $?"; rc=1; }
  server_pid=
done
exit $rc
