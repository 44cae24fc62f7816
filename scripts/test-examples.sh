#!/usr/bin/env bash
# Examples layer: the apps in examples/ installed from the packed package (target/descope-wasm.tgz)
# and their lock files, built with their own tools, signing in against the emulator in headless
# Chromium or under Node (tests/examples/).
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --quiet -p descope-emulator
scripts/install-examples.sh
node --test --test-concurrency=1 tests/examples/ 2>&1
