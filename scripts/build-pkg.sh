#!/usr/bin/env bash
# Builds the npm package into pkg/: one optimised .wasm shared by
# - descope_wasm.js: the ES module entry for browsers, bundlers and <script type="module">; it loads the
#   .wasm before the import resolves (top-level await);
# - descope_wasm.node.js: the entry for the "node" export condition (Node.js, Vitest, server renders);
#   it instantiates the .wasm synchronously from the file;
# - classic/descope_wasm.js: a classic-script build that defines the global `descopeWasm`.
# The two ES entries share wasm-bindgen's glue, descope_wasm_glue.js.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$HOME/.cargo/bin:$PATH"

target_dir=${CARGO_TARGET_DIR:-target}
wasm_in="$target_dir/wasm32-unknown-unknown/release/descope_wasm.wasm"
stage="$target_dir/pkg-stage"

echo "build-pkg: compiling the SDK to WebAssembly (cargo)" >&2
cargo build --release --target wasm32-unknown-unknown -p descope-wasm

rm -rf "$stage" && mkdir -p "$stage/classic"
# `--encode-into always`: no fallback for a TextEncoder without encodeInto. Every browser that runs
# this module (it needs reference types: Chrome 96, Firefox 79, Safari 15) has encodeInto.
wasm-bindgen --target web --encode-into always --out-dir "$stage" --out-name descope_wasm "$wasm_in"
mv "$stage/descope_wasm.js" "$stage/descope_wasm_glue.js"
node scripts/patch-glue.mjs esm "$stage/descope_wasm_glue.js" "$stage/descope_wasm.d.ts"
cp pkg-template/descope_wasm.js pkg-template/descope_wasm.node.js "$stage/"
wasm-bindgen --target no-modules --no-modules-global descopeWasm --no-typescript --encode-into always \
  --out-dir "$stage/classic" --out-name descope_wasm "$wasm_in"
# Both targets import the same glue functions; keep one .wasm in the package.
if ! cmp -s "$stage/descope_wasm_bg.wasm" "$stage/classic/descope_wasm_bg.wasm"; then
  echo "build-pkg: the web and no-modules .wasm differ; cannot share one file" >&2
  exit 1
fi
rm "$stage/classic/descope_wasm_bg.wasm"
node scripts/patch-glue.mjs classic "$stage/classic/descope_wasm.js"

# npm's binaryen, never Debian's v108 (it breaks wasm-bindgen 0.2.130 modules at init()).
# Passes run in order: whole-program type flow (--gufa) and re-structured control flow (--flatten
# --rereloop) give -Oz more to fold, and --converge repeats -Oz until the module stops shrinking. The
# target_features section only informs tools; browsers ignore it.
# -ocimfs 25: a function with one caller is inlined only when small. By default binaryen inlines every
# one-caller function, however big, into the async state machines, whose flattened code then gzips
# worse (measured: 64,324 -> 63,485 B gzip; 20 and 30 give 63,536 and 63,562).
node_modules/.bin/wasm-opt --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-reference-types --enable-sign-ext --enable-mutable-globals \
  -ocimfs 25 --gufa --flatten --rereloop -Oz --converge \
  --strip-debug --strip-producers --strip-target-features \
  -o "$stage/descope_wasm_bg.wasm.opt" "$stage/descope_wasm_bg.wasm"
mv "$stage/descope_wasm_bg.wasm.opt" "$stage/descope_wasm_bg.wasm"

# The classic loader would look for classic/descope_wasm_bg.wasm next to itself; point it at the shared file.
cat >> "$stage/classic/descope_wasm.js" <<'JS'
;(function (script) {
  // wasm-bindgen's global is its init function with the exports hung on it, declared with `let` (so not
  // a property of window). Replace it with a plain object, also on window: `await descopeWasm.init()`
  // fetches the package's one .wasm (later calls are no-ops), and the exports sit beside it.
  const bindgenInit = descopeWasm;
  const base = script && script.src;
  const api = {};
  for (const name of Object.keys(bindgenInit)) api[name] = bindgenInit[name];
  api.init = function (input) {
    if (input === undefined && base) input = { module_or_path: new URL("../descope_wasm_bg.wasm", base) };
    return bindgenInit(input);
  };
  descopeWasm = api;
  globalThis.descopeWasm = api;
})(document.currentScript);
JS

# wasm-bindgen types the raw ABI exports in `InitOutput` with `any`; `unknown` says the same without
# opening a hole in a consumer's type checking.
for dts in "$stage/descope_wasm.d.ts" "$stage/descope_wasm_bg.wasm.d.ts"; do
  sed -i -e '/^export interface InitOutput/,/^}/s/\bany\b/unknown/g' \
         -e '/^export const /s/\bany\b/unknown/g' "$dts"
done

version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
sed "s/@VERSION@/$version/" pkg-template/package.json > "$stage/package.json"
cp pkg-template/README.md "$stage/README.md"
cp LICENSE "$stage/LICENSE"
rm -f "$stage/.gitignore"

rm -rf pkg && mv "$stage" pkg

# The packed package (what `npm install descope-wasm` unpacks), for the examples and the type check.
npm pack ./pkg --pack-destination "$target_dir" --silent >/dev/null
mv "$target_dir/descope-wasm-$version.tgz" "$target_dir/descope-wasm.tgz"
