// Vite 6 and 7 need one line for descope-wasm (Vite 8 needs none):
// - dev server: their dependency pre-bundler copies the package's JS to node_modules/.vite/deps/ but
//   not its .wasm, so the .wasm's URL (next to the JS) answers the app's index.html
//   (vitejs/vite#8427, fixed in Vite 8); Vite 6's pre-bundler also rejects top-level await. Excluding
//   the package serves it as it is.
// - Vite 6's `vite build` targets es2020, which has no top-level await; es2022 has it (Vite 7's
//   default target already does).
export default {
  optimizeDeps: { exclude: ["descope-wasm"] }, build: { target: "es2022" },
};
