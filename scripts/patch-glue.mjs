// Usage: node scripts/patch-glue.mjs esm|classic GLUE.js [GLUE.d.ts]
// Edits wasm-bindgen's generated glue (pinned version, so every edit must match exactly as counted;
// the build stops when one does not):
// - Until the module is ready, any use of an export throws a DescopeError (kind "config", code
//   "notInitialized") whose message names the fix, instead of a TypeError on `undefined` deep in the
//   glue. The reason a load failed is kept for that message.
// - The sign-in family classes of src/families.js (the glue imports only its `family` function) are
//   exported with the glue's own classes.
// - The .d.ts compiles with lib ES2020 (no `[Symbol.dispose]`, which needs lib esnext.disposable), and
//   the loader's exports get doc comments in the package's own words.
import { readFileSync, writeFileSync } from "node:fs";

const [flavour, js, dts] = process.argv.slice(2);
if (!["esm", "classic"].includes(flavour) || !js) {
  console.error("usage: node scripts/patch-glue.mjs esm|classic GLUE.js [GLUE.d.ts]");
  process.exit(2);
}

function edit(file, edits) {
  let text = readFileSync(file, "utf8");
  for (const [pattern, replacement, count] of edits) {
    const found = text.match(new RegExp(pattern.source, pattern.flags + "g"))?.length ?? 0;
    if (found !== count) {
      console.error(`patch-glue: ${file}: expected ${count} match(es) of ${pattern}, found ${found}`);
      process.exit(1);
    }
    text = text.replace(new RegExp(pattern.source, pattern.flags + "g"), replacement);
  }
  writeFileSync(file, text);
}

// What to do when nothing was tried yet, and when loading the .wasm failed (the ES entry always tries
// at import, so there a failure is the usual case: a dev server answering the .wasm URL with a page,
// a CSP without 'wasm-unsafe-eval', a network error).
const [init, notTried] =
  flavour === "esm" ? ["init", "await init() first"] : ["descopeWasm.init", "await descopeWasm.init() first"];
const failed =
  "its .wasm did not load (${loadError}). A Content-Security-Policy needs script-src 'wasm-unsafe-eval'; " +
  "Vite 6/7's dev server needs optimizeDeps: { exclude: [\"descope-wasm\"] }; " +
  `else pass the .wasm's URL: await ${init}({ module_or_path: url })`;

// The names of src/families.js's classes.
const families = [...readFileSync(new URL("../src/families.js", import.meta.url), "utf8")
  .matchAll(/^export class (\w+)/gm)].map((m) => m[1]);

edit(js, [
  [
    /^import \{ family \} from '(\.\/snippets\/[^']+\/src\/families\.js)';$/m,
    `$&\nexport { ${families.join(", ")} } from '$1';`,
    1,
  ],
  [
    /^( *)let wasmModule, wasmInstance, wasm;$/m,
    `$1let wasmModule, wasmInstance, loadError;
$1// Read by every export: until the module is ready it throws the DescopeError below.
$1let wasm = new Proxy({}, { get() { throw notInitialized(); } });
$1function notInitialized() {
$1    const message = "descope-wasm is not ready: " + (loadError ? \`${failed}\` : "${notTried}");
$1    return Object.assign(new Error(message), { name: "DescopeError", code: "notInitialized", kind: "config", description: message, retryable: false });
$1}`,
    1,
  ],
  [/\bif \(wasm !== undefined\) return wasm;/, "if (wasmInstance) return wasm;", 2],
  [
    /__wbg_init_promise\.catch\(\(\) => \{ __wbg_init_promise = undefined; \}\);/,
    "__wbg_init_promise.catch((e) => { __wbg_init_promise = undefined; loadError = e; });",
    1,
  ],
]);

if (dts) {
  // One `[Symbol.dispose]` and one `free()` per exported class.
  const classes = readFileSync(dts, "utf8").match(/^export class /gm)?.length ?? 0;
  edit(dts, [
    // `[Symbol.dispose]` needs lib esnext.disposable (TS2550 under lib ES2020); `free()` and
    // `dispose()` stay, and the method still exists at run time.
    [/^ *\[Symbol\.dispose\]\(\): void;\n/m, "", classes],
    [
      /^    free\(\): void;$/m,
      "    /** Releases this object's Rust memory now rather than at garbage collection; it is unusable afterwards. */\n    free(): void;",
      classes,
    ],
    [
      /^export type InitInput = /m,
      "/** What `init()` accepts: the .wasm's URL, a fetch `Response`, its bytes, or a compiled module. */\nexport type InitInput = ",
      1,
    ],
    [
      /^export interface InitOutput \{/m,
      "/** The instantiated module's raw exports (the classes and functions above are the API). */\nexport interface InitOutput {",
      1,
    ],
    [
      /^export type SyncInitInput = /m,
      "/** What `initSync()` accepts: the .wasm's bytes or a compiled module. */\nexport type SyncInitInput = ",
      1,
    ],
    [
      /\/\*\*\n \* Instantiates the given `module`[^]*?\*\/\nexport function initSync/,
      `/**
 * Instantiates the module synchronously from the .wasm's bytes or a compiled \`WebAssembly.Module\`.
 * Not needed with the package's entries: Node.js (and Vitest, Next.js's server render) load the file
 * synchronously, browsers and bundlers before the import resolves. A no-op once the module is ready.
 */
export function initSync`,
      1,
    ],
    [
      /\/\*\*\n \* If `module_or_path` is[^]*?\*\/\nexport default function __wbg_init/,
      `/**
 * Resolves once the module is ready; later calls are no-ops. The ES module entry already calls it
 * before the import resolves, so it is only needed to load the .wasm from another URL
 * (\`await init({ module_or_path: url })\`) or to retry after a failed load. The classic script build
 * has no top-level await: there, \`await descopeWasm.init()\` before using the SDK.
 */
export default function init`,
      1,
    ],
  ]);
}
