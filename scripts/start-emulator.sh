#!/usr/bin/env bash
# Usage: scripts/start-emulator.sh PIDFILE [emulator args...]
# Starts the built emulator in the background on a free loopback port (unless --addr is given), waits
# for its "listening on" line and prints the URL. The caller stops it with `kill $(cat PIDFILE)`.
set -euo pipefail
cd "$(dirname "$0")/.."
pidfile=$1; shift
bin=${DESCOPE_EMULATOR_BIN:-${CARGO_TARGET_DIR:-target}/debug/descope-emulator}
log=$(mktemp -t descope-emulator.XXXXXX)
args=("$@")
case " ${args[*]-} " in *" --addr "*) ;; *) args=(--addr 127.0.0.1:0 "${args[@]}") ;; esac
"$bin" "${args[@]}" >"$log" 2>"$log.err" &
echo $! >"$pidfile"
for _ in $(seq 1 300); do
  url=$(sed -n 's/^listening on \(http:\/\/.*\)$/\1/p' "$log")
  if [ -n "$url" ]; then echo "$url"; exit 0; fi
  kill -0 "$(cat "$pidfile")" 2>/dev/null || break
  sleep 0.1
done
echo "start-emulator: the emulator did not start; its log:" >&2
cat "$log" "$log.err" >&2
exit 1
