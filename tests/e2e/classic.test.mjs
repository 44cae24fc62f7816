// The classic <script> build (pkg/classic/descope_wasm.js, global `descopeWasm`) in headless
// Chromium: init, construct a client, OTP sign-in through the emulator's outbox, errors, logout.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JWT_RE, WAIT, newIsolatedContext, recordConsole, redact, uniqueEmail, useSuite } from "./helpers.mjs";

describe("classic script build", () => {
  const getSuite = useSuite({ needClassic: true });

  it("loads with a classic <script>, signs in with OTP and exposes a DescopeError on a wrong code", async () => {
    const suite = getSuite();
    const { context, blocked } = await newIsolatedContext(suite.browser, suite.url);
    const page = await context.newPage();
    const consoleLines = recordConsole(page);
    const loginId = uniqueEmail("classic");
    await page.goto(`${suite.url}/fixtures/classic.html?loginId=${encodeURIComponent(loginId)}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.classicResult !== undefined, undefined, WAIT);
    const r = await page.evaluate(() => window.classicResult);
    const code = await suite.emulator.latestCode(loginId).catch(() => "");

    assert.ok(r.ok, `classic flow failed at step ${r.steps.length}: ${redact(JSON.stringify(r.error), [code])}`);
    assert.equal(r.globalType, "object");
    assert.deepEqual(r.exports, ["Descope", "isDescopeError", "decodeJwt"]);
    assert.deepEqual(r.steps, ["init", "signUpOrIn", "verify", "me", "logout"]);
    const config = await suite.emulator.config();
    assert.equal(r.projectId, config.projectId);
    assert.equal(r.baseUrl.replace(/\/+$/, ""), suite.url);
    assert.equal(r.sessionBefore, "undefined");
    assert.equal(typeof r.maskedEmail, "string");
    assert.ok(r.maskedEmail.length > 0 && r.maskedEmail !== loginId, "the email is masked");

    assert.deepEqual(r.wrongCode, {
      rejected: true, isDescopeError: true, name: "DescopeError", code: "E061102", kind: "api", status: 400, isError: true,
    });

    assert.equal(r.session.hasSessionJwt, true);
    assert.match(r.session.userId, /^\S+$/);
    assert.equal(r.session.email, loginId);
    assert.ok(r.session.amr.includes("email"), "amr includes email");
    assert.equal(r.session.expiresInFuture, true);
    assert.equal(r.session.isExpired, false);
    assert.equal(r.session.stepUp, false);
    assert.equal(r.session.subMatches, true);
    assert.equal(r.session.currentIsSame, true);
    assert.equal(r.me.email, loginId);
    assert.ok(r.me.loginIds.includes(loginId), "me() lists the login id");
    assert.equal(r.sessionAfterLogout, "undefined");

    assert.equal(consoleLines.filter((l) => JWT_RE.test(l) || (code && l.includes(code))).length, 0, "no secret in the console");
    assert.deepEqual(blocked, [], "the page only contacted the emulator");
    const shown = await page.locator("#result").textContent();
    assert.ok(!JWT_RE.test(shown), "the fixture shows no JWT");
    await context.close();
  });
});
