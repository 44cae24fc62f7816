// descope-wasm in cookie mode (persistence "cookie") against the emulator started with --cookies: the
// API keeps DS/DSR in HttpOnly cookies and answers empty body tokens. Same origin (the page served by
// the API's own server) and cross-origin (page on localhost:A, API on localhost:B, as an app on
// app.example.com calls its Descope custom domain auth.example.com). Also the first visit (nothing
// sent), the reload (one try-refresh), logout (cookies and DSLI gone, the last user kept), two tabs
// sharing the cookie jar, and a page moving from @descope/web-js-sdk (its keys, written by it).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import {
  JWT_RE, WAIT, bundleWebJsSdk, localhostUrl, newIsolatedContext, recordConsole, startEmulator, uniqueEmail, useSuite,
} from "./helpers.mjs";

describe("cookie mode: tokens in HttpOnly cookies, first visit, reload, tabs, moving from web-js", () => {
  let pageServer; // a second server on another port, serving the same pages (the app's origin)
  const getSuite = useSuite({
    emulatorArgs: ["--cookies"],
    stage: (dir) => bundleWebJsSdk(join(dir, "vendor/web-js-sdk.js")),
    extra: async (suite) => {
      pageServer = await startEmulator({ serveDir: suite.serveDir });
      suite.cleanups.push(() => pageServer.stop());
    },
  });

  /** API requests logged since `mark` (an index into the emulator's request log). */
  async function since(suite, mark) {
    return (await suite.emulator.requests()).slice(mark);
  }
  const mark = async (suite) => (await suite.emulator.requests()).length;

  async function openFixture(page, pageOrigin, apiUrl, projectId, mode = "cookie") {
    const q = new URLSearchParams({ pid: projectId, api: apiUrl, mode });
    await page.goto(`${pageOrigin}/fixtures/cookies.html?${q}`, { waitUntil: "load" });
    await page.waitForFunction(() => window.ready === true, undefined, WAIT);
  }

  /** The DS / DSR cookies the browser holds for the API (values stay in this process). */
  async function jar(context, apiUrl) {
    const all = await context.cookies(apiUrl);
    return Object.fromEntries(all.filter((c) => c.name === "DS" || c.name === "DSR").map((c) => [c.name, c]));
  }

  async function runFlow(pageOrigin, apiUrl) {
    const suite = getSuite();
    const { projectId, tokenResponseMethod } = await suite.emulator.config();
    assert.equal(tokenResponseMethod, "cookies");
    const { context, blocked } = await newIsolatedContext(suite.browser, [pageOrigin, apiUrl]);
    const page = await context.newPage();
    const consoleLines = recordConsole(page);

    // 1. First visit: no DSLI, no last user: not one request.
    let m = await mark(suite);
    await openFixture(page, pageOrigin, apiUrl, projectId);
    assert.equal(await page.evaluate(() => t.token()), "undefined");
    await page.waitForTimeout(300);
    assert.deepEqual(await since(suite, m), [], "a first visit sends nothing");
    assert.deepEqual(await page.evaluate(() => t.events), []);
    assert.deepEqual(await page.evaluate(() => t.state()), { signedIn: false, lastUser: null });

    // 2. Sign-in: the session is known, no token reaches JavaScript, the cookies are HttpOnly.
    const login = uniqueEmail("cookie-e2e");
    await suite.emulator.createUser({ loginId: login, email: login, name: "Cookie Ada" });
    m = await mark(suite);
    const signed = await page.evaluate((e) => t.signIn(e), login);
    assert.equal(signed.sessionJwt, "");
    assert.equal(signed.refreshJwt, "undefined");
    assert.ok(signed.userId);
    const seen = await page.evaluate(() => t.visible());
    assert.equal(seen.tokenInStorage, false);
    assert.equal(seen.tokenInDocumentCookie, false);
    assert.equal(seen.DS, null);
    assert.equal(seen.DSR, null);
    assert.match(seen.DSLI, /^\d{10}$/, "DSLI is the session's expiry, in seconds");
    assert.equal(seen.lastLoginId, login);
    assert.equal(seen.lastName, "Cookie Ada");
    const cookies = await jar(context, apiUrl);
    assert.deepEqual(Object.keys(cookies).sort(), ["DS", "DSR"]);
    for (const c of Object.values(cookies)) assert.equal(c.httpOnly, true);
    assert.equal(await page.evaluate(() => t.token()), "empty", "signed in; the browser sends DS");
    for (const e of await since(suite, m)) {
      assert.equal(e.headers.authorization, `Bearer ${projectId}`);
    }

    // 3. Reload: exactly one request, try-refresh with the cookie, announced as `restored`.
    m = await mark(suite);
    await page.reload({ waitUntil: "load" });
    await page.waitForFunction(() => window.ready === true && t.events.length > 0, undefined, WAIT);
    const events = await page.evaluate(() => t.events.map((e) => `${e.type} ${e.userId}`));
    assert.deepEqual(events, [`restored ${signed.userId}`]);
    let log = await since(suite, m);
    assert.deepEqual(log.map((e) => e.path), ["/v1/auth/try-refresh"], "one request");
    assert.equal(log[0].status, 200);
    assert.equal(log[0].headers.authorization, `Bearer ${projectId}`);
    assert.match(String(log[0].headers.cookie), /DSR=/);
    assert.deepEqual(await page.evaluate(() => t.state()), {
      signedIn: true, userId: signed.userId, sessionJwt: "empty", lastUser: { loginId: login, name: "Cookie Ada" },
    });

    // 4. refresh and me send the cookies, and only the project id.
    m = await mark(suite);
    assert.equal(await page.evaluate(() => t.refresh()), true);
    assert.equal(await page.evaluate(() => t.me()), login);
    log = await since(suite, m);
    assert.deepEqual(log.map((e) => `${e.path} ${e.status}`), ["/v1/auth/refresh 200", "/v1/auth/me 200"]);
    for (const e of log) {
      assert.equal(e.headers.authorization, `Bearer ${projectId}`);
      assert.match(String(e.headers.cookie), /DSR=/);
    }

    // 5. Logout: the API expires both cookies; DSLI goes, the last user stays.
    assert.equal(await page.evaluate(() => t.logout()), true);
    assert.deepEqual(await jar(context, apiUrl), {}, "the browser dropped DS and DSR");
    const after = await page.evaluate(() => t.visible());
    assert.equal(after.DSLI, null);
    assert.equal(after.lastLoginId, login);
    assert.deepEqual((await page.evaluate(() => t.state())).lastUser, { loginId: login, name: "Cookie Ada" });
    assert.equal((await page.evaluate(() => t.events)).at(-1).reason, "logout");

    // 6. A reload after logout sends nothing; the page still knows who was here.
    m = await mark(suite);
    await page.reload({ waitUntil: "load" });
    await page.waitForFunction(() => window.ready === true, undefined, WAIT);
    await page.waitForTimeout(300);
    assert.deepEqual(await since(suite, m), []);
    assert.deepEqual(await page.evaluate(() => t.state()), { signedIn: false, lastUser: { loginId: login, name: "Cookie Ada" } });

    assert.equal(consoleLines.filter((l) => JWT_RE.test(l)).length, 0, "no token in the console");
    assert.equal(suite.emulator.log.filter((l) => JWT_RE.test(l)).length, 0, "no token in the emulator's log");
    assert.deepEqual(blocked, [], "only the two local servers were contacted");
    await context.close();
  }

  it("same origin (page and API on localhost:B): first visit sends nothing, sign-in, reload with one try-refresh, refresh, me, logout", async () => {
    const url = localhostUrl(getSuite().url);
    await runFlow(url, url);
  });

  it("cross-origin (page on localhost:A, API on localhost:B): the same flow, cookies sent with credentials include", async () => {
    await runFlow(localhostUrl(pageServer.url), localhostUrl(getSuite().url));
  });

  it("two tabs share the cookie jar: a sign-in reaches the other tab (F32), concurrent refreshes under rotation take turns (F16, F29), logout signs the other tab out (F31)", async () => {
    const suite = getSuite();
    const { projectId } = await suite.emulator.config();
    const pageOrigin = localhostUrl(pageServer.url);
    const apiUrl = localhostUrl(suite.url);
    const { context, blocked } = await newIsolatedContext(suite.browser, [pageOrigin, apiUrl]);
    const a = await context.newPage();
    const b = await context.newPage();
    await openFixture(a, pageOrigin, apiUrl, projectId);
    await openFixture(b, pageOrigin, apiUrl, projectId);
    await suite.emulator.setConfig({ rotation: true });
    try {
      const login = uniqueEmail("cookie-tabs");
      const signed = await a.evaluate((e) => t.signIn(e), login);
      // B hears of it through the login indicator and asks the API (the session is in the jar).
      await b.waitForFunction(() => t.events.length > 0, undefined, WAIT);
      assert.deepEqual(await b.evaluate(() => t.events.map((e) => `${e.type} ${e.userId}`)), [`signedIn ${signed.userId}`]);
      assert.equal(await b.evaluate(() => t.token()), "empty");

      // Both tabs refresh at once, five times: every refresh succeeds, the server never sees a
      // rotated-away cookie (the tabs take turns under the refresh lock).
      const m = await mark(suite);
      for (let i = 0; i < 5; i++) {
        const r = await Promise.all([a.evaluate(() => t.refresh()), b.evaluate(() => t.refresh())]);
        assert.deepEqual(r, [true, true], `trial ${i + 1}`);
      }
      const log = await since(suite, m);
      const refreshes = log.filter((e) => e.path === "/v1/auth/refresh");
      assert.ok(refreshes.length >= 5);
      assert.deepEqual(refreshes.filter((e) => e.status !== 200), [], "no refresh refused");
      for (const p of [a, b]) {
        assert.equal((await p.evaluate(() => t.events)).filter((e) => e.type === "signedOut").length, 0);
      }

      // Logout in A: B signs out at once (otherTab), without a request of its own.
      const before = await mark(suite);
      assert.equal(await a.evaluate(() => t.logout()), true);
      await b.waitForFunction(() => t.events.at(-1).type === "signedOut", undefined, WAIT);
      assert.equal(await b.evaluate(() => t.events.at(-1).reason), "otherTab");
      assert.equal((await b.evaluate(() => t.state())).signedIn, false);
      await b.waitForTimeout(200);
      assert.deepEqual((await since(suite, before)).map((e) => e.path), ["/v1/auth/logout"]);
      assert.deepEqual(blocked, []);
    } finally {
      await suite.emulator.setConfig({ rotation: null });
      await context.close();
    }
  });

  /** Signs in with web-js in the fidelity page; returns the user id. Keys are written by web-js. */
  async function webJsSignIn(page, suite, apiUrl, projectId, login) {
    await page.goto(`${apiUrl}/fixtures/fidelity.html`, { waitUntil: "load" });
    await page.waitForFunction(() => window.fidelityReady === true, undefined, WAIT);
    const r1 = await page.evaluate(async ({ projectId, apiUrl, login }) => {
      fx.sdk = fx.createSdk({ projectId, baseUrl: apiUrl, persistTokens: true, autoRefresh: false });
      const r = await fx.sdk.otp.signIn.email(login);
      return { ok: r.ok, error: r.error };
    }, { projectId, apiUrl, login });
    assert.equal(r1.ok, true, JSON.stringify(r1.error));
    const code = await suite.emulator.latestCode(login);
    return page.evaluate(async ({ login, code }) => {
      const r = await fx.sdk.otp.verify.email(login, code);
      return r.ok ? r.data.user.userId : `failed ${r.error?.errorCode}`;
    }, { login, code });
  }

  it("moving from @descope/web-js-sdk (body mode): its stored session and last user carry over; an expired stored session JWT restores with one try-refresh", async () => {
    const suite = getSuite();
    const { projectId } = await suite.emulator.config();
    const apiUrl = localhostUrl(suite.url);
    await suite.emulator.setConfig({ tokenResponseMethod: "body" });
    const { context, blocked } = await newIsolatedContext(suite.browser, [apiUrl]);
    try {
      const page = await context.newPage();
      const login = uniqueEmail("from-webjs");
      await suite.emulator.createUser({ loginId: login, email: login, name: "Web Js" });
      const userId = await webJsSignIn(page, suite, apiUrl, projectId, login);
      const keys = await page.evaluate(() => Object.fromEntries(
        ["DS", "DSR", "DSLI", "dls_last_user_login_id", "dls_last_user_display_name"].map((k) => [k, localStorage.getItem(k) !== null])));
      assert.deepEqual(keys, { DS: true, DSR: true, DSLI: true, dls_last_user_login_id: true, dls_last_user_display_name: true }, "web-js wrote its keys");

      // Our SDK on the same origin: the session restored from web-js's keys, with no request.
      let m = await mark(suite);
      await openFixture(page, apiUrl, apiUrl, projectId, "localStorage");
      assert.deepEqual(await page.evaluate(() => t.state()), {
        signedIn: true, userId, sessionJwt: "jwt", lastUser: { loginId: login, name: "Web Js" },
      }, "web-js's stored session, restored");
      await page.waitForFunction(() => t.events.length > 0, undefined, WAIT);
      assert.deepEqual(await page.evaluate(() => t.events.map((e) => e.type)), ["restored"]);
      assert.deepEqual(await since(suite, m), []);

      // The stored session JWT has expired (as after a long absence): one try-refresh, `restored`.
      await page.evaluate(() => {
        const [h, p, s] = localStorage.getItem("DS").split(".");
        const claims = JSON.parse(atob(p.replace(/-/g, "+").replace(/_/g, "/")));
        claims.exp = Math.floor(Date.now() / 1000) - 60;
        const body = btoa(JSON.stringify(claims)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
        localStorage.setItem("DS", `${h}.${body}.${s}`);
      });
      m = await mark(suite);
      await page.reload({ waitUntil: "load" });
      await page.waitForFunction(() => window.ready === true, undefined, WAIT);
      assert.equal(await page.evaluate(() => t.token()), "jwt", "getSessionToken waits for the restore");
      assert.deepEqual(await page.evaluate(() => t.events.map((e) => `${e.type} ${e.userId}`)), [`restored ${userId}`]);
      assert.deepEqual((await since(suite, m)).map((e) => `${e.path} ${e.status}`), ["/v1/auth/try-refresh 200"]);
      assert.deepEqual(blocked, []);
    } finally {
      await suite.emulator.setConfig({ tokenResponseMethod: null });
      await context.close();
    }
  });

  it("moving from @descope/web-js-sdk (cookie mode): its login indicator restores the session with one try-refresh; a name it never had is no name", async () => {
    const suite = getSuite();
    const { projectId } = await suite.emulator.config();
    const apiUrl = localhostUrl(suite.url);
    const { context, blocked } = await newIsolatedContext(suite.browser, [apiUrl]);
    try {
      const page = await context.newPage();
      const login = uniqueEmail("from-webjs-cookie");
      await suite.emulator.createUser({ loginId: login, email: login });
      const userId = await webJsSignIn(page, suite, apiUrl, projectId, login);
      const written = await page.evaluate(() => ({
        DSLI: localStorage.getItem("DSLI") !== null,
        name: localStorage.getItem("dls_last_user_display_name"),
      }));
      // web-js stores the user's name as it came: "" from this API, the text "undefined" where the
      // field is missing (setItem of undefined); either is no name.
      assert.equal(written.DSLI, true);
      assert.ok(["", "undefined"].includes(written.name), written.name);

      const m = await mark(suite);
      await openFixture(page, apiUrl, apiUrl, projectId, "cookie");
      assert.equal(await page.evaluate(() => t.token()), "empty");
      assert.deepEqual(await page.evaluate(() => t.events.map((e) => `${e.type} ${e.userId}`)), [`restored ${userId}`]);
      assert.deepEqual((await since(suite, m)).map((e) => e.path), ["/v1/auth/try-refresh"]);
      assert.deepEqual((await page.evaluate(() => t.state())).lastUser, { loginId: login });
      assert.deepEqual(blocked, []);
    } finally {
      await context.close();
    }
  });
});
