#!/usr/bin/env bash
# Serves the demo page: the emulator in the foreground (Ctrl-C stops it), and the URL to open printed
# once it listens. Expects `make pkg` and the emulator build (the Makefile's demo target does both).
set -euo pipefail
cd "$(dirname "$0")/.."
addr=${DEMO_ADDR:-127.0.0.1:4317}
scripts/stage-site.sh target/demo-site
target/debug/descope-emulator --addr "$addr" --serve target/demo-site | while IFS= read -r line; do
  case $line in
    # Opened by name: WebAuthn (passkeys) refuses IP addresses as the site's identity, and localhost
    # reaches the emulator on the loopback address.
    "listening on "*) echo "Demo ready: open http://localhost:${line##*:}/ in a browser (Ctrl-C stops it)." ;;
    *) echo "$line" ;;
  esac
done
