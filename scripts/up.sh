#!/usr/bin/env bash
# Brings Weft up on this machine: installs npm dependencies if missing, builds (cached by turbo),
# migrates the embedded SQLite database, and starts the controller, the console and the demo
# services with their sidecars. Prints where to sign in; Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 TURBO_UI=false

source scripts/lib/ensure-deps.sh
ensure_node_modules

printf '\n\033[1m== Building the controller, sidecar, console and demo (cached after the first run)\033[0m\n'
npx turbo run build --output-logs=errors-only

exec node scripts/stack.mjs "$@"
