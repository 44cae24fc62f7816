// The demo page (www-demo) end to end in headless Chromium: OTP sign-up-or-in through the page's
// dev inbox, user/roles/countdown, refresh, verify, step-up, reload, logout, "welcome back" (lastUser), an
// SMS flow, the cookie-mode switch, and the secret-hygiene check over every console message of the
// page (G10 in spec/faults.md).
import { beforeEach, describe, it } from "node:test";
import assert from "node:assert/strict";
import { JWT_RE, WAIT, redact, newIsolatedContext, recordConsole, uniqueEmail, uniquePhone, useSuite } from "./helpers.mjs";

describe("demo page", () => {
  const getSuite = useSuite();
  let suite;
  let context;
  let page;
  let blocked;
  const consoleLines = [];
  const codesSeen = [];
  const email = uniqueEmail("ada");
  const phone = uniquePhone();

  /** Every test first makes sure the suite (and the one page the flow runs in) is up. */
  beforeEach(async () => {
    suite = getSuite();
    if (!page) {
      ({ context, blocked } = await newIsolatedContext(suite.browser, suite.url));
      page = await context.newPage();
      recordConsole(page, consoleLines);
    }
  });

  /** The page's text and markup must never show a raw JWT. */
  async function assertNoJwtInPage(where) {
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    assert.ok(!JWT_RE.test(html), `a JWT-shaped string is in the page markup (${where})`);
  }

  /** Waits for an inbox code newer than the `before` count and returns it (never printed). */
  async function newestInboxCode(beforeCount) {
    await page.waitForFunction(
      (n) => document.querySelectorAll('[data-testid="inbox-code"]').length > n,
      beforeCount,
      WAIT,
    );
    const code = (await page.locator('[data-testid="inbox-code"]').first().textContent()).trim();
    assert.ok(/^\d{6}$/.test(code), "the dev inbox shows a 6-digit code");
    codesSeen.push(code);
    return code;
  }

  const inboxCount = () => page.locator('[data-testid="inbox-code"]').count();

  it("loads, shows the hint and the project id, and starts signed out", async () => {
    await page.goto(suite.url + "/", { waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    const hint = await page.locator("#hint").textContent();
    assert.match(hint, /Dev inbox/);
    const config = await suite.emulator.config();
    assert.equal((await page.locator("#project-id").textContent()).trim(), config.projectId);
  });

  it("email OTP: sign-up-or-in, code from the dev inbox, wrong code shows the error, verify shows user, roles, countdown", async () => {
    await suite.emulator.createUser({ loginId: email, email, name: "Ada Lovelace", roleNames: ["admin", "viewer"] });

    await page.check("#method-email");
    await page.fill("#login-id", email);
    const before = await inboxCount();
    await page.click("#send-code");
    await page.waitForSelector("#verify-panel:not([hidden])", WAIT);
    const masked = (await page.locator("#masked").textContent()).trim();
    assert.ok(masked.length > 0 && masked !== email, "a masked address is shown instead of the email");
    assert.ok(masked.includes("@"), "the masked email keeps its @");

    const code = await newestInboxCode(before);
    const outboxCode = await suite.emulator.latestCode(email);
    assert.ok(code === outboxCode, "the dev inbox shows the code the emulator sent");

    // A wrong code surfaces the DescopeError's code and description.
    await page.fill("#code", code === "000000" ? "111111" : "000000");
    await page.click("#verify");
    await page.waitForSelector("#error:not([hidden])", WAIT);
    assert.equal((await page.locator("#error-code").textContent()).trim(), "E061102");
    assert.ok((await page.locator("#error-description").textContent()).trim().length > 0, "an error description is shown");
    assert.equal(await page.getAttribute("body", "data-state"), "signedOut");

    // Clicking the inbox code fills it in.
    await page.locator('[data-testid="inbox-code"]').first().click();
    assert.ok((await page.inputValue("#code")) === code, "clicking the inbox code fills the code field");
    await page.click("#verify");
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
    assert.ok(await page.locator("#error").isHidden(), "the error box is cleared after a successful verify");

    await page.locator("#user-email", { hasText: email }).waitFor(WAIT);
    assert.equal((await page.locator("#user-name").textContent()).trim(), "Ada Lovelace");
    assert.match((await page.locator("#user-id").textContent()).trim(), /^\S+$/);
    const roles = (await page.locator("#roles").textContent()).split(",").map((r) => r.trim());
    assert.ok(roles.includes("admin") && roles.includes("viewer"), `roles shown: ${roles.join(", ")}`);
    assert.match(await page.locator("#amr").textContent(), /email/);
    assert.equal((await page.locator("#stepup").textContent()).trim(), "stepUp: false");

    const claims = JSON.parse(await page.locator("#claims").textContent());
    assert.equal(claims.sub, (await page.locator("#user-id").textContent()).trim());
    assert.deepEqual([...claims.roles].sort(), ["admin", "viewer"]);
    assert.equal(typeof claims.exp, "number");

    // The countdown shows m:ss within the session TTL and ticks down.
    const config = await suite.emulator.config();
    const first = (await page.locator("#countdown").textContent()).trim();
    const m = /^(?:(\d+):)?(\d+):(\d\d)$/.exec(first);
    assert.ok(m, `countdown looks like m:ss (got ${first})`);
    const secs = Number(m[1] || 0) * 3600 + Number(m[2]) * 60 + Number(m[3]);
    assert.ok(secs > 0 && secs <= config.sessionTtlSeconds + 5, `countdown ${secs}s within the TTL ${config.sessionTtlSeconds}s`);
    await page.waitForFunction((prev) => document.getElementById("countdown").textContent.trim() !== prev, first, WAIT);

    await assertNoJwtInPage("after sign-in");
  });

  it("Refresh button calls refresh() and keeps the user signed in", async () => {
    const count = async () =>
      (await suite.emulator.requests()).filter((r) => r.path.split("?")[0] === "/v1/auth/refresh" && r.status === 200).length;
    const before = await count();
    await page.click("#refresh");
    await page.locator("#notice", { hasText: "refreshed" }).waitFor(WAIT);
    assert.ok((await page.locator("#error").isHidden()), "no error after refresh");
    assert.ok((await count()) > before, "a successful POST /v1/auth/refresh reached the emulator");
    await page.waitForSelector('#last-event[data-type="refreshed"]', WAIT);
    assert.equal(await page.getAttribute("body", "data-state"), "signedIn");
    await page.locator("#user-email", { hasText: email }).waitFor(WAIT);
  });

  it("Verify shows the verified claims, and a rejection's kind and code", async () => {
    const { projectId } = await suite.emulator.config();
    const keysPath = `/v2/keys/${projectId}`;
    const keyFetches = async () => (await suite.emulator.requests()).filter((r) => r.path === keysPath).length;
    const verify = async (state) => {
      await page.click("#verify-session");
      await page.waitForSelector(`#verify-result:not([hidden])[data-state="${state}"]`, WAIT);
      return (await page.locator("#verify-status").textContent()).trim();
    };
    const before = await keyFetches();
    assert.match(await verify("verified"), /^Verified/);
    const claims = JSON.parse(await page.locator("#verified-claims").textContent());
    assert.equal(claims.drn, "DS");
    assert.equal(claims.sub, (await page.locator("#user-id").textContent()).trim());
    assert.ok((await keyFetches()) > before, "the project's keys were fetched");
    assert.ok(await page.locator("#error").isHidden(), "no error");

    // A reloaded page (an empty key cache) gets a JWKS whose key of the token's kid is another one.
    const jwks = await (await fetch(suite.url + keysPath)).json();
    const wrong = jwks.keys.map((k) => ({ ...k, n: k.n.slice(0, 40) + (k.n[40] === "A" ? "B" : "A") + k.n.slice(41) }));
    const fault = await fetch(suite.url + "/emulator/faults", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ path: keysPath, status: 200, body: { keys: wrong }, times: 1 }),
    });
    assert.equal(fault.status, 200);
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
    assert.match(await verify("rejected"), /^Rejected \(unauthenticated \/ invalidToken\): .*signature/);
    assert.ok(await page.locator("#verified-claims").isHidden(), "no claims shown for a rejected token");
    // A fresh page with the real keys verifies again.
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
    assert.match(await verify("verified"), /^Verified/);
    await assertNoJwtInPage("after verify");
  });

  it("Step-up sends a new code and, once verified, shows stepUp: true", async () => {
    const before = await inboxCount();
    await page.click("#stepup-button");
    await page.waitForSelector("#verify-panel:not([hidden])", WAIT);
    assert.ok(await page.locator("#verify-purpose").isVisible(), "the verify panel says step-up");
    const code = await newestInboxCode(before);
    await page.locator('[data-testid="inbox-code"]').first().click();
    assert.ok((await page.inputValue("#code")) === code, "the step-up code is filled in");
    await page.click("#verify");
    await page.locator("#stepup", { hasText: "stepUp: true" }).waitFor(WAIT);
    assert.ok(await page.locator("#verify-panel").isHidden(), "the verify panel closes");
    const claims = JSON.parse(await page.locator("#claims").textContent());
    assert.equal(claims.su, true);
    await page.locator("#user-email", { hasText: email }).waitFor(WAIT);
    await assertNoJwtInPage("after step-up");

    // The step-up sign-in carried the refresh JWT (Bearer <projectId>:<refreshJwt>).
    const config = await suite.emulator.config();
    const stepReq = (await suite.emulator.requests())
      .filter((r) => r.path.split("?")[0] === "/v1/auth/otp/signin/email")
      .at(-1);
    assert.ok(stepReq, "the step-up sign-in reached the emulator");
    const headers = Object.fromEntries(Object.entries(stepReq.headers || {}).map(([k, v]) => [k.toLowerCase(), v]));
    const auth = String(headers.authorization || "");
    // (the emulator's request log may redact the token part; either way a token part must be there)
    const prefix = `Bearer ${config.projectId}:`;
    assert.ok(auth.startsWith(prefix) && auth.length > prefix.length, "step-up sign-in sent Bearer <projectId>:<refreshJwt>");
  });

  it("a reload keeps the user signed in (restored from localStorage)", async () => {
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
    await page.locator("#user-email", { hasText: email }).waitFor(WAIT);
    const roles = (await page.locator("#roles").textContent()).split(",").map((r) => r.trim());
    assert.ok(roles.includes("admin"), "roles are shown after a reload");
    const countdown = (await page.locator("#countdown").textContent()).trim();
    assert.match(countdown, /^\d+:\d\d(:\d\d)?$/);
    await assertNoJwtInPage("after reload");
  });

  it("Log out signs out and leaves no DS/DSR keys in localStorage", async () => {
    await page.click("#logout");
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    await page.locator("#notice", { hasText: "Signed out" }).waitFor(WAIT);
    assert.ok(await page.locator("#session-panel").isHidden(), "the session panel is hidden");
    const keys = await page.evaluate(() => Object.keys(localStorage));
    const leftovers = keys.filter((k) => k === "DS" || k === "DSR" || k.endsWith("DS") || k.endsWith("DSR"));
    assert.deepEqual(leftovers, [], "no session or refresh key left in localStorage");
    const logouts = (await suite.emulator.requests()).filter((r) => r.path.split("?")[0] === "/v1/auth/logout");
    assert.ok(logouts.length >= 1 && logouts.at(-1).status === 200, "POST /v1/auth/logout answered 200");

    // And it stays signed out across a reload.
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
  });

  it("welcome back: signed out, the page greets the last user by name (lastUser), also after a reload", async () => {
    await page.locator("#welcome-name", { hasText: "Ada Lovelace" }).waitFor(WAIT);
    assert.equal((await page.locator("#welcome-name").textContent()).trim(), `Ada Lovelace (${email})`);
    // Descope's own keys: the last user is kept after logout, the login indicator is not.
    const stored = await page.evaluate(() =>
      ["dls_last_user_login_id", "dls_last_user_display_name", "DSLI"].map((k) => localStorage.getItem(k)));
    assert.deepEqual(stored, [email, "Ada Lovelace", null]);
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    await page.locator("#welcome-name", { hasText: "Ada Lovelace" }).waitFor(WAIT);
    assert.equal(await page.inputValue("#login-id"), email, "the sign-in form starts with the last login id");
  });

  it("SMS OTP: a new user signs up with a phone number", async () => {
    await page.check("#method-sms");
    await page.fill("#login-id", phone);
    const before = await inboxCount();
    await page.click("#send-code");
    await page.waitForSelector("#verify-panel:not([hidden])", WAIT);
    const masked = (await page.locator("#masked").textContent()).trim();
    assert.ok(masked.length > 0 && masked !== phone, "a masked phone number is shown");
    const messages = await suite.emulator.outbox(phone);
    assert.equal(messages.at(-1).channel, "sms");

    const code = await newestInboxCode(before);
    await page.locator('[data-testid="inbox-code"]').first().click();
    assert.ok((await page.inputValue("#code")) === code, "the sms code is filled in");
    await page.click("#verify");
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
    await page.locator("#user-phone", { hasText: phone }).waitFor(WAIT);
    assert.match(await page.locator("#amr").textContent(), /sms/);
    assert.equal((await page.locator("#roles").textContent()).trim(), "(none)");
    await assertNoJwtInPage("after sms sign-in");

    await page.click("#logout");
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
  });

  it("voice and WhatsApp: the code goes to the phone by that channel and shows in the dev inbox", async () => {
    for (const method of ["voice", "whatsapp"]) {
      const number = uniquePhone();
      await page.check(`#method-${method}`);
      assert.equal((await page.locator("#login-id-label").textContent()).trim(), "Phone number (E.164)");
      await page.fill("#login-id", number);
      await page.click("#send-code");
      await page.waitForSelector("#verify-panel:not([hidden])", WAIT);
      await page.locator("#notice", { hasText: "Code sent" }).waitFor(WAIT);
      const masked = (await page.locator("#masked").textContent()).trim();
      assert.ok(masked.length > 0 && masked !== number, `${method}: a masked phone number is shown`);
      await page.locator('[data-testid="inbox-message"]', { hasText: number }).first().waitFor(WAIT);
      const head = await page.locator('[data-testid="inbox-message"]').first().textContent();
      assert.ok(head.startsWith(`${method} ·`), `${method}: the inbox shows the ${method} channel`);
      const code = (await page.locator('[data-testid="inbox-code"]').first().textContent()).trim();
      codesSeen.push(code);
      assert.ok(code === (await suite.emulator.latestCode(number)), `${method}: the inbox shows the sent code`);
      await page.click("#verify-cancel");
      await page.waitForSelector("#verify-panel", { ...WAIT, state: "hidden" });
    }
    await page.check("#method-email");
  });

  it("cookie mode: the switch reloads the page against the emulator in cookie mode; sign-in, reload (one try-refresh) and logout keep every token out of the page", async () => {
    const grace = uniqueEmail("grace");
    await suite.emulator.createUser({ loginId: grace, email: grace, name: "Grace Hopper" });
    try {
      await Promise.all([page.waitForEvent("load", WAIT), page.check("#cookie-mode")]);
      await page.locator("#mode-note", { hasText: "HttpOnly" }).waitFor(WAIT);
      assert.equal((await suite.emulator.config()).tokenResponseMethod, "cookies");
      assert.equal(await page.isChecked("#cookie-mode"), true);
      await page.waitForSelector('body[data-state="signedOut"]', WAIT);

      await page.check("#method-email");
      await page.fill("#login-id", grace);
      const before = await inboxCount();
      await page.click("#send-code");
      await page.waitForSelector("#verify-panel:not([hidden])", WAIT);
      await newestInboxCode(before);
      await page.locator('[data-testid="inbox-code"]').first().click();
      await page.click("#verify");
      await page.waitForSelector('body[data-state="signedIn"]', WAIT);
      await page.locator("#user-name", { hasText: "Grace Hopper" }).waitFor(WAIT);
      assert.equal(JSON.parse(await page.locator("#claims").textContent()).drn, "DS", "the session is known from the claims");

      // No token in the page: not in storage, not in document.cookie; the browser holds them HttpOnly.
      const exposed = await page.evaluate(() => {
        const values = Object.keys(localStorage).map((k) => localStorage.getItem(k) || "");
        return { storage: values.filter((v) => /eyJ[\w-]+\.[\w-]+\.[\w-]+/.test(v)).length, documentCookie: document.cookie };
      });
      assert.deepEqual(exposed, { storage: 0, documentCookie: "" });
      const jar = (await context.cookies(suite.url)).filter((c) => c.name === "DS" || c.name === "DSR");
      assert.deepEqual(jar.map((c) => `${c.name} ${c.httpOnly}`).sort(), ["DS true", "DSR true"]);

      // A reload restores the session from the cookie with one try-refresh (no refresh).
      const mark = (await suite.emulator.requests()).length;
      await page.reload({ waitUntil: "load" });
      await page.waitForSelector('body[data-state="signedIn"]', WAIT);
      await page.locator("#user-email", { hasText: grace }).waitFor(WAIT);
      const paths = (await suite.emulator.requests()).slice(mark).map((r) => r.path);
      assert.equal(paths.filter((p) => p === "/v1/auth/try-refresh").length, 1);
      assert.equal(paths.filter((p) => p === "/v1/auth/refresh").length, 0);
      assert.equal(paths[0], "/v1/auth/try-refresh", "the restore is the first request");
      await assertNoJwtInPage("cookie mode");

      await page.click("#logout");
      await page.waitForSelector('body[data-state="signedOut"]', WAIT);
      assert.deepEqual((await context.cookies(suite.url)).filter((c) => c.name === "DS" || c.name === "DSR"), [], "the API expired both cookies");
      await page.locator("#welcome-name", { hasText: "Grace Hopper" }).waitFor(WAIT);

      // And back: the switch returns the emulator to tokens in the body.
      await Promise.all([page.waitForEvent("load", WAIT), page.uncheck("#cookie-mode")]);
      await page.locator("#mode-note", { hasText: "localStorage" }).waitFor(WAIT);
      assert.equal((await suite.emulator.config()).tokenResponseMethod, "body");
    } finally {
      await suite.emulator.setConfig({ tokenResponseMethod: null });
    }
  });

  it("secret hygiene: no console message carries a JWT or an OTP code, and nothing left 127.0.0.1", async () => {
    assert.ok(codesSeen.length >= 3, "the flow above saw its codes");
    const jwtHits = consoleLines.filter((l) => JWT_RE.test(l)).length;
    assert.equal(jwtHits, 0, `${jwtHits} console message(s) contain a JWT-shaped string`);
    const codeHits = consoleLines.filter((l) => codesSeen.some((c) => l.includes(c))).length;
    assert.equal(codeHits, 0, `${codeHits} console message(s) contain an OTP code`);
    const pageErrors = consoleLines.filter((l) => l.startsWith("pageerror:"));
    assert.equal(pageErrors.length, 0, `uncaught page errors:\n${redact(pageErrors.join("\n"), codesSeen)}`);
    assert.deepEqual(blocked, [], "the page only contacted the emulator");
  });

  it("secret hygiene: the emulator's own log lines carry no JWT or OTP code", async () => {
    const lines = suite.emulator.log;
    assert.ok(lines.some((l) => l.includes("/v1/auth/otp/verify/email")), "the emulator logged the requests");
    assert.equal(lines.filter((l) => JWT_RE.test(l)).length, 0, "no JWT-shaped string in the emulator log");
    assert.equal(lines.filter((l) => codesSeen.some((c) => l.includes(c))).length, 0, "no OTP code in the emulator log");
  });
});
