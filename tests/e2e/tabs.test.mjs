// Many tabs of one origin and storage prefix against an emulator with strict refresh-token
// rotation (`--rotation`: the old refresh JWT dies at once) and short sessions: exactly one refresh
// request per rotation, no 401, no sign-out (F16, F29, G5, G6); `refresh()` called in every tab at
// once resolves everywhere with no sign-out; the same for 2, 4 and 8 tabs without the Web Locks API
// (F33: the refresh claimed in storage; at most 1.2 requests per rotation, no sign-out).
// TABS_DEBUG=1 prints every tab's SDK log (no tokens) when a tab signs out.
// All pages of a run share one browser context, so they share localStorage and Web Locks.
// Counts: TABS_ROTATIONS (default 7 per tab count, so `make test` runs 21 multi-tab rotations) and
// TABS_TRIALS (default 20 concurrent-refresh trials for 2 tabs, 5 for 4 and 8); `make soak` raises them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { WAIT, newIsolatedContext, recordConsole, uniqueEmail, useSuite, JWT_RE } from "./helpers.mjs";

const SESSION_TTL = 4; // s: a refresh about every 3 s (lead 1 s, spread up to 250 ms)
const ROTATIONS = Number(process.env.TABS_ROTATIONS || 7);
const TRIALS = Number(process.env.TABS_TRIALS || 0);
const refreshPath = (r) => r.path.split("?")[0] === "/v1/auth/refresh";
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function openTabs(suite, n, prefix, query = "") {
  const { context, blocked } = await newIsolatedContext(suite.browser, suite.url);
  const pages = [];
  const consoleLines = [];
  for (let i = 0; i < n; i++) {
    const p = await context.newPage();
    recordConsole(p, consoleLines);
    await p.goto(`${suite.url}/fixtures/session-tabs.html?prefix=${prefix}${query}`, { waitUntil: "load" });
    await p.waitForFunction(() => window.ready === true, null, WAIT);
    pages.push(p);
  }
  return { context, blocked, pages, consoleLines };
}

/** Waits for `count` changes of the stored refresh JWT (seen from tab 0). */
async function waitRotations(page, count) {
  let last = await page.evaluate(() => window.t.storedId());
  let seen = 0;
  const deadline = Date.now() + count * (SESSION_TTL + 4) * 1000;
  while (seen < count && Date.now() < deadline) {
    await sleep(100);
    const id = await page.evaluate(() => window.t.storedId());
    if (id && id !== last) { seen++; last = id; }
  }
  return seen;
}

async function rotationRun(suite, tabs, prefix, query = "") {
  const { context, blocked, pages, consoleLines } = await openTabs(suite, tabs, prefix, query);
  try {
    await pages[0].evaluate((email) => window.t.signIn(email), uniqueEmail(`tabs${tabs}`));
    for (const p of pages) await p.waitForFunction(() => window.t.signedIn(), null, WAIT);
    const from = (await suite.emulator.requests()).length;
    const seen = await waitRotations(pages[0], ROTATIONS);
    await sleep(300); // let the last answer land
    const log = (await suite.emulator.requests()).slice(from).filter(refreshPath);
    const ok = log.filter((r) => r.status === 200).length;
    const unauthorized = log.filter((r) => r.status === 401).length;
    const events = (await Promise.all(pages.map((p) => p.evaluate(() => window.t.events)))).flat();
    const outs = events.filter((e) => e.type === "signedOut");
    const signedOut = outs.length;
    const reasons = outs.length ? ` reasons=${outs.map((e) => e.reason).join(",")}` : "";
    if (outs.length && process.env.TABS_DEBUG) {
      for (const [i, p] of pages.entries()) console.log(`tab ${i}:\n` + (await p.evaluate(() => window.t.logs.join("\n"))));
      console.log(log.map((r) => `${r.at} ${r.status}`).join("\n"));
    }
    const stillIn = (await Promise.all(pages.map((p) => p.evaluate(() => window.t.signedIn())))).filter(Boolean).length;
    const ratio = ok ? log.length / ok : NaN;
    const grace = (await suite.emulator.config()).rotationGraceSeconds || 0;
    console.log(`# G5 rotation ${query ? "no-locks " : ""}grace=${grace}s tabs=${tabs} rotations=${ok} refreshRequests=${log.length} perRotation=${ratio.toFixed(2)} answered401=${unauthorized} signedOut=${signedOut}${reasons} signedIn=${stillIn}/${tabs}`);
    assert.ok(seen >= ROTATIONS, `saw ${seen} of ${ROTATIONS} rotations`);
    assert.equal(signedOut, 0, "no signedOut event in any tab");
    assert.equal(stillIn, tabs, "every tab still signed in");
    if (!query) {
      assert.equal(unauthorized, 0, "no refresh answered 401");
      assert.equal(log.length, ok, "exactly one refresh request per rotation");
    } else {
      // Without Web Locks (F33) the tabs claim the refresh in storage, which two tabs can still
      // both win when the machine delays one's write past the claim's settle time: a few extra
      // requests are tolerated (before the claim: 1.15 to 2.15 per rotation).
      assert.ok(log.length <= ok * 1.2, `${log.length} refresh requests for ${ok} rotations`);
    }
    assert.deepEqual(blocked, []);
    assert.ok(!consoleLines.some((l) => JWT_RE.test(l)), "no token in the console");
  } finally {
    await context.close();
  }
}

