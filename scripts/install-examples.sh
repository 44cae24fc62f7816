#!/usr/bin/env bash
# Usage: scripts/install-examples.sh [NAME...] — installs the examples (all of examples/*/ by default)
# from their committed lock files, with descope-wasm from the packed package (target/descope-wasm.tgz,
# made by `make pkg`), as an app's `npm install descope-wasm` would.
# - `npm ci` only when an example's node_modules is missing or older than its lock file (npm's cache
#   makes a repeat offline); otherwise only the package is unpacked afresh.
# - The lock files carry no integrity for descope-wasm: it changes with every build (with one, npm
#   would quietly install the cached older copy).
# - Build caches that would keep serving an older package (Vite's, Next's) are removed.
set -euo pipefail
cd "$(dirname "$0")/.."
tgz=${CARGO_TARGET_DIR:-target}/descope-wasm.tgz
[ -f "$tgz" ] || { echo "install-examples: $tgz is missing (make pkg)" >&2; exit 1; }
names=("$@")
[ ${#names[@]} -gt 0 ] || names=($(ls examples))

for name in "${names[@]}"; do
  dir=examples/$name
  [ -f "$dir/package.json" ] || continue
  if [ ! -f "$dir/package-lock.json" ]; then
    echo "install-examples: $name: no lock file yet, resolving one" >&2
    (cd "$dir" && npm install --no-audit --no-fund --loglevel=error)
    node -e '
      const fs = require("fs"), f = process.argv[1], lock = JSON.parse(fs.readFileSync(f));
      delete lock.packages["node_modules/descope-wasm"].integrity;
      fs.writeFileSync(f, JSON.stringify(lock, null, 2) + "\n");' "$dir/package-lock.json"
  elif [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "install-examples: $name: npm ci" >&2
    rm -rf "$dir/node_modules"
    (cd "$dir" && npm ci --prefer-offline --no-audit --no-fund --loglevel=error)
  fi
  rm -rf "$dir/node_modules/descope-wasm" "$dir/node_modules/.vite" "$dir/node_modules/.vite-"* "$dir/.next" "$dir/dist"
  mkdir -p "$dir/node_modules/descope-wasm"
  tar -xzf "$tgz" -C "$dir/node_modules/descope-wasm" --strip-components=1
done
