// Fidelity: Descope's own @descope/web-js-sdk (bundled with esbuild at test start) signs in against
// the emulator in headless Chromium, proving the emulator speaks Descope's protocol: OTP
// sign-up-or-in, wrong code, verify, refresh, me, step-up, logout, and the refresh JWT is rejected after logout.
// Run same-origin and cross-origin (page served by a second emulator: exercises CORS preflights).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { JWT_RE, WAIT, bundleWebJsSdk, newIsolatedContext, recordConsole, redact, startEmulator, uniqueEmail, useSuite } from "./helpers.mjs";

describe("fidelity: @descope/web-js-sdk against the emulator", () => {
  let pageServer; // a second emulator used only as a static server on another origin
  const getSuite = useSuite({
    needPkg: false,
    stage: (dir) => bundleWebJsSdk(join(dir, "vendor/web-js-sdk.js")),
    extra: async (suite) => {
      pageServer = await startEmulator({ serveDir: suite.serveDir });
      suite.cleanups.push(() => pageServer.stop());
    },
  });

  /** Runs the whole web-js-sdk flow from a page served by `pageOrigin` against `suite.url`. */
  async function runFlow(pageOrigin) {
    const suite = getSuite();
    const apiUrl = suite.url;
    const { context, blocked } = await newIsolatedContext(suite.browser, [pageOrigin, apiUrl]);
    const page = await context.newPage();
    const consoleLines = recordConsole(page);
    await page.goto(`${pageOrigin}/fixtures/fidelity.html`, { waitUntil: "load" });
    await page.waitForFunction(() => window.fidelityReady === true, undefined, WAIT);

    const { projectId } = await suite.emulator.config();
    const loginId = uniqueEmail("webjs");

    // 1. otp.signUpOrIn.email
    const r1 = await page.evaluate(async ({ projectId, apiUrl, loginId }) => {
      fx.sdk = fx.createSdk({ projectId, baseUrl: apiUrl, persistTokens: true, autoRefresh: false });
      const r = await fx.sdk.otp.signUpOrIn.email(loginId);
      return { ok: r.ok, code: r.code, data: r.data, error: r.error };
    }, { projectId, apiUrl, loginId });
    assert.equal(r1.ok, true, `signUpOrIn.email failed: ${JSON.stringify(r1.error)}`);
    assert.equal(r1.code, 200);
    assert.equal(typeof r1.data.maskedEmail, "string");
    assert.ok(r1.data.maskedEmail.length > 0 && r1.data.maskedEmail !== loginId, "the email is masked");

    // 2. the code, read from the control API's outbox
    const messages = await suite.emulator.outbox(loginId);
    assert.ok(messages.length >= 1, "the outbox has the message");
    const last = messages.at(-1);
    assert.equal(last.loginId, loginId);
    assert.equal(last.channel, "email");
    assert.ok(/^\d{6}$/.test(last.code || ""), "the outbox message has a 6-digit code");
    const code = last.code;

    // 2b. a wrong code answers 400 E061102 in Descope's error body shape
    const r2 = await page.evaluate(async ({ loginId, wrong }) => {
      const r = await fx.sdk.otp.verify.email(loginId, wrong);
      return { ok: r.ok, code: r.code, error: r.error && { errorCode: r.error.errorCode, hasDescription: typeof r.error.errorDescription === "string", hasMessage: typeof r.error.errorMessage === "string" } };
    }, { loginId, wrong: code === "000000" ? "111111" : "000000" });
    assert.deepEqual(r2, { ok: false, code: 400, error: { errorCode: "E061102", hasDescription: true, hasMessage: true } });

    // 3. otp.verify.email
    const r3 = await page.evaluate(async ({ loginId, code, projectId, apiUrl }) => {
      const r = await fx.sdk.otp.verify.email(loginId, code);
      if (!r.ok) return { ok: r.ok, code: r.code, error: r.error };
      const d = r.data;
      const s = fx.isJwt(d.sessionJwt) ? fx.part(d.sessionJwt, 1) : {};
      const rt = fx.isJwt(d.refreshJwt) ? fx.part(d.refreshJwt, 1) : {};
      fx.saved.sessionJwt = d.sessionJwt;
      return {
        ok: r.ok, code: r.code,
        sessionIsJwt: fx.isJwt(d.sessionJwt),
        refreshIsJwt: fx.isJwt(d.refreshJwt),
        storedSession: fx.sdk.getSessionToken() === d.sessionJwt,
        storedRefresh: fx.sdk.getRefreshToken() === d.refreshJwt && localStorage.getItem("DSR") === d.refreshJwt,
        user: { userId: d.user?.userId, email: d.user?.email, loginIds: d.user?.loginIds, verifiedEmail: d.user?.verifiedEmail },
        firstSeen: d.firstSeen,
        sessionExpiration: d.sessionExpiration,
        now: Math.floor(Date.now() / 1000),
        claims: { sub: s.sub, iss: s.iss, drn: s.drn, amr: s.amr, exp: s.exp, iat: s.iat },
        refreshClaims: { sub: rt.sub, drn: rt.drn, exp: rt.exp },
        signature: fx.isJwt(d.sessionJwt) ? await fx.verifySignature(d.sessionJwt, apiUrl, projectId) : null,
        helpers: { expired: fx.sdk.isJwtExpired(d.sessionJwt), roles: fx.sdk.getJwtRoles(d.sessionJwt) },
      };
    }, { loginId, code, projectId, apiUrl });
    assert.equal(r3.ok, true, `verify.email failed: ${redact(JSON.stringify(r3.error), [code])}`);
    assert.equal(r3.code, 200);
    assert.equal(r3.sessionIsJwt, true, "sessionJwt is a JWT");
    assert.equal(r3.refreshIsJwt, true, "refreshJwt is a JWT");
    assert.equal(r3.storedSession, true, "web-js-sdk stored the session JWT");
    assert.equal(r3.storedRefresh, true, "web-js-sdk stored the refresh JWT under DSR");
    assert.equal(r3.user.email, loginId);
    assert.ok(Array.isArray(r3.user.loginIds) && r3.user.loginIds.includes(loginId), "user.loginIds has the login id");
    assert.equal(r3.user.verifiedEmail, true);
    assert.equal(r3.firstSeen, true);
    assert.equal(typeof r3.sessionExpiration, "number");
    assert.ok(r3.sessionExpiration > r3.now, "sessionExpiration is in the future (unix seconds)");
    assert.equal(r3.claims.sub, r3.user.userId);
    assert.ok(String(r3.claims.iss).endsWith(projectId), "iss ends with the project id");
    assert.equal(r3.claims.drn, "DS");
    assert.ok(Array.isArray(r3.claims.amr) && r3.claims.amr.includes("email"), "amr has email");
    assert.ok(r3.claims.exp > r3.claims.iat, "exp after iat");
    assert.equal(r3.refreshClaims.sub, r3.user.userId);
    assert.equal(r3.refreshClaims.drn, "DSR");
    assert.ok(r3.refreshClaims.exp > r3.claims.exp, "the refresh JWT outlives the session JWT");
    assert.deepEqual(r3.signature, { ok: true, alg: "RS256", jwkAlg: "RS256", kty: "RSA", use: "sig" });
    assert.equal(r3.helpers.expired, false);
    assert.ok(Array.isArray(r3.helpers.roles));

    // 4. refresh()
    const r4 = await page.evaluate(async () => {
      const r = await fx.sdk.refresh();
      if (!r.ok) return { ok: r.ok, code: r.code, error: r.error };
      const d = r.data;
      return {
        ok: r.ok, code: r.code,
        sessionIsJwt: fx.isJwt(d.sessionJwt),
        sub: fx.isJwt(d.sessionJwt) ? fx.part(d.sessionJwt, 1).sub : undefined,
        stored: fx.sdk.getSessionToken() === d.sessionJwt,
        sessionExpiration: d.sessionExpiration,
      };
    });
    assert.equal(r4.ok, true, `refresh failed: ${JSON.stringify(r4.error)}`);
    assert.equal(r4.code, 200);
    assert.equal(r4.sessionIsJwt, true);
    assert.equal(r4.sub, r3.user.userId);
    assert.equal(r4.stored, true, "the refreshed session JWT is stored");
    assert.ok(r4.sessionExpiration >= r3.sessionExpiration, "the refreshed session does not expire earlier");

    // 5. me()
    const r5 = await page.evaluate(async () => {
      const r = await fx.sdk.me();
      return { ok: r.ok, code: r.code, error: r.error, data: r.ok ? { userId: r.data.userId, email: r.data.email, loginIds: r.data.loginIds, status: r.data.status, createdTime: r.data.createdTime } : undefined };
    });
    assert.equal(r5.ok, true, `me failed: ${JSON.stringify(r5.error)}`);
    assert.equal(r5.code, 200);
    assert.equal(r5.data.userId, r3.user.userId);
    assert.equal(r5.data.email, loginId);
    assert.ok(r5.data.loginIds.includes(loginId), "me().loginIds has the login id");
    assert.equal(r5.data.status, "enabled");
    assert.ok(Number.isInteger(r5.data.createdTime) && r5.data.createdTime < 1e11, "createdTime is unix seconds");

    // 5b. step-up: otp.signIn.email with loginOptions.stepup and the refresh JWT, then verify → su: true
    const r5b = await page.evaluate(async ({ loginId }) => {
      const r = await fx.sdk.otp.signIn.email(loginId, { stepup: true }, fx.sdk.getRefreshToken());
      return { ok: r.ok, code: r.code, error: r.error, masked: typeof r.data?.maskedEmail === "string" };
    }, { loginId });
    assert.equal(r5b.ok, true, `step-up signIn failed: ${JSON.stringify(r5b.error)}`);
    assert.equal(r5b.masked, true);
    const stepCode = await suite.emulator.latestCode(loginId);
    assert.ok((await suite.emulator.outbox(loginId)).length >= 2, "a new code was sent for the step-up");
    const r5c = await page.evaluate(async ({ loginId, stepCode }) => {
      const r = await fx.sdk.otp.verify.email(loginId, stepCode);
      if (!r.ok) return { ok: r.ok, code: r.code, error: r.error };
      const c = fx.part(r.data.sessionJwt, 1);
      return { ok: r.ok, su: c.su, sub: c.sub, amr: c.amr };
    }, { loginId, stepCode });
    assert.equal(r5c.ok, true, `step-up verify failed: ${redact(JSON.stringify(r5c.error), [stepCode])}`);
    assert.equal(r5c.su, true, "the step-up session JWT has su: true");
    assert.equal(r5c.sub, r3.user.userId);

    // 6. logout(), then the old refresh JWT is rejected
    const r6 = await page.evaluate(async () => {
      const rt = fx.sdk.getRefreshToken();
      const r = await fx.sdk.logout();
      const out = { ok: r.ok, code: r.code, error: r.error, hadToken: fx.isJwt(rt) };
      out.storedAfter = { DS: localStorage.getItem("DS"), DSR: localStorage.getItem("DSR") };
      out.getters = { session: fx.sdk.getSessionToken() || null, refresh: fx.sdk.getRefreshToken() || null };
      const again = await fx.sdk.refresh(rt);
      out.refreshAfter = { ok: again.ok, code: again.code, errorCode: again.error?.errorCode, hasDescription: typeof again.error?.errorDescription === "string" };
      const me = await fx.sdk.me(rt);
      out.meAfter = { ok: me.ok, code: me.code };
      return out;
    });
    assert.equal(r6.ok, true, `logout failed: ${JSON.stringify(r6.error)}`);
    assert.equal(r6.code, 200);
    assert.equal(r6.hadToken, true);
    assert.deepEqual(r6.storedAfter, { DS: null, DSR: null }, "web-js-sdk cleared DS/DSR");
    assert.deepEqual(r6.getters, { session: null, refresh: null });
    assert.equal(r6.refreshAfter.ok, false, "the revoked refresh JWT is rejected");
    assert.equal(r6.refreshAfter.code, 401);
    assert.match(String(r6.refreshAfter.errorCode), /^E\d+$/);
    assert.equal(r6.refreshAfter.hasDescription, true);
    assert.deepEqual(r6.meAfter, { ok: false, code: 401 });

    assert.equal(consoleLines.filter((l) => JWT_RE.test(l) || l.includes(code) || l.includes(stepCode)).length, 0, "no secret in the console");
    assert.deepEqual(blocked, [], "the page only contacted the two local servers");
    await context.close();
  }

  it("same origin: otp.signUpOrIn.email → verify → refresh → me → logout, then the refresh JWT is rejected", async () => {
    await runFlow(getSuite().url);
  });

  it("cross-origin (CORS preflights with credentials): the same flow from a page on another 127.0.0.1 port", async () => {
    const apiUrl = getSuite().url;
    assert.notEqual(pageServer.url, apiUrl);
    await runFlow(pageServer.url);
  });
});
