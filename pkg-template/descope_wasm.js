// The ES module entry for browsers, bundlers and <script type="module">: the .wasm is fetched and
// instantiated before this import resolves (top-level await), so `new Descope({...})` needs no other
// step. A failed load does not fail the import: using an export then throws a DescopeError (kind
// "config", code "notInitialized") that says why, and `await init()` tries again.
import init from "./descope_wasm_glue.js";
export * from "./descope_wasm_glue.js";
export default init;
await init().catch(() => {});
