// Nothing for descope-wasm: Vitest resolves its "node" export, which loads the .wasm from the file.
export default { test: { environment: "node" } };
