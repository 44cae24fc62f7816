import { Descope } from "descope-wasm";

// One client for the whole app, created when the module loads. That also happens on the server
// (`next build` prerenders client components, `next start` renders them): there the package loads
// its .wasm from the file, and with no web storage the client keeps the session in memory.
// These examples talk to the local emulator; a real app passes only its projectId.
export const descope = new Descope({
  projectId: process.env.NEXT_PUBLIC_DESCOPE_PROJECT_ID ?? "P2emu0000000000000000000000",
  baseUrl: process.env.NEXT_PUBLIC_DESCOPE_BASE_URL,
});
