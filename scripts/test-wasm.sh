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
# WASM_BINDGEN_TEST_TIMEOUT: the runner gives a whole suite 20 s by default, and the sdk suite
# takes about 20 s on this machine (more while other work shares its 2 cores): past it the runner
# reports "Failed to detect test as having been run". It bounds the suite, not any test.
# CARGO_PROFILE_DEV_DEBUG=0: no DWARF in the test modules (21 MB -> 3 MB for sdk), which the
# runner and Chromium then load faster; a failing assertion's message does not depend on it.
DESCOPE_EMULATOR_URL=$url DESCOPE_COOKIE_EMULATOR_URL=$cookie_url CHROMEDRIVER=/usr/bin/chromedriver \
  WASM_BINDGEN_TEST_TIMEOUT=600 CARGO_PROFILE_DEV_DEBUG=0 \
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver 2>&1
