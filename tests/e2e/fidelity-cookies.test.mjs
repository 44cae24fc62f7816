// Fidelity in cookie mode: Descope's own @descope/web-js-sdk (bundled with esbuild at test start)
// against the emulator started with --cookies, cross-origin (page on one port, API on another of
// the same host, as an app on app.example.com calls auth.example.com). web-js fetches with
// credentials "include", so the browser stores the HttpOnly DS/DSR cookies the emulator sets and
// sends them back: OTP sign-in, refresh (rotation on: the refresh cookie is replaced and the new
// one used), me, logout (the emulator expires both cookies; the revoked refresh JWT answers 401).
// The tokens never reach JavaScript: not in any body, document.cookie, localStorage or sessionStorage.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { JWT_RE, WAIT, bundleWebJsSdk, newIsolatedContext, recordConsole, redact, startEmulator, uniqueEmail, useSuite } from "./helpers.mjs";

describe("fidelity: @descope/web-js-sdk against the emulator in cookie mode", () => {
  let pageServer; // a second emulator used only as a static server on another origin
  const getSuite = useSuite({
    needPkg: false,
    emulatorArgs: ["--cookies"],
    stage: (dir) => bundleWebJsSdk(join(dir, "vendor/web-js-sdk.js")),
    extra: async (suite) => {
      pageServer = await startEmulator({ serveDir: suite.serveDir });
      suite.cleanups.push(() => pageServer.stop());
    },
  });

  /** Whether anything token-like is visible to the page's JavaScript. */
  function exposedInPage() {
    const re = /eyJ[\w-]+\.[\w-]+\.[\w-]+/;
    const stores = [localStorage, sessionStorage];
    const values = stores.flatMap((s) => Object.keys(s).map((k) => s.getItem(k) || ""));
    return {
      documentCookie: re.test(document.cookie),
      storage: values.some((v) => re.test(v)),
      cookieNames: document.cookie.split(";").map((c) => c.trim().split("=")[0]).filter(Boolean),
    };
  }

  /** The DS / DSR cookies the browser holds for the API host (values stay in this process). */
  async function apiCookies(context, apiUrl) {
    const all = await context.cookies(apiUrl);
    return Object.fromEntries(all.filter((c) => c.name === "DS" || c.name === "DSR").map((c) => [c.name, c]));
  }

  async function runFlow(host) {
    const suite = getSuite();
    const apiUrl = suite.url.replace("127.0.0.1", host);
    const pageOrigin = pageServer.url.replace("127.0.0.1", host);
    assert.notEqual(new URL(apiUrl).port, new URL(pageOrigin).port, "two origins");
    const { context, blocked } = await newIsolatedContext(suite.browser, [pageOrigin, apiUrl]);
    const page = await context.newPage();
    const consoleLines = recordConsole(page);
    await page.goto(`${pageOrigin}/fixtures/fidelity.html`, { waitUntil: "load" });
    await page.waitForFunction(() => window.fidelityReady === true, undefined, WAIT);
    const { projectId, tokenResponseMethod } = await suite.emulator.config();
    assert.equal(tokenResponseMethod, "cookies");
    const loginId = uniqueEmail("webjs-cookies");

    // 1. sign-up-or-in and verify
    const r1 = await page.evaluate(async ({ projectId, apiUrl, loginId }) => {
      fx.sdk = fx.createSdk({ projectId, baseUrl: apiUrl, persistTokens: true, autoRefresh: false });
      const r = await fx.sdk.otp.signUpOrIn.email(loginId);
      return { ok: r.ok, code: r.code, error: r.error };
    }, { projectId, apiUrl, loginId });
    assert.equal(r1.ok, true, `signUpOrIn.email failed: ${JSON.stringify(r1.error)}`);
    const code = await suite.emulator.latestCode(loginId);
    const r2 = await page.evaluate(async ({ loginId, code }) => {
      const r = await fx.sdk.otp.verify.email(loginId, code);
      if (!r.ok) return { ok: r.ok, code: r.code, error: r.error };
      const d = r.data;
      return {
        ok: r.ok,
        sessionJwt: d.sessionJwt, refreshJwt: d.refreshJwt,
        sessionExpiration: d.sessionExpiration, now: Math.floor(Date.now() / 1000),
        claims: { sub: d.claims?.sub, drn: d.claims?.drn, amr: d.claims?.amr },
        user: { userId: d.user?.userId, email: d.user?.email },
        cookiePath: d.cookiePath, cookieMaxAge: d.cookieMaxAge,
        getters: { session: fx.sdk.getSessionToken(), refresh: fx.sdk.getRefreshToken() },
      };
    }, { loginId, code });
    assert.equal(r2.ok, true, `verify.email failed: ${redact(JSON.stringify(r2.error), [code])}`);
    assert.equal(r2.sessionJwt, "", "no session JWT in the body");
    assert.equal(r2.refreshJwt, "", "no refresh JWT in the body");
    assert.ok(r2.sessionExpiration > r2.now, "sessionExpiration still tells the client it is signed in");
    assert.equal(r2.claims.sub, r2.user.userId);
    assert.equal(r2.claims.drn, "DS");
    assert.ok(r2.claims.amr.includes("email"));
    assert.equal(r2.user.email, loginId);
    assert.equal(r2.cookiePath, "/");
    assert.ok(r2.cookieMaxAge > 0);
    assert.deepEqual(r2.getters, { session: "", refresh: "" }, "web-js holds no token");
    assert.deepEqual(await page.evaluate(exposedInPage), { documentCookie: false, storage: false, cookieNames: [] });
    let jar = await apiCookies(context, apiUrl);
    assert.deepEqual(Object.keys(jar).sort(), ["DS", "DSR"], "the browser stored both cookies");
    for (const c of Object.values(jar)) {
      assert.equal(c.httpOnly, true);
      assert.equal(c.secure, true);
      assert.equal(c.sameSite, "Strict");
      assert.equal(c.path, "/");
      assert.match(c.value, JWT_RE);
    }

    // 2. refresh with the HttpOnly cookie, twice under rotation (the replaced cookie is used)
    await suite.emulator.setConfig({ rotation: true });
    const first = jar.DSR.value;
    const logStart = (await suite.emulator.requests()).length;
    for (let i = 0; i < 2; i++) {
      const r = await page.evaluate(async () => {
        const r = await fx.sdk.refresh();
        return { ok: r.ok, code: r.code, error: r.error, sessionJwt: r.data?.sessionJwt, sub: r.data?.claims?.sub, exp: r.data?.sessionExpiration };
      });
      assert.equal(r.ok, true, `refresh ${i + 1} failed: ${JSON.stringify(r.error)}`);
      assert.equal(r.sessionJwt, "");
      assert.equal(r.sub, r2.user.userId);
      assert.ok(r.exp >= r2.sessionExpiration);
      const before = jar.DSR.value;
      jar = await apiCookies(context, apiUrl);
      assert.notEqual(jar.DSR.value, before, "the rotated refresh cookie replaced the old one");
    }
    const log = (await suite.emulator.requests()).slice(logStart);
    const refreshes = log.filter((e) => e.path === "/v1/auth/refresh");
    assert.equal(refreshes.length, 2);
    for (const e of refreshes) {
      assert.equal(e.status, 200);
      assert.equal(e.headers.authorization, `Bearer ${projectId}`, "no token in Authorization");
      assert.match(String(e.headers.cookie), /DSR=/, "the refresh cookie was sent");
    }

    // 3. me with the cookie
    const r5 = await page.evaluate(async () => {
      const r = await fx.sdk.me();
      return { ok: r.ok, code: r.code, error: r.error, email: r.data?.email };
    });
    assert.equal(r5.ok, true, `me failed: ${JSON.stringify(r5.error)}`);
    assert.equal(r5.email, loginId);

    // 4. logout: both cookies expired; refresh then fails; the revoked refresh JWT is refused
    const current = jar.DSR.value;
    const r6 = await page.evaluate(async () => {
      const r = await fx.sdk.logout();
      const again = await fx.sdk.refresh();
      return { ok: r.ok, code: r.code, error: r.error, refreshAfter: { ok: again.ok, code: again.code } };
    });
    assert.equal(r6.ok, true, `logout failed: ${JSON.stringify(r6.error)}`);
    assert.deepEqual(r6.refreshAfter, { ok: false, code: 401 }, "no cookie left: refresh fails");
    assert.deepEqual(await apiCookies(context, apiUrl), {}, "the browser dropped DS and DSR");
    for (const value of [current, first]) {
      // Put a logged-out / rotated-away refresh cookie back: the server refuses it.
      await context.addCookies([{ name: "DSR", value, url: apiUrl, httpOnly: true, secure: true, sameSite: "Strict" }]);
      const r = await page.evaluate(async () => {
        const r = await fx.sdk.refresh();
        return { ok: r.ok, code: r.code, errorCode: r.error?.errorCode };
      });
      assert.deepEqual(r, { ok: false, code: 401, errorCode: "E064001" });
      await context.clearCookies();
    }
    await suite.emulator.setConfig({ rotation: null });

    assert.deepEqual(await page.evaluate(exposedInPage), { documentCookie: false, storage: false, cookieNames: [] });
    assert.equal(consoleLines.filter((l) => JWT_RE.test(l) || l.includes(code)).length, 0, "no secret in the console");
    assert.equal(suite.emulator.log.filter((l) => JWT_RE.test(l) || l.includes(code)).length, 0, "no secret in the emulator's log");
    assert.deepEqual(blocked, [], "the page only contacted the two local servers");
    await context.close();
  }

  it("cross-origin on 127.0.0.1: OTP sign-in, refresh and me with the HttpOnly cookie, logout; no token reaches JavaScript", async () => {
    await runFlow("127.0.0.1");
  });

  it("cross-origin on localhost: the same flow", async () => {
    await runFlow("localhost");
  });
});
