// Wasm memory after big responses (issue 6 item 6): one ~1 MiB `me()` answer, then rounds of answers
// of other sizes, recording the module's memory (its WebAssembly.Memory buffer) after each round.
// A sound allocator reuses what the big answer left, so later rounds do not grow memory. Prints one
// line (BENCH_LABEL names the build, e.g. the allocator); writes bench/out/memory.json.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import {
  repoRoot, stageServeDir, startEmulator, launchBrowser, checkPrerequisites, removeStaged,
} from "../tests/e2e/helpers.mjs";
import { runMemoryWorkload } from "../tests/e2e/memory-workload.mjs";

const ROUNDS = Number(process.env.BENCH_ROUNDS || 6);
const LABEL = process.env.BENCH_LABEL || "current";

await checkPrerequisites();
const serveDir = await stageServeDir();
writeFileSync(join(serveDir, "vendor", "blank.html"), "<!doctype html><title>bench</title>");
const emulator = await startEmulator({ serveDir, args: ["--rate-limit", "0"] });
const browser = await launchBrowser();

try {
  const result = await runMemoryWorkload({ emulator, browser, rounds: ROUNDS });

  const mb = (b) => (b / 1048576).toFixed(2);
  const last = result.perRound.at(-1);
  const growthAfterFirst = last - result.perRound[0];
  console.log(`${LABEL}: wasm memory ${mb(result.start)} MiB at sign-in, ${mb(result.afterBig)} after a 1 MiB me(), ` +
    `${result.perRound.map(mb).join(" / ")} after each of ${ROUNDS} rounds of 10 other sizes; ` +
    `growth after round 1: ${mb(growthAfterFirst)} MiB; ${result.msPerCall.toFixed(1)} ms per big-body call, ` +
    `${(result.smallMsPerCall * 1000).toFixed(0)} µs per small me() after them`);
  mkdirSync(join(repoRoot, "bench", "out"), { recursive: true });
  writeFileSync(join(repoRoot, "bench", "out", `memory-${LABEL}.json`), JSON.stringify({ label: LABEL, ...result }, null, 2));
} finally {
  await browser.close();
  await emulator.stop();
  await removeStaged(serveDir);
}
