#!/usr/bin/env bash
# Glue layer: wasm-bindgen-test suites in headless Chromium, against an emulator on a free loopback port.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"
cargo build --quiet -p descope-emulator
pidfile=$(mktemp)
trap 'kill "$(cat "$pidfile")" 2>/dev/null || true' EXIT
url=$(scripts/start-emulator.sh "$pidfile")
echo "emulator at $url"
# The suites read the URL at compile time (option_env!), so a changed port rebuilds only the tests.
DESCOPE_EMULATOR_URL=$url CHROMEDRIVER=/usr/bin/chromedriver \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver 2>&1
