#!/usr/bin/env bash
# Browser end-to-end layer: the demo page, the classic-script build and Descope's own web SDK against
# the emulator, driven by playwright-core in Debian's Chromium. Each test file starts its own emulator.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p descope-emulator
node --test --test-concurrency=1 tests/e2e/ 2>&1
