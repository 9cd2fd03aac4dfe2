# Sourced by scripts/up.sh and scripts/test.sh: installs what is missing, says what it does.

ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    printf '\n\033[1m== Installing npm dependencies (npm ci; compiles better-sqlite3, ~2 min)\033[0m\n'
    npm ci --no-fund --no-audit
  fi
}

ensure_chromium() {
  if command -v chromium >/dev/null 2>&1; then return 0; fi
  if [ "$(id -u)" = 0 ]; then
    printf '\n\033[1m== Installing Chromium from Debian for the browser tests\033[0m\n'
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "The browser tests need Debian's Chromium, which is not installed and this user cannot install it." >&2
    echo "Run:  sudo apt-get update && sudo apt-get install -y chromium   then run this command again." >&2
    exit 1
  fi
}
