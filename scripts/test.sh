#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs what it needs (npm dependencies; Debian's
# chromium for the browser journeys), then type checks, unit + integration tests (SQLite, and
# PostgreSQL too when it is installed), the production build, and the Playwright journeys in real
# Chromium against the whole stack. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 TURBO_UI=false
started=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m  (%ss elapsed)\n' "$*" "$(( $(date +%s) - started ))"; }

source scripts/lib/ensure-deps.sh
ensure_node_modules
ensure_chromium

step "Type checks (tsc per package, eslint for the console, the browser journeys, the benchmarks)"
npx turbo run lint --output-logs=errors-only
npx tsc --noEmit -p playwright
npx tsc --noEmit -p bench

step "Unit and integration tests (vitest: real sockets, real SQLite database, real gRPC)"
npx turbo run test --concurrency=2 --output-logs=full

if ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
  step "Storage and API tests again on PostgreSQL (a private cluster on 127.0.0.1:55432)"
  pgdir=$(mktemp -d)
  pg_url=$(WEFT_PG_DIR="$pgdir" scripts/pg-cluster.sh start)
  trap 'WEFT_PG_DIR="$pgdir" scripts/pg-cluster.sh stop; rm -rf "$pgdir"' EXIT
  (cd apps/controller && WEFT_TEST_PG_URL="$pg_url" npx vitest run test)
else
  step "PostgreSQL is not installed: skipping the PostgreSQL pass (apt-get install -y postgresql to include it)"
fi

step "Production build (controller, sidecar, demo bundles; the console's next build)"
npx turbo run build --output-logs=errors-only

step "Browser journeys (Playwright in Chromium, against controller + console + demo)"
npx playwright test -c playwright/playwright.config.ts

step "All green"
