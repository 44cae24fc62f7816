import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// Nothing for descope-wasm: Vite 8 serves and bundles its .wasm as it is (dev server and build).
export default defineConfig({ plugins: [react()] });
