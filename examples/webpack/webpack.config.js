// Nothing for descope-wasm: webpack 5 follows the package's `new URL("….wasm", import.meta.url)` to
// emit the .wasm next to the bundle, and handles its top-level await (on by default since 5.83).
const path = require("node:path");

module.exports = {
  mode: "production",
  entry: "./src/index.js",
  output: { path: path.resolve(__dirname, "dist"), clean: true },
};
