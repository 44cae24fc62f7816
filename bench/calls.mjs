// Per-call and start-up figures in headless Chromium against a local emulator, as ratios measured in
// one run: the SDK's `me()` against a bare `fetch` of the same request, and `init()` + construction
// against importing and creating Descope's own web SDK. Prints a table; writes bench/out/calls.json.
// Figures are for comparison within a run, never thresholds.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  repoRoot, stageServeDir, startEmulator, launchBrowser, bundleWebJsSdk, checkPrerequisites, removeStaged,
} from "../tests/e2e/helpers.mjs";

const CALLS = Number(process.env.BENCH_CALLS || 200);
const LOADS = Number(process.env.BENCH_LOADS || 15);

await checkPrerequisites();
const serveDir = await stageServeDir();
await bundleWebJsSdk(join(serveDir, "vendor", "web-js-sdk.js"));
writeFileSync(join(serveDir, "vendor", "blank.html"), "<!doctype html><title>bench</title>");
const emulator = await startEmulator({ serveDir, args: ["--rate-limit", "0"] });
const browser = await launchBrowser();
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };

try {
  const { projectId } = await emulator.config();
  const loginId = `bench-${Date.now()}@example.com`;
  await emulator.createUser({ loginId, email: loginId, name: "Bench" });

  const page = await browser.newPage();
  await page.goto(`${emulator.url}/vendor/blank.html`);

  // Sign in once through the SDK, then time `me()` against a bare fetch carrying the same headers.
  const figures = await page.evaluate(async ({ projectId, loginId, calls }) => {
    const mod = await import("/pkg/descope_wasm.js");
    await mod.default();
    const descope = new mod.Descope({ projectId, baseUrl: location.origin, persistence: "memory", autoRefresh: false });
    await descope.otp.signIn("email", loginId);
    const outbox = await (await fetch(`/emulator/outbox?loginId=${encodeURIComponent(loginId)}`)).json();
    await descope.otp.verify("email", loginId, outbox.messages.at(-1).code);
    const auth = `Bearer ${projectId}:${descope.session.refreshJwt}`;
    const bare = async () => { const r = await fetch("/v1/auth/me", { headers: { Authorization: auth } }); await r.json(); };
    const sdk = () => descope.me();
    for (let i = 0; i < 20; i++) { await bare(); await sdk(); } // warm up both paths
    const time = async (fn) => { const out = []; for (let i = 0; i < calls; i++) { const t = performance.now(); await fn(); out.push(performance.now() - t); } return out; };
    const bareTimes = [], sdkTimes = [];
    for (let round = 0; round < 4; round++) { // interleave so drift hits both sides alike
      bareTimes.push(...await time(bare));
      sdkTimes.push(...await time(sdk));
    }
    return { bareTimes, sdkTimes };
  }, { projectId, loginId, calls: CALLS / 4 });

  // Start-up: a fresh page each time, from import to a constructed client.
  const startups = { ours: [], theirs: [] };
  for (let i = 0; i < LOADS; i++) {
    for (const side of ["ours", "theirs"]) {
      const p = await browser.newPage();
      await p.goto(`${emulator.url}/vendor/blank.html`);
      startups[side].push(await p.evaluate(async ({ side, projectId }) => {
        const t = performance.now();
        if (side === "ours") {
          const mod = await import(`/pkg/descope_wasm.js?${Math.random()}`);
          await mod.default({ module_or_path: `/pkg/descope_wasm_bg.wasm?${Math.random()}` });
          new mod.Descope({ projectId, baseUrl: location.origin, persistence: "memory" });
        } else {
          const mod = await import(`/vendor/web-js-sdk.js?${Math.random()}`);
          mod.createSdk({ projectId, baseUrl: location.origin, persistTokens: false, autoRefresh: false });
        }
        return performance.now() - t;
      }, { side, projectId }));
      await p.close();
    }
  }

  const result = {
    calls: {
      n: figures.sdkTimes.length,
      bareFetchMedianMs: median(figures.bareTimes),
      sdkMeMedianMs: median(figures.sdkTimes),
    },
    startup: { n: LOADS, oursMedianMs: median(startups.ours), webJsSdkMedianMs: median(startups.theirs) },
  };
  result.calls.ratio = result.calls.sdkMeMedianMs / result.calls.bareFetchMedianMs;
  result.startup.ratio = result.startup.oursMedianMs / result.startup.webJsSdkMedianMs;

  const f = (x) => x.toFixed(2);
  console.log(`me(): SDK median ${f(result.calls.sdkMeMedianMs)} ms vs bare fetch ${f(result.calls.bareFetchMedianMs)} ms over ${result.calls.n} calls each: ratio ${f(result.calls.ratio)}`);
  console.log(`start-up (import + init + construct): ours ${f(result.startup.oursMedianMs)} ms vs @descope/web-js-sdk ${f(result.startup.webJsSdkMedianMs)} ms over ${LOADS} loads: ratio ${f(result.startup.ratio)}`);
  mkdirSync(join(repoRoot, "bench", "out"), { recursive: true });
  writeFileSync(join(repoRoot, "bench", "out", "calls.json"), JSON.stringify(result, null, 2));
} finally {
  await browser.close();
  await emulator.stop();
  await removeStaged(serveDir);
}
