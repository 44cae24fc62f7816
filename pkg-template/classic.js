// The entry of the classic-script build, bundled by esbuild (scripts/build-pkg.sh) with the glue
// and its snippets into one script that defines the global `descopeWasm`: the exports, and `init()`,
// which fetches the package's one .wasm, `../descope_wasm_bg.wasm` beside this script (later calls
// are no-ops).
import bindgenInit from "./descope_wasm_classic_glue.js";
export * from "./descope_wasm_classic_glue.js";

// Read while the script runs: `document.currentScript` is null afterwards.
const script = document.currentScript;
const base = script && script.src;

export function init(input) {
  if (input === undefined && base) input = { module_or_path: new URL("../descope_wasm_bg.wasm", base) };
  return bindgenInit(input);
}
