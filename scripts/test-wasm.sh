#!/usr/bin/env bash
# Glue layer: wasm-bindgen-test suites in headless Chromium, against an emulator on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --quiet -p descope-emulator
pidfile=$(mktemp)
cookie_pidfile=$(mktemp)
trap 'kill "$(cat "$pidfile")" "$(cat "$cookie_pidfile")" 2>/dev/null || true' EXIT
url=$(scripts/start-emulator.sh "$pidfile")
# tests/cookies.rs: an API that keeps the tokens in HttpOnly cookies.
cookie_url=$(scripts/start-emulator.sh "$cookie_pidfile" --cookies)
echo "emulator at $url, cookie-mode emulator at $cookie_url"
# The suites read the URLs at compile time (option_env!), so a changed port rebuilds only the tests.
DESCOPE_EMULATOR_URL=$url DESCOPE_COOKIE_EMULATOR_URL=$cookie_url CHROMEDRIVER=/usr/bin/chromedriver \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver 2>&1
