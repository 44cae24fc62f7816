#!/usr/bin/env bash
# Usage: scripts/bootstrap.sh [demo|test]
# Installs what is missing, skipping whatever is already present; quiet when nothing is missing.
# Every install goes through here so a new machine needs nothing by hand.
# - demo (the default): what `make demo` and `make pkg` need: the wasm32 target, the pinned
#   wasm-bindgen-cli and the npm dev packages (binaryen's wasm-opt among them).
# - test: that, plus what only the tests need: wasm-pack, Debian's Chromium and ChromeDriver.
set -euo pipefail
cd "$(dirname "$0")/.."

WASM_BINDGEN_VERSION=$(sed -n 's/^wasm-bindgen = { version = "=\([0-9.]*\)".*/\1/p' Cargo.toml | head -n1)
WASM_PACK_VERSION=0.15.1
: "${WASM_BINDGEN_VERSION:?Cargo.toml must pin wasm-bindgen with =X.Y.Z}"

for_tests=false
case "${1:-demo}" in demo) ;; test) for_tests=true ;; *) echo "usage: $0 [demo|test]" >&2; exit 2 ;; esac

say() { echo "bootstrap: $*" >&2; }
export PATH="$HOME/.cargo/bin:$PATH"

if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  say "adding the wasm32-unknown-unknown target"
  rustup target add wasm32-unknown-unknown >&2
fi

if [ "$(wasm-bindgen --version 2>/dev/null | awk '{print $2}')" != "$WASM_BINDGEN_VERSION" ]; then
  say "installing wasm-bindgen-cli $WASM_BINDGEN_VERSION (several minutes)"
  # --locked first; wasm-bindgen-cli 0.2.130's lock file names a webpki-roots release that the registry
  # mirror here lacks, so fall back to a fresh resolution of the same pinned version.
  cargo install --locked --force --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >&2 2>/dev/null ||
    cargo install --force --quiet wasm-bindgen-cli --version "$WASM_BINDGEN_VERSION" >&2
fi

if $for_tests && [ "$(wasm-pack --version 2>/dev/null | awk '{print $2}')" != "$WASM_PACK_VERSION" ]; then
  say "installing wasm-pack $WASM_PACK_VERSION (several minutes)"
  cargo install --locked --force --quiet wasm-pack --version "$WASM_PACK_VERSION" >&2
fi

if $for_tests && { [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; }; then
  say "installing Debian's chromium and chromium-driver"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >&2
  apt-get install -y -qq chromium chromium-driver >/dev/null
fi

# Debian's binaryen (wasm-opt v108) breaks wasm-bindgen 0.2.130 output; we use npm's binaryen instead.
if command -v dpkg >/dev/null && dpkg -s binaryen >/dev/null 2>&1; then
  say "warning: Debian's binaryen is installed; the build uses node_modules/.bin/wasm-opt and disables wasm-pack's own"
fi

if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm packages"
  npm ci --no-audit --no-fund --loglevel=error >&2
fi
