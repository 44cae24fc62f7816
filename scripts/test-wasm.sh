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
# WASM_BINDGEN_TEST_TIMEOUT: the runner gives a suite 20 s by default, and the sdk suite takes
# about 20 s on this machine (more while other work shares its 2 cores). It bounds a suite, not a
# test. CARGO_PROFILE_DEV_DEBUG=0: no DWARF in the test modules (sdk: 21 MB -> 3 MB).
run_suite() {
  DESCOPE_EMULATOR_URL=$url DESCOPE_COOKIE_EMULATOR_URL=$cookie_url CHROMEDRIVER=/usr/bin/chromedriver \
    WASM_BINDGEN_TEST_TIMEOUT=300 CARGO_PROFILE_DEV_DEBUG=0 \
    wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver -- --test "$1" 2>&1
}
log=$(mktemp)
for suite in $(cd tests && ls *.rs | sed 's/\.rs$//'); do
  for attempt in 1 2 3; do
    if run_suite "$suite" | tee "$log"; then
      break
    fi
    # Now and then one of the page's module requests to the runner's own file server never gets
    # an answer (seen: status 0 after 300 s), and the page never starts its tests. Only that is
    # run again; a suite whose tests ran and failed fails here.
    if grep -q "^running [0-9]* tests" "$log" || [ "$attempt" = 3 ]; then
      exit 1
    fi
    echo "test-wasm: the $suite page never started its tests (a stalled module request); running it again" >&2
  done
done
