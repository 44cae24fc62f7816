#!/usr/bin/env bash
# TypeScript consumer layer: the packed package, installed as an app would, type-checks a consumer
# written against the public contract under strict settings, lib ["ES2020", "DOM"] and
# skipLibCheck false, with moduleResolution bundler and node16, on TypeScript 5.0 and the latest 5.x.
# The .d.ts declares no `any`, and every export carries a doc comment (what editors show).
set -uo pipefail
cd "$(dirname "$0")/.."
target_dir=${CARGO_TARGET_DIR:-target}
pass=0 fail=0
ok() { echo "ok - $*"; pass=$((pass + 1)); }
not_ok() { echo "not ok - $*"; fail=$((fail + 1)); }

dts=pkg/descope_wasm.d.ts
# Comment lines may say "any" in prose; declarations may not.
if grep -nE '\bany\b' "$dts" | grep -vE '^[0-9]+:\s*(\*|/\*|//)'; then
  not_ok "$dts declares \`any\` (lines above)"
else
  ok "no any in $dts"
fi

# Every top-level export and every class member is preceded by a doc comment.
undocumented=$(awk '
  /^export / || (in_class && /^    [A-Za-z[]/ && !/^    private /) {
    if (prev !~ /\*\/\s*$/) print FILENAME ":" NR ": " $0
  }
  /^export (declare )?class / { in_class = 1 }
  /^}/ { in_class = 0 }
  { if ($0 !~ /^\s*$/) prev = $0 }
' "$dts" | grep -vE '^\S+: *(export interface InitOutput|readonly [a-z_0-9]+: )' || true)
# InitOutput's raw ABI members are wasm-bindgen's and documented as a whole.
undocumented=$(grep -v "readonly __\|readonly [a-z]*_[a-zA-Z_]*:" <<<"$undocumented" || true)
if [ -n "$undocumented" ]; then
  echo "$undocumented" | head -n 40
  not_ok "exports without a doc comment in $dts (above)"
else
  ok "every export of $dts has a doc comment"
fi

# A scratch app with the packed package unpacked into node_modules, as npm would.
app="$target_dir/types-app"
rm -rf "$app" && mkdir -p "$app/node_modules/descope-wasm"
tar -xzf "$target_dir/descope-wasm.tgz" -C "$app/node_modules/descope-wasm" --strip-components=1
cp pkg-template/types-check/consumer.ts "$app/consumer.ts"
echo '{ "private": true, "type": "module" }' >"$app/package.json"
for resolution in bundler node16; do
  module=ESNext; [ "$resolution" = node16 ] && module=Node16
  cat >"$app/tsconfig.$resolution.json" <<JSON
{
  "compilerOptions": {
    "target": "ES2020", "module": "$module", "moduleResolution": "$resolution",
    "lib": ["ES2020", "DOM"], "strict": true, "skipLibCheck": false, "noEmit": true, "types": []
  },
  "files": ["consumer.ts"]
}
JSON
  for tsc in typescript-5.0 typescript; do
    version=$(node -p "require('./node_modules/$tsc/package.json').version")
    if node "node_modules/$tsc/bin/tsc" -p "$app/tsconfig.$resolution.json"; then
      ok "tsc $version, moduleResolution $resolution, lib ES2020+DOM, strict, skipLibCheck false"
    else
      not_ok "tsc $version, moduleResolution $resolution (errors above)"
    fi
  done
done

echo "# pass $pass"
echo "# fail $fail"
[ "$fail" -eq 0 ]
