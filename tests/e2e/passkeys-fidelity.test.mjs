// Passkey fidelity: Descope's own @descope/web-js-sdk (bundled with esbuild at test start) signs up
// with a passkey, signs in with it by login id, signs in discoverably (empty login id), and
// signs up-or-in, steps up (raw signIn.start with the refresh JWT), and adds a passkey from a second
// authenticator with update (the first is refused by excludeCredentials), and signs in through
// conditional UI (autofill) as Descope's web component does, against the emulator, in
// headless Chromium with a CDP virtual authenticator.
// The page is loaded from http://localhost:PORT (WebAuthn refuses IP addresses as rpId) while the
// emulator listens on 127.0.0.1. The emulator's control API must show the credential the
// authenticator holds, with the sign counter growing at every sign-in.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { join } from "node:path";
import { JWT_RE, WAIT, bundleWebJsSdk, localhostUrl, newIsolatedContext, recordConsole, uniqueEmail, useSuite } from "./helpers.mjs";

/** CDP's base64 (standard alphabet, padded) → base64url without padding, the emulator's form. */
const b64url = (s) => s.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

describe("passkeys fidelity: @descope/web-js-sdk with a virtual authenticator", () => {
  const getSuite = useSuite({
    needPkg: false,
    stage: (dir) => bundleWebJsSdk(join(dir, "vendor/web-js-sdk.js")),
  });

  it("webauthn.signUp → signIn(loginId) → signIn('') discoverable → signUpOrIn → step-up → update → autofill, with a growing sign counter", async () => {
    const suite = getSuite();
    const origin = localhostUrl(suite.url);
    assert.match(origin, /^http:\/\/localhost:\d+$/);
    const { context, blocked } = await newIsolatedContext(suite.browser, [origin]);
    const page = await context.newPage();
    const consoleLines = recordConsole(page);
    const cdp = await context.newCDPSession(page);
    await cdp.send("WebAuthn.enable", { enableUI: false });
    const { authenticatorId } = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: {
        protocol: "ctap2",
        ctap2Version: "ctap2_1",
        transport: "internal",
        hasResidentKey: true,
        hasUserVerification: true,
        isUserVerified: true,
        automaticPresenceSimulation: true,
      },
    });
    const held = async () => (await cdp.send("WebAuthn.getCredentials", { authenticatorId })).credentials;

    await page.goto(`${origin}/fixtures/fidelity.html`, { waitUntil: "load" });
    await page.waitForFunction(() => window.fidelityReady === true, undefined, WAIT);
    const { projectId } = await suite.emulator.config();
    const loginId = uniqueEmail("passkey");

    /** Runs one web-js-sdk webauthn call in the page; returns only non-secret facts. */
    const run = (call, arg) => page.evaluate(async ({ call, arg, projectId, baseUrl }) => {
      if (!fx.sdk) fx.sdk = fx.createSdk({ projectId, baseUrl, persistTokens: false, autoRefresh: false });
      const r = await fx.sdk.webauthn[call](...arg);
      if (!r.ok) return { ok: false, code: r.code, error: r.error };
      if (r.data.refreshJwt) fx.saved.refreshJwt = r.data.refreshJwt;
      const c = fx.isJwt(r.data.sessionJwt) ? fx.part(r.data.sessionJwt, 1) : {};
      return {
        ok: true,
        sessionIsJwt: fx.isJwt(r.data.sessionJwt),
        refreshIsJwt: fx.isJwt(r.data.refreshJwt),
        firstSeen: r.data.firstSeen,
        user: { userId: r.data.user?.userId, name: r.data.user?.name, email: r.data.user?.email, webauthn: r.data.user?.webauthn },
        claims: { sub: c.sub, amr: c.amr, drn: c.drn },
      };
    }, { call, arg, projectId, baseUrl: origin });

    // 0. the browser supports passkeys here (secure context, platform authenticator)
    const supported = await page.evaluate(async ({ projectId, baseUrl }) => {
      fx.sdk = fx.createSdk({ projectId, baseUrl, persistTokens: false, autoRefresh: false });
      return fx.sdk.webauthn.helpers.isSupported(true);
    }, { projectId, baseUrl: origin });
    assert.equal(supported, true, "web-js-sdk sees a user-verifying platform authenticator");

    // 1. sign up with a passkey
    const up = await run("signUp", [loginId, "Passkey Person"]);
    assert.equal(up.ok, true, `webauthn.signUp failed: ${JSON.stringify(up.error)}`);
    assert.equal(up.sessionIsJwt, true);
    assert.equal(up.refreshIsJwt, true);
    assert.equal(up.firstSeen, true);
    assert.deepEqual(up.user, { userId: up.claims.sub, name: "Passkey Person", email: loginId, webauthn: true });
    assert.deepEqual(up.claims.amr, ["webauthn"]);
    assert.equal(up.claims.drn, "DS");

    // the emulator stores exactly the credential the authenticator holds
    let creds = await held();
    assert.equal(creds.length, 1, "the authenticator holds one credential");
    assert.equal(creds[0].rpId, "localhost");
    assert.equal(creds[0].isResidentCredential, true, "a discoverable credential");
    let stored = await suite.emulator.webauthnCredentials(loginId);
    assert.equal(stored.length, 1, "the emulator stored one passkey");
    assert.equal(stored[0].id, b64url(creds[0].credentialId));
    assert.equal(stored[0].userId, up.user.userId);
    assert.equal(stored[0].alg, -7, "Chromium's virtual authenticator makes ES256 keys");
    assert.equal(stored[0].signCount, creds[0].signCount);
    assert.equal(JSON.stringify(stored).includes(creds[0].privateKey), false, "no key material listed");
    let last = stored[0].signCount;

    // 2. sign in by login id, 3. discoverably (empty login id), 4. sign up-or-in (sign-in branch)
    for (const [call, arg, what] of [
      ["signIn", [loginId], "signIn(loginId)"],
      ["signIn", [""], "discoverable signIn('')"],
      ["signUpOrIn", [loginId], "signUpOrIn(loginId)"],
    ]) {
      const r = await run(call, arg);
      assert.equal(r.ok, true, `${what} failed: ${JSON.stringify(r.error)}`);
      assert.equal(r.sessionIsJwt, true, what);
      assert.equal(r.firstSeen, false, what);
      assert.equal(r.claims.sub, up.user.userId, `${what} signs in the same user`);
      assert.deepEqual(r.claims.amr, ["webauthn"], what);
      creds = await held();
      stored = await suite.emulator.webauthnCredentials(loginId);
      assert.equal(stored.length, 1, what);
      assert.ok(stored[0].signCount > last, `${what}: the sign counter grows (${last} → ${stored[0].signCount})`);
      assert.equal(stored[0].signCount, creds[0].signCount, `${what}: the emulator has the authenticator's counter`);
      last = stored[0].signCount;
    }

    // what web-js-sdk sent: the page's origin, and finish bodies with a JSON response string
    const reqs = (await suite.emulator.requests()).filter((r) => r.path.startsWith("/v1/auth/webauthn/"));
    assert.deepEqual(reqs.map((r) => `${r.path} ${r.status}`), [
      "/v1/auth/webauthn/signup/start 200", "/v1/auth/webauthn/signup/finish 200",
      "/v1/auth/webauthn/signin/start 200", "/v1/auth/webauthn/signin/finish 200",
      "/v1/auth/webauthn/signin/start 200", "/v1/auth/webauthn/signin/finish 200",
      "/v1/auth/webauthn/signup-in/start 200", "/v1/auth/webauthn/signin/finish 200",
    ]);
    for (const r of reqs.filter((r) => r.path.endsWith("/start"))) assert.equal(r.body.origin, origin);
    assert.equal(reqs[2].body.loginId, loginId);
    assert.equal(reqs[4].body.loginId, "", "the discoverable sign-in sends an empty login id");
    for (const r of reqs.filter((r) => r.path.endsWith("/finish"))) {
      assert.equal(typeof r.body.transactionId, "string");
      assert.equal(typeof JSON.parse(r.body.response).response.clientDataJSON, "string");
    }

    // 5. step-up through the raw API (web-js's high-level signIn sends no loginOptions or token)
    const su = await page.evaluate(async ({ loginId }) => {
      const s = await fx.sdk.webauthn.signIn.start(loginId, window.location.origin, { stepup: true }, fx.saved.refreshJwt);
      if (!s.ok) return { ok: false, step: "start", code: s.code, error: s.error };
      const response = await fx.sdk.webauthn.helpers.get(s.data.options);
      const f = await fx.sdk.webauthn.signIn.finish(s.data.transactionId, response);
      if (!f.ok) return { ok: false, step: "finish", code: f.code, error: f.error };
      const c = fx.part(f.data.sessionJwt, 1);
      return { ok: true, create: s.data.create, su: c.su, sub: c.sub, amr: c.amr };
    }, { loginId });
    assert.equal(su.ok, true, `step-up failed: ${JSON.stringify(su)}`);
    assert.deepEqual(su, { ok: true, create: false, su: true, sub: up.user.userId, amr: ["webauthn"] });

    // 6. update with the same authenticator: excludeCredentials names its credential, so the
    // browser refuses to register it again (web-js's update rejects) and nothing is stored
    const again = await page.evaluate(async ({ loginId }) => {
      try {
        const r = await fx.sdk.webauthn.update(loginId, fx.saved.refreshJwt);
        return { threw: false, ok: r.ok, code: r.code };
      } catch (e) {
        return { threw: true, name: e && e.name, reason: e && e.reason };
      }
    }, { loginId });
    assert.equal(again.threw, true, `update with an excluded credential should fail: ${JSON.stringify(again)}`);
    assert.ok(again.name === "InvalidStateError" || again.reason === "authenticator_already_registered", JSON.stringify(again));
    assert.equal((await suite.emulator.webauthnCredentials(loginId)).length, 1);

    // 7. a new device (another authenticator) adds a passkey with update, then signs in discoverably with it
    await cdp.send("WebAuthn.removeVirtualAuthenticator", { authenticatorId });
    const second = await cdp.send("WebAuthn.addVirtualAuthenticator", {
      options: { protocol: "ctap2", ctap2Version: "ctap2_1", transport: "internal", hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    });
    const added = await page.evaluate(async ({ loginId }) => {
      const r = await fx.sdk.webauthn.update(loginId, fx.saved.refreshJwt);
      return { ok: r.ok, code: r.code, error: r.error, data: r.data };
    }, { loginId });
    assert.deepEqual(added, { ok: true, code: 200, error: undefined, data: {} }, "update answers {} without mfa");
    const secondCreds = (await cdp.send("WebAuthn.getCredentials", { authenticatorId: second.authenticatorId })).credentials;
    assert.equal(secondCreds.length, 1);
    stored = await suite.emulator.webauthnCredentials(loginId);
    assert.deepEqual(stored.map((c) => c.id).sort(), [b64url(creds[0].credentialId), b64url(secondCreds[0].credentialId)].sort());
    const viaNew = await run("signIn", [""]);
    assert.equal(viaNew.ok, true, `discoverable sign-in with the new passkey failed: ${JSON.stringify(viaNew.error)}`);
    assert.equal(viaNew.claims.sub, up.user.userId);

    // 8. autofill as Descope's web component does it: signIn.start('') once, then a conditional
    // (mediation: 'conditional') get behind a `username webauthn` input, then signIn.finish
    const autofill = await page.evaluate(async () => {
      const input = document.createElement("input");
      input.autocomplete = "username webauthn";
      document.body.append(input);
      input.focus();
      const s = await fx.sdk.webauthn.signIn.start("", window.location.origin);
      if (!s.ok) return { ok: false, step: "start", code: s.code };
      const response = await fx.sdk.webauthn.helpers.conditional(s.data.options, new AbortController());
      const f = await fx.sdk.webauthn.signIn.finish(s.data.transactionId, response);
      if (!f.ok) return { ok: false, step: "finish", code: f.code, error: f.error };
      return { ok: true, sub: fx.part(f.data.sessionJwt, 1).sub };
    });
    assert.deepEqual(autofill, { ok: true, sub: up.user.userId }, `autofill sign-in: ${JSON.stringify(autofill)}`);

    assert.equal(consoleLines.filter((l) => JWT_RE.test(l)).length, 0, "no token in the console");
    assert.deepEqual(blocked, [], "the page only contacted the emulator");
    await context.close();
  });
});
