// Two tabs of the demo page in one browser profile (shared localStorage). Tab sync (F31, F32 in
// spec/faults.md) comes from the SDK's `storage` event listener: tab B follows tab A's sign-in and
// logout through `onSessionChange`, with no reload.
import { beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WAIT, newIsolatedContext, recordConsole, uniqueEmail, useSuite } from "./helpers.mjs";

const SYNC_WAIT = { timeout: 10_000 }; // a cross-tab message arrives in milliseconds

describe("demo page in two tabs", () => {
  const getSuite = useSuite();
  let suite;
  let a;
  let b;
  const email = uniqueEmail("tabs");

  beforeEach(() => {
    suite = getSuite();
  });

  it("signs in on tab A while tab B is open", async () => {
    const { context } = await newIsolatedContext(suite.browser, suite.url);
    a = await context.newPage();
    b = await context.newPage();
    recordConsole(a);
    recordConsole(b);
    for (const p of [a, b]) {
      await p.goto(suite.url + "/", { waitUntil: "load" });
      await p.waitForSelector('body[data-state="signedOut"]', WAIT);
    }
    await a.fill("#login-id", email);
    await a.click("#send-code");
    await a.locator('[data-testid="inbox-code"]').first().waitFor(WAIT);
    await a.locator('[data-testid="inbox-code"]').first().click();
    await a.click("#verify");
    await a.waitForSelector('body[data-state="signedIn"]', WAIT);
  });

  it("F32: a sign-in in tab A shows in tab B without a reload", async () => {
    await b.waitForSelector('body[data-state="signedIn"]', SYNC_WAIT);
    await b.locator("#user-email", { hasText: email }).waitFor(WAIT);
    assert.equal(await b.locator("#last-event").textContent(), "signedIn");
  });

  it("tab B picks up tab A's session on reload", async () => {
    await b.reload({ waitUntil: "load" });
    await b.waitForSelector('body[data-state="signedIn"]', WAIT);
    await b.locator("#user-email", { hasText: email }).waitFor(WAIT);
  });

  it("F31: a logout in tab A signs out tab B", async () => {
    await a.click("#logout");
    await a.waitForSelector('body[data-state="signedOut"]', WAIT);
    await b.waitForSelector('body[data-state="signedOut"]', SYNC_WAIT);
    assert.equal(await b.locator("#last-event").textContent(), "signedOut (otherTab)");
  });

  it("after a logout in tab A, tab B cannot keep the session: its next refresh signs it out and stores nothing", async () => {
    if ((await a.getAttribute("body", "data-state")) === "signedIn") {
      await a.click("#logout");
      await a.waitForSelector('body[data-state="signedOut"]', WAIT);
    }
    let bRefreshed = false;
    if ((await b.getAttribute("body", "data-state")) === "signedIn") {
      bRefreshed = true;
      await b.click("#refresh");
      await b.waitForSelector('body[data-state="signedOut"]', WAIT);
      const code = (await b.locator("#error-code").textContent()).trim();
      assert.ok(code.length > 0, "tab B shows why the refresh failed");
      assert.match(await b.locator("#last-event").textContent(), /^signedOut/);
    }
    const keys = await b.evaluate(() => Object.keys(localStorage).filter((k) => k === "DS" || k === "DSR"));
    assert.deepEqual(keys, [], "no DS/DSR left in the shared localStorage");
    if (bRefreshed) {
      const refreshes = (await suite.emulator.requests()).filter((r) => r.path.split("?")[0] === "/v1/auth/refresh");
      assert.equal(refreshes.at(-1).status, 401, "the revoked refresh JWT was refused");
    }
  });
});
