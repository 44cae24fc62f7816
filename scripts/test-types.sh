#!/usr/bin/env bash
# TypeScript consumer layer: the package's .d.ts declares the public contract with no `any`.
set -euo pipefail
cd "$(dirname "$0")/.."
# Comment lines may say "any" in prose; declarations may not.
if grep -nE '\bany\b' pkg/descope_wasm.d.ts | grep -vE '^[0-9]+:\s*(\*|/\*|//)'; then
  echo "not ok - pkg/descope_wasm.d.ts declares \`any\` (lines above)"
  echo "# pass 0"; echo "# fail 1"; exit 1
fi
echo "ok - no any in pkg/descope_wasm.d.ts"
node_modules/.bin/tsc -p pkg-template/types-check
echo "ok - tsc --noEmit pkg-template/types-check/consumer.ts"
echo "# pass 2"
echo "# fail 0"
