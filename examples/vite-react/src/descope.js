import { Descope } from "descope-wasm";

// One client for the whole app, created when the module loads: it keeps the session, refreshes it
// and tells every listener. These examples talk to the local emulator named in ?baseUrl= (default:
// the page's origin); a real app passes only its projectId.
const q = new URLSearchParams(location.search);
export const descope = new Descope({
  projectId: q.get("projectId") ?? "P2emu0000000000000000000000",
  baseUrl: q.get("baseUrl") ?? location.origin,
});