async function concurrentTrials(suite, tabs, trials, prefix, query = "") {
  const { context, pages } = await openTabs(suite, tabs, prefix, `&auto=0${query}`);
  try {
    await pages[0].evaluate((email) => window.t.signIn(email), uniqueEmail(`conc${tabs}`));
    for (const p of pages) await p.waitForFunction(() => window.t.signedIn(), null, WAIT);
    const from = (await suite.emulator.requests()).length;
    let resolved = 0;
    for (let i = 0; i < trials; i++) {
      const results = await Promise.all(pages.map((p) => p.evaluate(() => window.t.refresh())));
      resolved += results.filter((r) => r === true).length;
      assert.deepEqual(results, pages.map(() => true), `trial ${i + 1}: every refresh() resolved`);
    }
    const log = (await suite.emulator.requests()).slice(from).filter(refreshPath);
    const unauthorized = log.filter((r) => r.status === 401).length;
    const events = (await Promise.all(pages.map((p) => p.evaluate(() => window.t.events)))).flat();
    const signedOut = events.filter((e) => e.type === "signedOut").length;
    const grace = (await suite.emulator.config()).rotationGraceSeconds || 0;
    console.log(`# G5 concurrent-refresh ${query ? "no-locks " : ""}grace=${grace}s tabs=${tabs} trials=${trials} resolved=${resolved}/${trials * tabs} refreshRequests=${log.length} perTrial=${(log.length / trials).toFixed(2)} answered401=${unauthorized} signedOut=${signedOut}`);
    assert.equal(signedOut, 0, "no sign-out");
    // A tab that gets the lock right after another tab's write may still read the old value (each
    // renderer's localStorage copy is updated asynchronously): it then sends a stale token, gets a
    // 401 and adopts the newer token it re-reads (F16). Reported, not asserted.
    void unauthorized;
  } finally {
    await context.close();
  }
}

describe("tabs with strict rotation and short sessions (F16, F29, F30, F33, G5)", () => {
  const getSuite = useSuite({ emulatorArgs: ["--rotation", "--session-ttl", String(SESSION_TTL)] });

  for (const tabs of [2, 4, 8]) {
    it(`F29: ${tabs} tabs, ${ROTATIONS} rotations: one refresh request per rotation, no 401, no sign-out`, async () => {
      await rotationRun(getSuite(), tabs, `r${tabs}.`);
    });
  }

  for (const [tabs, trials] of [[2, TRIALS || 20], [4, TRIALS || 5], [8, TRIALS || 5]]) {
    it(`F16/F29: refresh() in ${tabs} tabs at once, ${trials} trials: every call resolves, no sign-out`, async () => {
      await concurrentTrials(getSuite(), tabs, trials, `c${tabs}.`);
    });
  }

  for (const tabs of [2, 4, 8]) {
    it(`F33: without navigator.locks, ${tabs} tabs keep the session through rotations and concurrent refresh()`, async () => {
      await rotationRun(getSuite(), tabs, `nl${tabs}.`, "&nolocks=1");
      await concurrentTrials(getSuite(), tabs, TRIALS || 5, `nlc${tabs}.`, "&nolocks=1");
    });
  }
});

describe("tabs with a 10 s rotation grace window (G5)", () => {
  const getSuite = useSuite({ emulatorArgs: ["--rotation-grace", "10", "--session-ttl", String(SESSION_TTL)] });

  it(`F29: 4 tabs, ${ROTATIONS} rotations with grace: one refresh request per rotation, no 401, no sign-out`, async () => {
    await rotationRun(getSuite(), 4, "g4.");
  });

  it(`F16/F29: refresh() in 4 tabs at once with grace, ${TRIALS || 5} trials: every call resolves, no sign-out`, async () => {
    await concurrentTrials(getSuite(), 4, TRIALS || 5, "gc4.");
  });
});
