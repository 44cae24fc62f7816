// CPU per call (issue 6 item 7): the SDK's `me()` and `refresh()` with the page's `fetch` replaced by
// one that answers a canned Response at once, against a bare `fetch` + `JSON.parse` of the same body
// through the same stub. No network, so what is left is the SDK's own work: building the request,
// reading and checking the body, the session update and the promise plumbing. Prints ratios (the best
// of interleaved batches, measured in one run); writes bench/out/cpu.json. BENCH_LABEL names the
// build (DESCOPE_PKG_DIR picks another package, e.g. main's, to compare).
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  repoRoot, stageServeDir, startEmulator, launchBrowser, checkPrerequisites, removeStaged,
} from "../tests/e2e/helpers.mjs";

const CALLS = Number(process.env.BENCH_CALLS || 200);
const BATCHES = Number(process.env.BENCH_BATCHES || 30);
const LABEL = process.env.BENCH_LABEL || "current";

await checkPrerequisites();
const serveDir = await stageServeDir();
writeFileSync(join(serveDir, "vendor", "blank.html"), "<!doctype html><title>bench</title>");
const emulator = await startEmulator({ serveDir });
const browser = await launchBrowser();

try {
  const page = await browser.newPage();
  await page.goto(`${emulator.url}/vendor/blank.html`);
  const result = await page.evaluate(async ({ calls, batches }) => {
    const projectId = "P2bench00000000000000000000";
    const b64 = (s) => btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    const now = Math.floor(Date.now() / 1000);
    const jwt = (drn, extra) => b64(JSON.stringify({ alg: "RS256", typ: "JWT" })) + "." + b64(JSON.stringify({
      iss: `https://api.descope.com/${projectId}`, sub: "U1", drn, iat: now, exp: now + (drn === "DS" ? 600 : 86400),
      amr: ["email"], roles: ["admin", "viewer"], permissions: ["read"], tenants: { T1: { roles: ["member"], permissions: [] } },
      ...extra })) + "." + b64("signature".repeat(30));
    const user = { userId: "U1", loginIds: ["bench@example.com"], email: "bench@example.com", verifiedEmail: true,
      name: "Bench User", roleNames: ["admin", "viewer"], userTenants: [{ tenantId: "T1", roleNames: ["member"] }],
      status: "enabled", createdTime: now, customAttributes: { plan: "pro" } };
    const bodies = {
      "/v1/auth/me": JSON.stringify(user),
      "/v1/auth/refresh": JSON.stringify({ sessionJwt: jwt("DS"), refreshJwt: jwt("DSR", { jti: "x" }),
        sessionExpiration: now + 600, user, firstSeen: false }),
    };
    const mod = await import("/pkg/descope_wasm.js");
    await mod.default();
    // The stub (after the module is loaded): every fetch answers its path's canned body at once.
    window.fetch = async (url) => new Response(bodies[new URL(url, location.href).pathname],
      { status: 200, headers: { "content-type": "application/json" } });
    localStorage.setItem("bench.DSR", jwt("DSR", { jti: "x" }));
    localStorage.setItem("bench.DS", jwt("DS"));
    const descope = new mod.Descope({ projectId, baseUrl: "https://api.descope.com", storagePrefix: "bench.",
      autoRefresh: false });
    if (!descope.session) throw new Error("the bench session was not restored");

    const paths = { me: "/v1/auth/me", refresh: "/v1/auth/refresh" };
    const bare = (path) => async () => { const r = await fetch(`https://api.descope.com${path}`, { method: "POST" }); JSON.parse(await r.text()); };
    const sides = {
      me: { sdk: () => descope.me(), bare: bare(paths.me) },
      refresh: { sdk: () => descope.refresh(), bare: bare(paths.refresh) },
    };
    const time = async (fn) => { const t = performance.now(); for (let i = 0; i < calls; i++) await fn(); return (performance.now() - t) / calls; };
    // The fastest batch: on a shared machine other work only ever adds time.
    const best = (xs) => Math.min(...xs);
    const out = {};
    for (const [name, s] of Object.entries(sides)) {
      await time(s.sdk); await time(s.bare); // warm up
      const sdk = [], bareT = [];
      for (let b = 0; b < batches; b++) { sdk.push(await time(s.sdk)); bareT.push(await time(s.bare)); }
      out[name] = { sdkUs: best(sdk) * 1000, bareUs: best(bareT) * 1000, bodyBytes: bodies[paths[name]].length };
      out[name].ratio = out[name].sdkUs / out[name].bareUs;
    }
    return out;
  }, { calls: CALLS, batches: BATCHES });

  for (const [name, r] of Object.entries(result)) {
    console.log(`${LABEL}: ${name}() ${r.sdkUs.toFixed(1)} µs per call vs bare fetch + JSON.parse ${r.bareUs.toFixed(1)} µs ` +
      `(${r.bodyBytes} B body, fetch stubbed, best of ${BATCHES} batches of ${CALLS}): ratio ${r.ratio.toFixed(2)}`);
  }
  mkdirSync(join(repoRoot, "bench", "out"), { recursive: true });
  writeFileSync(join(repoRoot, "bench", "out", `cpu-${LABEL}.json`), JSON.stringify({ label: LABEL, ...result }, null, 2));
} finally {
  await browser.close();
  await emulator.stop();
  await removeStaged(serveDir);
}
