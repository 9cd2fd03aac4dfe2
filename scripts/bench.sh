#!/usr/bin/env bash
# The data-plane benchmark (issue 3): installs npm dependencies if missing, builds the sidecar and
# the controller (cached by turbo), then runs bench/data-plane.ts with the arguments given, e.g.
#   npm run bench -- --runs 3
# It installs wrk and nginx from Debian when missing (as root). See docs/benchmarks.md.
set -euo pipefail
cd "$(dirname "$0")/.."
export TURBO_TELEMETRY_DISABLED=1 TURBO_UI=false

source scripts/lib/ensure-deps.sh
ensure_node_modules

printf '\n\033[1m== Building the sidecar and the controller (cached after the first run)\033[0m\n'
npx turbo run build --filter=@weft/proxy --filter=@weft/controller --output-logs=errors-only

exec npx tsx bench/data-plane.ts "$@"
