#!/usr/bin/env bash
# Builds the npm package into pkg/: one optimised .wasm shared by
# - descope_wasm.js: the ES module entry for browsers, bundlers and <script type="module">; it loads the
#   .wasm before the import resolves (top-level await);
# - descope_wasm.node.js: the entry for the "node" export condition (Node.js, Vitest, server renders);
#   it instantiates the .wasm synchronously from the file;
# - classic/descope_wasm.js: a classic-script build that defines the global `descopeWasm` (wasm-bindgen's
#   web glue and the JS snippets of src/ bundled into one script by esbuild).
# The two ES entries share wasm-bindgen's glue, descope_wasm_glue.js, which imports the snippets (snippets/).
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
# `--keep-debug`: the name section, which drop-formatters.mjs reads (wasm-opt strips it below).
wasm-bindgen --target web --encode-into always --keep-debug --out-dir "$stage" --out-name descope_wasm "$wasm_in"
# The JS that src/ imports (#[wasm_bindgen(module = ...)]) lands in snippets/, imported by the glue.
mv "$stage/descope_wasm.js" "$stage/descope_wasm_glue.js"
# The classic build bundles its own copy of the glue, whose messages name `descopeWasm.init`
# (wasm-bindgen's --target no-modules refuses JS snippets).
cp "$stage/descope_wasm_glue.js" "$stage/descope_wasm_classic_glue.js"
node scripts/patch-glue.mjs esm "$stage/descope_wasm_glue.js" "$stage/descope_wasm.d.ts"
node scripts/patch-glue.mjs classic "$stage/descope_wasm_classic_glue.js"
cp pkg-template/descope_wasm.js pkg-template/descope_wasm.node.js pkg-template/classic.js "$stage/"
# One script, not minified, whose top-level `var descopeWasm` is the global. `import.meta.url` (the
# glue's default .wasm URL) does not exist in a classic script; init() passes the URL beside the script.
node_modules/.bin/esbuild "$stage/classic.js" --bundle --format=iife --global-name=descopeWasm \
  --platform=browser --target=es2020 --define:import.meta.url=undefined --log-level=warning \
  --outfile="$stage/classic/descope_wasm.js"
rm "$stage/classic.js" "$stage/descope_wasm_classic_glue.js"

# Formatting code that only the function table keeps alive (see the script).
node scripts/drop-formatters.mjs "$stage/descope_wasm_bg.wasm" "$stage/descope_wasm_bg.wasm"

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
