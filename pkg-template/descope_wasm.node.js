// The entry for the "node" export condition (Node.js, Vitest, the server render of Next.js and other
// frameworks, Deno, Bun): the .wasm is instantiated synchronously from the file beside this one.
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { initSync } from "./descope_wasm_glue.js";
export * from "./descope_wasm_glue.js";
export { default } from "./descope_wasm_glue.js";

// A file path, not `new URL("descope_wasm_bg.wasm", import.meta.url)`: bundlers of server code
// (webpack, Turbopack) rewrite that expression into a web asset URL, which fs cannot read.
const wasmPath = fileURLToPath(import.meta.url).replace(/[^/\\]+$/, "descope_wasm_bg.wasm");
initSync({ module: readFileSync(wasmPath) });
