// The demo page against an emulator with refresh-token rotation and a short session TTL: the SDK
// keeps the rotated refresh JWT (a reload after rotation still restores the session, the old
// refresh JWT is dead) and refreshes on its own before the session JWT expires.
import { beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { WAIT, newIsolatedContext, recordConsole, uniqueEmail, useSuite } from "./helpers.mjs";

const SESSION_TTL = 20; // seconds; the SDK refreshes a fifth of the lifetime (at least 1 s) before expiry

describe("demo page with rotation and a short session", () => {
  const getSuite = useSuite({ emulatorArgs: ["--rotation", "--session-ttl", String(SESSION_TTL)] });
  let suite;
  let page;
  const email = uniqueEmail("rot");
  const refreshes = async () =>
    (await suite.emulator.requests()).filter((r) => r.path.split("?")[0] === "/v1/auth/refresh");

  beforeEach(() => {
    suite = getSuite();
  });

  it("signs in through the demo page", async () => {
    const { context } = await newIsolatedContext(suite.browser, suite.url);
    page = await context.newPage();
    recordConsole(page);
    await page.goto(suite.url + "/", { waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    await page.fill("#login-id", email);
    await page.click("#send-code");
    await page.locator('[data-testid="inbox-code"]').first().waitFor(WAIT);
    await page.locator('[data-testid="inbox-code"]').first().click();
    await page.click("#verify");
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
  });

  it("the emulator runs with rotation and the short TTL", async () => {
    const config = await suite.emulator.config();
    assert.equal(config.rotation, true);
    assert.equal(config.sessionTtlSeconds, SESSION_TTL);
  });

  it("Refresh twice with rotation, then reload: still signed in with the rotated refresh JWT", async () => {
    const storedBefore = await page.evaluate(() => localStorage.getItem("DSR"));
    for (let i = 0; i < 2; i++) {
      const n = (await refreshes()).length;
      await page.click("#refresh");
      await page.waitForSelector("#refresh:not([disabled])", WAIT);
      assert.ok(await page.locator("#error").isHidden(), `refresh ${i + 1} showed no error`);
      const after = await refreshes();
      assert.ok(after.length > n && after.at(-1).status === 200, `refresh ${i + 1} answered 200`);
    }
    const storedAfter = await page.evaluate(() => localStorage.getItem("DSR"));
    assert.ok(storedAfter && storedAfter !== storedBefore, "the rotated refresh JWT replaced the stored one");

    // The first refresh JWT is dead now (rotation): the emulator refuses it.
    const res = await fetch(`${suite.url}/v1/auth/refresh`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${(await suite.emulator.config()).projectId}:${storedBefore}` },
      body: "{}",
    });
    assert.equal(res.status, 401, "the pre-rotation refresh JWT is refused");

    await page.reload({ waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
    await page.locator("#user-email", { hasText: email }).waitFor(WAIT);
  });

  it("the SDK refreshes on its own before the session JWT expires (autoRefresh)", async () => {
    const n = (await refreshes()).length;
    await page.waitForSelector('#last-event[data-type="refreshed"]', { timeout: SESSION_TTL * 1000 });
    const after = await refreshes();
    assert.ok(after.length > n && after.at(-1).status === 200, "an automatic refresh answered 200");
    assert.equal(await page.getAttribute("body", "data-state"), "signedIn");
    const left = (await page.locator("#countdown").textContent()).trim();
    assert.ok(left !== "expired", "the countdown did not reach zero");
  });
});
