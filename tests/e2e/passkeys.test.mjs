// Passkeys end to end: descope-wasm's `descope.webauthn` in headless Chromium with a CDP virtual
// authenticator against the emulator's relying party. Pages load from http://localhost:PORT
// (WebAuthn refuses IP addresses as relying-party ids; the emulator listens on 127.0.0.1).
// - the SDK from fixtures/passkeys.html: every method, the wire bodies, autofill, cancellation;
// - the demo page's Passkey tab, as a newcomer uses it: create a passkey, sign in with it, sign in
//   from the email field's autofill, add a second passkey while signed in, step up with a passkey.
// Tokens are never returned from the page; the console is checked for JWT-shaped strings.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JWT_RE, WAIT, localhostUrl, newIsolatedContext, recordConsole, uniqueEmail, useSuite } from "./helpers.mjs";

/** Chromium's virtual platform authenticator (passkeys-cookies.md §1.6). */
const AUTHENTICATOR = {
  protocol: "ctap2",
  ctap2Version: "ctap2_1",
  transport: "internal",
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
};

/** CDP's base64 (standard alphabet, padded) → base64url without padding, the emulator's form. */
const b64url = (s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("passkeys: descope.webauthn with a virtual authenticator", () => {
  const getSuite = useSuite();
  const consoleLines = [];
  const blockedAll = [];

  /** A fresh context (own storage, own authenticator) with `path` loaded from localhost. */
  async function open(suite, path) {
    const origin = localhostUrl(suite.url);
    const { context, blocked } = await newIsolatedContext(suite.browser, [origin]);
    suite.cleanups.push(() => { blockedAll.push(...blocked); return context.close(); });
    const page = await context.newPage();
    recordConsole(page, consoleLines);
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable", { enableUI: false });
    const auth = { id: (await cdp.send("WebAuthn.addVirtualAuthenticator", { options: AUTHENTICATOR })).authenticatorId };
    await page.goto(origin + path, { waitUntil: "load" });
    /** The credentials the current authenticator holds. */
    const held = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId: auth.id })).credentials;
    /** Replaces the authenticator by a new one ("another device"). */
    const swap = async () => {
      await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId: auth.id });
      auth.id = (await cdp.send("WebAuthn.addVirtualAuthenticator", { options: AUTHENTICATOR })).authenticatorId;
    };
    return { context, page, cdp, auth, held, swap, origin };
  }

  async function openFixture(suite, query = "") {
    const o = await open(suite, `/fixtures/passkeys.html${query}`);
    await o.page.waitForFunction(() => window.pkReady === true, undefined, WAIT);
    return o;
  }

  /** The emulator's log of passkey requests since `from` entries. */
  async function passkeyLog(suite, from = 0) {
    return (await suite.emulator.requests()).slice(from).filter((r) => String(r.path).startsWith("/v1/auth/webauthn/"));
  }
  const logLength = async (suite) => (await suite.emulator.requests()).length;
  const route = (r) => `${r.path} ${r.status}`;

  it("signUp, signIn by login id, discoverable signIn, signUpOrIn, update and step-up send Descope's bodies", async () => {
    const suite = getSuite();
    const { page, held, swap, origin } = await openFixture(suite);
    const loginId = uniqueEmail("pk");
    const run = (method, ...args) => page.evaluate(([m, a]) => window.pk.run(m, ...a), [method, args]);

    assert.equal(await page.evaluate(() => window.pk.client.webauthn.isSupported()), true);
    let from = await logLength(suite);

    // sign up: a new user with a passkey; name shown by the authenticator defaults to the login id
    const up = await run("signUp", loginId, "Passkey Person");
    assert.equal(up.ok, true, `signUp: ${JSON.stringify(up)}`);
    assert.equal(up.isJwt, true);
    assert.deepEqual(up.amr, ["webauthn"]);
    assert.equal(up.email, loginId);
    assert.equal(up.name, "Passkey Person");
    let creds = await held();
    assert.equal(creds.length, 1, "the authenticator holds the new passkey");
    assert.equal(creds[0].rpId, "localhost");
    assert.equal(creds[0].isResidentCredential, true, "a discoverable passkey");
    let stored = await suite.emulator.webauthnCredentials(loginId);
    assert.deepEqual(stored.map((c) => c.id), [b64url(creds[0].credentialId)], "the emulator stored that passkey");
    let log = await passkeyLog(suite, from);
    assert.deepEqual(log.map(route), ["/v1/auth/webauthn/signup/start 200", "/v1/auth/webauthn/signup/finish 200"]);
    assert.deepEqual(log[0].body, { user: { loginId, name: "Passkey Person" }, origin }, "web-js's sign-up body");
    assert.equal(log[0].headers.authorization.includes(":"), false, "sign-up sends no refresh JWT");
    assert.deepEqual(Object.keys(log[1].body).sort(), ["response", "transactionId"]);
    const sent = JSON.parse(log[1].body.response);
    assert.equal(sent.type, "public-key");
    assert.equal(sent.id, sent.rawId);
    assert.equal(typeof sent.response.attestationObject, "string");
    assert.equal(typeof sent.response.clientDataJSON, "string");
    assert.equal(JSON.parse(Buffer.from(sent.response.clientDataJSON, "base64url")).origin, origin);

    // sign in by login id, then with no login id (discoverable: loginId ""), then sign up or in
    for (const [method, args, body] of [
      ["signIn", [loginId], { loginId, origin }],
      ["signIn", [], { loginId: "", origin }],
      ["signUpOrIn", [loginId], { loginId, origin }],
    ]) {
      from = await logLength(suite);
      const r = await run(method, ...args);
      assert.equal(r.ok, true, `${method}(${args}): ${JSON.stringify(r)}`);
      assert.equal(r.userId, up.userId, `${method} signs in the same user`);
      assert.deepEqual(r.amr, ["webauthn"]);
      log = await passkeyLog(suite, from);
      const start = method === "signIn" ? "signin" : "signup-in";
      assert.deepEqual(log.map(route), [`/v1/auth/webauthn/${start}/start 200`, "/v1/auth/webauthn/signin/finish 200"]);
      assert.deepEqual(log[0].body, body);
      const assertion = JSON.parse(log[1].body.response);
      assert.equal(typeof assertion.response.signature, "string");
      assert.equal(typeof assertion.response.authenticatorData, "string");
    }
    assert.ok((await suite.emulator.webauthnCredentials(loginId))[0].signCount >= 3, "the sign counter grew");

    // update: this authenticator already holds the user's passkey (excludeCredentials)
    from = await logLength(suite);
    const again = await run("update", loginId);
    assert.deepEqual([again.kind, again.code], ["validation", "passkeyExists"], JSON.stringify(again));
    log = await passkeyLog(suite, from);
    assert.deepEqual(log.map(route), ["/v1/auth/webauthn/update/start 200"], "no finish after the refusal");
    assert.match(log[0].headers.authorization, /^Bearer \w+:<redacted>$/, "update sends the refresh JWT");
    assert.deepEqual(log[0].body, { loginId, origin });

    // another device adds a second passkey to the signed-in user
    await swap();
    from = await logLength(suite);
    const added = await run("update", loginId);
    assert.deepEqual(added, { ok: true, value: "undefined" }, "update resolves to undefined");
    log = await passkeyLog(suite, from);
    assert.deepEqual(log.map(route), ["/v1/auth/webauthn/update/start 200", "/v1/auth/webauthn/update/finish 200"]);
    creds = await held();
    stored = await suite.emulator.webauthnCredentials(loginId);
    assert.equal(stored.length, 2, "the user has two passkeys");
    assert.ok(stored.some((c) => c.id === b64url(creds[0].credentialId)), "one of them is the new device's");
    assert.equal((await page.evaluate(() => window.pk.current())).userId, up.userId, "the session is kept");

    // step-up with the new device's passkey: the refresh JWT goes along, the session says stepUp
    from = await logLength(suite);
    const su = await run("signIn", loginId, { stepup: true });
    assert.equal(su.ok, true, JSON.stringify(su));
    assert.equal(su.stepUp, true);
    assert.equal(su.userId, up.userId);
    assert.ok(su.amr.includes("webauthn"));
    log = await passkeyLog(suite, from);
    assert.match(log[0].headers.authorization, /^Bearer \w+:<redacted>$/, "step-up sends the refresh JWT");
    assert.deepEqual(log[0].body, { loginId, origin, loginOptions: { stepup: true } });
    assert.equal((await page.evaluate(() => window.pk.current())).stepUp, true, "the stepped-up session is current");
  });

  it("signUpOrIn of a new login id creates the user (create: true → signup/finish)", async () => {
    const suite = getSuite();
    const { page } = await openFixture(suite);
    const loginId = uniqueEmail("pk-new");
    const from = await logLength(suite);
    const r = await page.evaluate((id) => window.pk.run("signUpOrIn", id), loginId);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.email, loginId);
    const log = await passkeyLog(suite, from);
    assert.deepEqual(log.map(route), ["/v1/auth/webauthn/signup-in/start 200", "/v1/auth/webauthn/signup/finish 200"]);
    assert.deepEqual(await page.evaluate(() => window.pk.events), ["signedIn"]);
  });

  it("autofill: the username field offers the passkey and picking it signs in (signin/start with loginId \"\")", async () => {
    const suite = getSuite();
    const { page, origin } = await openFixture(suite, "?field=1");
    const loginId = uniqueEmail("pk-auto");
    const up = await page.evaluate((id) => window.pk.run("signUp", id), loginId);
    assert.equal(up.ok, true, JSON.stringify(up));
    await page.evaluate(() => window.pk.client.logout());
    const from = await logLength(suite);
    await page.focus("#username");
    const r = await page.evaluate(() => window.pk.autofill().done);
    assert.equal(r.ok, true, JSON.stringify(r));
    assert.equal(r.userId, up.userId);
    const log = await passkeyLog(suite, from);
    assert.deepEqual(log.map(route), ["/v1/auth/webauthn/signin/start 200", "/v1/auth/webauthn/signin/finish 200"]);
    assert.deepEqual(log[0].body, { loginId: "", origin });
  });

  it("cancellation: an aborted autofill, a signal aborted before the call, and a failed user verification reject with kind aborted", async () => {
    const suite = getSuite();
    const { page, cdp, auth } = await openFixture(suite);
    const loginId = uniqueEmail("pk-cancel");
    const up = await page.evaluate((id) => window.pk.run("signUp", id), loginId);
    assert.equal(up.ok, true, JSON.stringify(up));
    // The virtual authenticator answers a conditional request by itself; without simulated user
    // presence it waits, like a user who has not picked a passkey yet.
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId: auth.id, enabled: false });

    // 1. autofill waiting for the user, then its signal fires
    let from = await logLength(suite);
    const aborted = await page.evaluate(async () => {
      const a = window.pk.autofill();
      await new Promise((r) => setTimeout(r, 500));
      const settled = await Promise.race([a.done.then(() => "settled"), new Promise((r) => setTimeout(() => r("waiting"), 0))]);
      const t0 = performance.now();
      a.ctrl.abort();
      const result = await a.done;
      return { before: settled, result, ms: performance.now() - t0 };
    });
    assert.equal(aborted.before, "waiting", "autofill waits for the user");
    assert.deepEqual([aborted.result.kind, aborted.result.code, aborted.result.isDescopeError], ["aborted", "aborted", true]);
    assert.ok(aborted.ms < 1000, `rejected at once (${Math.round(aborted.ms)} ms)`);
    let log = await passkeyLog(suite, from);
    assert.deepEqual(log.map(route), ["/v1/auth/webauthn/signin/start 200"], "no finish");

    // 2. a custom abort reason is still kind aborted
    const custom = await page.evaluate(async () => {
      const a = window.pk.autofill();
      await new Promise((r) => setTimeout(r, 300));
      a.ctrl.abort(new Error("the form went away"));
      return a.done;
    });
    assert.deepEqual([custom.kind, custom.code], ["aborted", "aborted"]);

    // 3. already aborted: rejects with no request at all
    from = await logLength(suite);
    const early = await page.evaluate(() => {
      const ctrl = new AbortController();
      ctrl.abort();
      return window.pk.client.webauthn.autofill({ signal: ctrl.signal }).then(() => ({ ok: true }), (e) => ({ kind: e.kind, code: e.code }));
    });
    assert.deepEqual(early, { kind: "aborted", code: "aborted" });
    assert.deepEqual(await passkeyLog(suite, from), [], "no request");

    // 4. the user fails verification (as when the prompt is dismissed): NotAllowedError
    await cdp.send("WebAuthn.setAutomaticPresenceSimulation", { authenticatorId: auth.id, enabled: true });
    await cdp.send("WebAuthn.setUserVerified", { authenticatorId: auth.id, isUserVerified: false });
    from = await logLength(suite);
    const denied = await page.evaluate((id) => window.pk.run("signIn", id), loginId);
    assert.deepEqual([denied.kind, denied.code], ["aborted", "notAllowed"], JSON.stringify(denied));
    assert.equal(denied.retryable, false);
    log = await passkeyLog(suite, from);
    assert.deepEqual(log.map(route), ["/v1/auth/webauthn/signin/start 200"], "no finish");
    assert.equal((await page.evaluate(() => window.pk.current())).userId, up.userId, "the session survived");
  });

  it("demo page: the Passkey tab signs up, signs in, signs in from autofill, adds a passkey and steps up", async () => {
    const suite = getSuite();
    const { page, swap } = await open(suite, "/");
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    const loginId = uniqueEmail("pk-demo");
    const signedIn = async () => {
      await page.waitForSelector('body[data-state="signedIn"]', WAIT);
      assert.ok(await page.locator("#error").isHidden(), `no error: ${await page.locator("#error").textContent()}`);
      assert.ok((await page.locator("#amr").textContent()).includes("webauthn"), "signed in with a passkey");
    };
    const logout = async () => {
      await page.click("#logout");
      await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    };

    await page.click("#tab-passkey");
    await page.waitForSelector("#panel-passkey:not([hidden])", WAIT);
    assert.ok(await page.locator("#pk-unsupported").isHidden(), "passkeys are usable on localhost");
    assert.equal(await page.getAttribute("#pk-login-id", "autocomplete"), "username webauthn");

    // 1. create a passkey
    await page.fill("#pk-login-id", loginId);
    await page.click("#pk-signup");
    await signedIn();
    await page.locator("#user-email", { hasText: loginId }).waitFor(WAIT);
    await logout();

    // 2. sign in with it (the email stays in the field)
    await page.click("#tab-passkey");
    await page.click("#pk-signin");
    await signedIn();
    await logout();

    // 3. add a second passkey while signed in: first the same device (refused), then another one
    await page.click("#tab-passkey");
    // Emptied without focusing it: focus would start the autofill, which this authenticator
    // answers by itself (step 5).
    await page.$eval("#pk-login-id", (el) => { el.value = ""; });
    await page.click("#pk-signin"); // no email: the device offers its passkey
    await signedIn();
    await page.click("#pk-add");
    await page.waitForSelector("#error:not([hidden])", WAIT);
    assert.equal((await page.locator("#error-code").textContent()).trim(), "passkeyExists");
    await page.click("#error-dismiss");
    await swap();
    await page.click("#pk-add");
    await page.locator("#notice", { hasText: "Passkey added" }).waitFor(WAIT);
    assert.equal((await suite.emulator.webauthnCredentials(loginId)).length, 2);

    // 4. step up with a passkey (the new device's)
    assert.equal(await page.locator("#stepup").getAttribute("data-value"), "false");
    await page.click("#pk-stepup");
    await page.waitForSelector('#stepup[data-value="true"]', WAIT);
    await logout();

    // 5. sign in from the email field's autofill: focusing it offers the passkey, picking it signs in
    await page.click("#tab-passkey");
    const from = await logLength(suite);
    await page.focus("#pk-login-id");
    await signedIn();
    await page.locator("#notice", { hasText: "autofill" }).waitFor(WAIT);
    const log = await passkeyLog(suite, from);
    assert.equal(log[0].path, "/v1/auth/webauthn/signin/start");
    assert.equal(log[0].body.loginId, "", "autofill signs in discoverably");
  });

  it("demo page opened by IP address says to open it on localhost", async () => {
    const suite = getSuite();
    const { context, blocked } = await newIsolatedContext(suite.browser, [suite.url]);
    suite.cleanups.push(() => { blockedAll.push(...blocked); return context.close(); });
    const page = await context.newPage();
    await page.goto(suite.url + "/", { waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    await page.click("#tab-passkey");
    const hint = page.locator("#pk-unsupported");
    await hint.waitFor(WAIT);
    assert.match(await hint.textContent(), /http:\/\/localhost:\d+\//);
  });

  it("no JWT in any console message, no page error, only the emulator contacted", async () => {
    getSuite();
    assert.deepEqual(consoleLines.filter((l) => JWT_RE.test(l)), []);
    assert.deepEqual(consoleLines.filter((l) => l.startsWith("pageerror")), []);
    assert.deepEqual(blockedAll, []);
  });
});
