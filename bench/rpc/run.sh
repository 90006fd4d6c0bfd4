#!/usr/bin/env bash
# The RPC runtime benchmark in one command: builds bench/rpc/RpcBench in Release, then measures
# unary Echo (ours vs a raw Kestrel endpoint, driven by h2load) and one-stream server streaming,
# prints a summary and writes the "## rpc" section of bench/RESULTS.md.
# Extra arguments go to `RpcBench run`, e.g. --rounds 5 --requests 300000 --stream-count 2000000.
# Exit status: 0 when every target is met, 1 when one is missed, 2 on a failure to measure.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

for tool in dotnet h2load curl; do
    command -v "$tool" >/dev/null || { echo "run.sh: '$tool' is required (h2load: apt-get install nghttp2-client)" >&2; exit 2; }
done

dotnet build "$here/RpcBench/RpcBench.csproj" -c Release -nologo -v quiet -clp:NoSummary
exec "$here/RpcBench/bin/Release/net10.0/RpcBench" run --out "$repo/bench/RESULTS.md" --repo "$repo" "$@"
