#!/usr/bin/env bash
# Host layer: the protocol core and the emulator, with plain cargo test.
set -euo pipefail
cd "$(dirname "$0")/.."
cargo test -p descope-core -p descope-emulator 2>&1
