// Nothing for descope-wasm.
export default {};
