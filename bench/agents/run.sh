#!/usr/bin/env bash
# Connected-agents benchmark (first cut): builds bench/agents/AgentsBench in Release and runs it; writes the
# "## agents" section of bench/RESULTS.md. Arguments: [agents] [seconds], default 1000 20.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

dotnet build "$here/AgentsBench/AgentsBench.csproj" -c Release -nologo -v quiet -clp:NoSummary
"$here/AgentsBench/bin/Release/net10.0/AgentsBench" "${1:-1000}" "${2:-20}" "$repo/bench/RESULTS.md"
