#!/usr/bin/env bash
# The whole test suite, from a clean clone: installs what it needs (npm dependencies; Debian's
# chromium for the browser journeys), then type checks, unit + integration tests, the production
# build, and the Playwright journeys in real Chromium. `.ci/run` calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1 TURBO_TELEMETRY_DISABLED=1 TURBO_UI=false
started=$(date +%s)
step() { printf '\n\033[1m== %s\033[0m  (%ss)\n' "$*" "$(( $(date +%s) - started ))"; }

source scripts/lib/ensure-deps.sh
ensure_node_modules
ensure_chromium

step "Type checks (tsc, eslint)"
npx turbo run lint --output-logs=errors-only

step "Unit and integration tests (vitest: real sockets, real database, real gRPC)"
npx turbo run test --concurrency=1 --output-logs=full

step "Production build"
npx turbo run build --output-logs=errors-only

step "Browser journeys (Playwright in Chromium)"
npx playwright test -c playwright/playwright.config.ts

step "All green"
