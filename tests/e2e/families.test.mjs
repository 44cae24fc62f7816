// Every sign-in family of the demo page (www-demo) end to end in headless Chromium against the
// emulator: magic link through the dev inbox link, enchanted link (inbox button, new tab, cancel),
// OAuth and SSO redirect round trips, TOTP with the QR image, password (sign-up, sign-in, wrong
// password, reset link, update), NOTP through the Simulate button, tenant selection and login
// history; then the secret-hygiene check (G10 in spec/faults.md) over all of these flows.
//
// A family the SDK build does not have yet shows no tab on the page; its test then reports `todo`
// with that reason (counted as "# todo", not as a failure) instead of failing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { JWT_RE, WAIT, redact, newIsolatedContext, recordConsole, uniqueEmail, uniquePhone, useSuite } from "./helpers.mjs";

const NOTP_DEFAULT = "+15550100000"; // the emulator's NOTP user when no phone is given
const STRONG = "Correct-Horse-7";    // meets the emulator's policy (8+, lower, upper, digit)
const STRONGER = "Battery-Staple-9";

describe("demo page: sign-in families", () => {
  const getSuite = useSuite();
  const consoleLines = [];
  const secrets = new Set(); // codes, link tokens, OAuth/SSO codes, passwords seen by the flows
  const blockedAll = [];
  let flows = 0;

  /** A fresh browser context (own storage) with the demo page loaded and signed out. */
  async function openDemo(suite, path = "/") {
    const { context, blocked } = await newIsolatedContext(suite.browser, suite.url);
    suite.cleanups.push(() => { blockedAll.push(...blocked); return context.close(); });
    const page = await context.newPage();
    watch(page);
    await page.goto(suite.url + path, { waitUntil: "load" });
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
    return { context, page };
  }

  /** Records the console of `page`, and every `t=` / `code=` value its address bar ever shows. */
  function watch(page) {
    recordConsole(page, consoleLines);
    page.on("framenavigated", (frame) => {
      if (frame !== page.mainFrame()) return;
      try {
        const u = new URL(frame.url());
        for (const k of ["t", "code"]) { const v = u.searchParams.get(k); if (v) secrets.add(v); }
      } catch { /* about:blank */ }
    });
  }

  /** True when the page shows the tab (the SDK build has the family); else marks the test todo. */
  async function familyOrTodo(t, page, tab, family) {
    const visible = await page.locator(`#tab-${tab}`).isVisible();
    if (!visible) t.todo(`the SDK build has no descope.${family} yet (the demo hides its tab)`);
    return visible;
  }

  async function openTab(page, tab) {
    await page.click(`#tab-${tab}`);
    await page.waitForSelector(`#panel-${tab}:not([hidden])`, WAIT);
  }

  async function signedInAs(page, { email, phone } = {}) {
    await page.waitForSelector('body[data-state="signedIn"]', WAIT);
    if (email) await page.locator("#user-email", { hasText: email }).waitFor(WAIT);
    if (phone) await page.locator("#user-phone", { hasText: phone }).waitFor(WAIT);
    assert.ok(await page.locator("#error").isHidden(), `no error shown: ${await errorText(page)}`);
    const html = await page.evaluate(() => document.documentElement.outerHTML);
    assert.ok(!JWT_RE.test(html), "no JWT-shaped string in the page markup");
    flows++;
  }

  async function errorText(page) {
    if (await page.locator("#error").isHidden()) return "";
    return redact(`${await page.locator("#error-code").textContent()} ${await page.locator("#error-description").textContent()}`, [...secrets]);
  }

  async function expectError(page, code) {
    await page.waitForSelector("#error:not([hidden])", WAIT);
    assert.equal((await page.locator("#error-code").textContent()).trim(), code);
    assert.ok((await page.locator("#error-description").textContent()).trim().length > 0, "an error description is shown");
  }

  async function amr(page) {
    return (await page.locator("#amr").textContent()).split(",").map((s) => s.trim());
  }

  async function claims(page) {
    return JSON.parse(await page.locator("#claims").textContent());
  }

  async function logout(page) {
    await page.click("#logout");
    await page.waitForSelector('body[data-state="signedOut"]', WAIT);
  }

  /** Remembers every code/token the emulator sent to loginId (for the hygiene check). */
  async function collectOutbox(suite, loginId) {
    for (const m of await suite.emulator.outbox(loginId)) {
      for (const v of [m.code, m.token, m.pendingRef]) if (v) secrets.add(v);
      if (m.link) {
        try { const t = new URL(m.link).searchParams.get("t"); if (t) secrets.add(t); } catch { /* not a url */ }
      }
    }
  }

  const pathOf = (r) => String(r.path).split("?")[0];
  const countRequests = async (suite, path) => (await suite.emulator.requests()).filter((r) => pathOf(r) === path).length;

  it("magic link: the link in the dev inbox opens the page, which signs in and drops ?t= from the address", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "magiclink", "magicLink"))) return;
    const email = uniqueEmail("ml");
    await openTab(page, "magiclink");
    await page.check("#ml-method-email");
    await page.fill("#ml-login-id", email);
    await page.click("#ml-send");
    await page.waitForSelector("#ml-sent:not([hidden])", WAIT);
    const masked = (await page.locator("#ml-masked").textContent()).trim();
    assert.ok(masked.includes("@") && masked !== email, "a masked email is shown");

    const link = page.locator('[data-testid="inbox-message"][data-kind="magiclink"] [data-testid="inbox-link"]').first();
    await link.waitFor(WAIT);
    await collectOutbox(suite, email);
    const href = await link.getAttribute("href");
    assert.ok(href.startsWith(`${suite.url}/?t=`), "the link is <page url>?t=<token>");
    const outbox = await suite.emulator.outbox(email);
    assert.ok(outbox.at(-1).link === href, "the inbox shows the link the emulator sent");

    await Promise.all([page.waitForURL((u) => u.searchParams.has("t"), WAIT), link.click()]);
    await signedInAs(page, { email });
    assert.equal(new URL(page.url()).searchParams.has("t"), false, "?t= is removed from the address");
    assert.ok((await amr(page)).includes("email"), "amr has email");
    await page.locator("#notice", { hasText: "magic link" }).waitFor(WAIT);

    // A reload keeps the session and does not verify the (single-use) token again.
    const verifies = await countRequests(suite, "/v1/auth/magiclink/verify");
    await page.reload({ waitUntil: "load" });
    await signedInAs(page, { email });
    assert.equal(await countRequests(suite, "/v1/auth/magiclink/verify"), verifies);
    assert.ok(await page.locator("#error").isHidden(), "no error after the reload");

    // A used link opened again: the page shows the error, stays signed out and still drops ?t=.
    await logout(page);
    await page.goto(href, { waitUntil: "load" });
    await expectError(page, "E061201");
    assert.equal(await page.getAttribute("body", "data-state"), "signedOut");
    assert.equal(new URL(page.url()).searchParams.has("t"), false, "?t= is removed even when verify fails");
    await page.click("#error-dismiss");

    // SMS links reach the inbox too (the same page url, the sms channel).
    const phone = uniquePhone();
    await openTab(page, "magiclink");
    await page.check("#ml-method-sms");
    await page.fill("#ml-login-id", phone);
    await page.click("#ml-send");
    await page.locator('[data-testid="inbox-message"][data-kind="magiclink"]', { hasText: phone }).first().waitFor(WAIT);
    const head = await page.locator('[data-testid="inbox-message"]').first().textContent();
    assert.ok(head.startsWith("sms ·"), "the sms link shows with its channel");
    await collectOutbox(suite, phone);
  });

  it("enchanted link: the page shows the link id, waits, and signs in when the inbox's Verify here is pressed", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "enchanted", "enchantedLink"))) return;
    const email = uniqueEmail("el");
    await openTab(page, "enchanted");
    await page.fill("#el-login-id", email);
    await page.click("#el-send");
    await page.waitForSelector("#el-waiting:not([hidden])", WAIT);
    const shownId = (await page.locator("#el-link-id").textContent()).trim();
    const message = page.locator('[data-testid="inbox-message"][data-kind="enchantedlink"]').first();
    await message.waitFor(WAIT);
    await collectOutbox(suite, email);
    const sent = (await suite.emulator.outbox(email)).at(-1);
    assert.equal(shownId, String(sent.linkId), "the page shows the linkId of the sent link");
    assert.match(await message.locator('[data-testid="inbox-link-id"]').textContent(), new RegExp(`\\b${shownId}\\b`));
    assert.ok(new URL(sent.link).searchParams.has("el"), "the link tells the page it is an enchanted link");

    // Still waiting: polls answer "pending" and the page stays signed out.
    await new Promise((r) => setTimeout(r, 1_200));
    assert.equal(await page.getAttribute("body", "data-state"), "signedOut");
    await message.locator('[data-testid="inbox-verify-link"]').click();
    await signedInAs(page, { email });
    assert.ok(await page.locator("#el-waiting").isHidden(), "the waiting box closes");
    assert.ok((await amr(page)).includes("email"), "amr has email");
    assert.ok((await countRequests(suite, "/v1/auth/enchantedlink/pending-session")) >= 1, "the page polled the pending session");
  });

  it("enchanted link: opening the link in a new tab confirms it there and signs in the waiting tab", async (t) => {
    const suite = getSuite();
    const { context, page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "enchanted", "enchantedLink"))) return;
    const email = uniqueEmail("el2");
    await openTab(page, "enchanted");
    await page.fill("#el-login-id", email);
    await page.click("#el-send");
    await page.waitForSelector("#el-waiting:not([hidden])", WAIT);
    const link = page.locator('[data-testid="inbox-message"][data-kind="enchantedlink"] [data-testid="inbox-link"]').first();
    await link.waitFor(WAIT);
    await collectOutbox(suite, email);
    assert.equal(await link.getAttribute("target"), "_blank", "the inbox opens enchanted links in a new tab");
    const [tab] = await Promise.all([context.waitForEvent("page", WAIT), link.click()]);
    watch(tab);
    await tab.waitForSelector('#link-done-panel:not([hidden])', WAIT);
    assert.equal(new URL(tab.url()).searchParams.has("t"), false, "the new tab dropped ?t= from its address");
    await signedInAs(page, { email });
    await tab.close();
  });

  it("enchanted link: Cancel stops waiting (no more polls) and a later verify does not sign the page in", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "enchanted", "enchantedLink"))) return;
    const email = uniqueEmail("elc");
    await openTab(page, "enchanted");
    await page.fill("#el-login-id", email);
    await page.click("#el-send");
    await page.waitForSelector("#el-waiting:not([hidden])", WAIT);
    await page.locator('[data-testid="inbox-verify-link"]').first().waitFor(WAIT);
    await collectOutbox(suite, email);
    await page.click("#el-cancel");
    await page.waitForSelector("#el-waiting", { ...WAIT, state: "hidden" });
    await page.locator("#notice", { hasText: "Cancelled" }).waitFor(WAIT);
    assert.ok(await page.locator("#el-send").isVisible(), "the send form is back");

    const polls = await countRequests(suite, "/v1/auth/enchantedlink/pending-session");
    await new Promise((r) => setTimeout(r, 2_500));
    assert.equal(await countRequests(suite, "/v1/auth/enchantedlink/pending-session"), polls, "no polls after Cancel");
    await page.locator('[data-testid="inbox-verify-link"]').first().click();
    await page.locator("#notice", { hasText: "Link confirmed" }).waitFor(WAIT);
    await new Promise((r) => setTimeout(r, 1_500));
    assert.equal(await page.getAttribute("body", "data-state"), "signedOut", "a cancelled wait never signs in");
    assert.ok(await page.locator("#error").isHidden(), `no error after cancel: ${await errorText(page)}`);
  });

  it("OAuth: a provider button goes to the emulator's provider and back; the page exchanges ?code= and drops it", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "oauth", "oauth"))) return;
    await openTab(page, "oauth");
    const returned = page.waitForURL((u) => u.searchParams.has("code"), WAIT);
    await page.click('[data-testid="oauth-github"]');
    await returned;
    await signedInAs(page, { email: "github-user@example.com" });
    assert.equal(new URL(page.url()).searchParams.has("code"), false, "?code= is removed from the address");
    assert.equal(new URL(page.url()).pathname, "/");
    assert.ok((await amr(page)).includes("oauth"), "amr has oauth");
    const reqs = await suite.emulator.requests();
    assert.ok(reqs.some((r) => pathOf(r) === "/v1/auth/oauth/authorize" && r.status === 200), "authorize was called");
    assert.ok(reqs.some((r) => pathOf(r) === "/v1/auth/oauth/exchange" && r.status === 200), "the code was exchanged on the OAuth route");
    assert.equal(await page.evaluate(() => sessionStorage.getItem("descope-demo:return")), null, "the return marker is consumed");
    await page.reload({ waitUntil: "load" });
    await signedInAs(page, { email: "github-user@example.com" });
  });

  it("SSO: a work email goes to the emulator's identity provider and back; the page exchanges on the SSO route", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "sso", "sso"))) return;
    const email = `ada.${Date.now().toString(36)}@initech.test`;
    const oauthBefore = await countRequests(suite, "/v1/auth/oauth/exchange");
    await openTab(page, "sso");
    await page.fill("#sso-tenant", email);
    const returned = page.waitForURL((u) => u.searchParams.has("code"), WAIT);
    await page.click("#sso-start");
    await returned;
    await signedInAs(page, { email });
    assert.equal(new URL(page.url()).searchParams.has("code"), false, "?code= is removed from the address");
    assert.ok((await amr(page)).includes("fed"), "amr has fed");
    const reqs = await suite.emulator.requests();
    assert.ok(
      reqs.some((r) => /^\/v1\/auth\/(sso|saml)\/exchange$/.test(pathOf(r)) && r.status === 200),
      "the code was exchanged on the SSO route",
    );
    assert.equal(await countRequests(suite, "/v1/auth/oauth/exchange"), oauthBefore, "not on the OAuth route");
    // The SSO tenant is the user's tenant now.
    if (await page.locator("#tenant-box").isVisible()) {
      await page.waitForSelector('#tenant-select option[value="initech.test"]', { ...WAIT, state: "attached" });
    }
  });

  it("TOTP: Set up shows a QR image and the key; a wrong code is refused; the inbox's current code signs in", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "totp", "totp"))) return;
    const email = uniqueEmail("totp");
    await openTab(page, "totp");
    await page.fill("#totp-login-id", email);
    await page.click("#totp-signup");
    await page.waitForSelector("#totp-setup:not([hidden])", WAIT);
    await page.waitForFunction(() => {
      const img = document.getElementById("totp-qr");
      return img.complete && img.naturalWidth > 0;
    }, null, WAIT);
    const { naturalWidth, naturalHeight, src } = await page.$eval("#totp-qr", (img) => ({
      naturalWidth: img.naturalWidth, naturalHeight: img.naturalHeight, src: img.src.slice(0, 22),
    }));
    assert.ok(naturalWidth > 0 && naturalWidth === naturalHeight, `the QR image decoded (${naturalWidth}x${naturalHeight})`);
    assert.equal(src, "data:image/png;base64,");
    const key = (await page.locator("#totp-key").textContent()).trim();
    assert.match(key, /^[A-Z2-7]{16,}$/, "the key is shown in base32");
    secrets.add(key);

    // The dev inbox shows the current code, the same one the emulator computes.
    const inboxCode = page.locator('[data-testid="inbox-totp-code"]');
    await page.waitForSelector("#totp-now:not([hidden])", WAIT);
    const shown = (await inboxCode.textContent()).trim();
    assert.match(shown, /^\d{6}$/);
    secrets.add(shown);

    const wrong = String((Number(shown) + 500_000) % 1_000_000).padStart(6, "0");
    await page.fill("#totp-code", wrong);
    await page.click("#totp-verify");
    await expectError(page, "E065102");

    const res = await fetch(`${suite.url}/emulator/totp/${encodeURIComponent(email)}`);
    const { code } = await res.json();
    secrets.add(code);
    await inboxCode.click();
    assert.ok(/^\d{6}$/.test(await page.inputValue("#totp-code")), "clicking the inbox code fills it in");
    await page.click("#totp-verify");
    await signedInAs(page, { email });
    assert.ok((await amr(page)).includes("totp"), "amr has totp");
    assert.ok(await page.locator("#totp-now").isHidden(), "the TOTP helper hides once signed in");
    await logout(page);

    // Signing in again later needs only the login id and a fresh code.
    await openTab(page, "totp");
    assert.ok(await page.locator("#totp-setup").isHidden(), "the QR is not left on screen");
    await page.fill("#totp-login-id", email);
    await page.dispatchEvent("#totp-login-id", "change");
    await page.waitForSelector("#totp-now:not([hidden])", WAIT);
    await inboxCode.click();
    secrets.add(await page.inputValue("#totp-code"));
    await page.click("#totp-verify");
    await signedInAs(page, { email });
  });

  it("password: policy shown; weak password refused; sign-up, wrong password, sign-in, reset via the inbox link, update", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "password", "password"))) return;
    for (const p of [STRONG, STRONGER, "weakpass"]) secrets.add(p);
    const email = uniqueEmail("pw");
    await openTab(page, "password");
    await page.locator("#pw-policy", { hasText: "at least 8 characters" }).waitFor(WAIT);
    const policy = await page.locator("#pw-policy").textContent();
    assert.match(policy, /uppercase/);
    assert.match(policy, /digit/);

    await page.fill("#pw-login-id", email);
    await page.fill("#pw-password", "weakpass");
    await page.click("#pw-signup");
    await expectError(page, "E062905");

    await page.fill("#pw-password", STRONG);
    await page.click("#pw-signup");
    await signedInAs(page, { email });
    assert.ok((await amr(page)).includes("pwd"), "amr has pwd");
    assert.equal(await page.inputValue("#pw-password"), "", "the password field is cleared");
    await logout(page);

    await openTab(page, "password");
    await page.fill("#pw-login-id", email);
    await page.fill("#pw-password", STRONGER);
    await page.click("#pw-signin");
    await expectError(page, "E062901");
    assert.equal(await page.getAttribute("body", "data-state"), "signedOut");
    await page.fill("#pw-password", STRONG);
    await page.click("#pw-signin");
    await signedInAs(page, { email });
    await logout(page);

    // Forgot it: the reset link arrives in the dev inbox and signs in through the magic-link return.
    await openTab(page, "password");
    await page.fill("#pw-login-id", email);
    await page.click("#pw-reset");
    await page.locator("#notice", { hasText: "Reset link sent" }).waitFor(WAIT);
    const link = page.locator('[data-testid="inbox-message"][data-kind="magiclink"] [data-testid="inbox-link"]').first();
    await link.waitFor(WAIT);
    await collectOutbox(suite, email);
    await Promise.all([page.waitForURL((u) => u.searchParams.has("t"), WAIT), link.click()]);
    await signedInAs(page, { email });
    assert.equal(new URL(page.url()).searchParams.has("t"), false, "?t= is removed from the address");
    await page.locator("#notice", { hasText: "new password" }).waitFor(WAIT);

    // Update while signed in: a weak one is refused, a strong one accepted.
    await page.fill("#pw-new", "short");
    secrets.add("short");
    await page.click("#pw-update");
    await expectError(page, "E062905");
    await page.fill("#pw-new", STRONGER);
    await page.click("#pw-update");
    await page.locator("#notice", { hasText: "Password changed" }).waitFor(WAIT);
    assert.ok(await page.locator("#error").isHidden(), "no error after the update");
    await logout(page);

    await openTab(page, "password");
    await page.fill("#pw-login-id", email);
    await page.fill("#pw-password", STRONG);
    await page.click("#pw-signin");
    await expectError(page, "E062901");
    await page.fill("#pw-password", STRONGER);
    await page.click("#pw-signin");
    await signedInAs(page, { email });
  });

  it("NOTP (WhatsApp): Start shows the QR image; Simulate sends the message; the waiting page signs in", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    if (!(await familyOrTodo(t, page, "notp", "notp"))) return;
    await openTab(page, "notp");
    await page.click("#notp-start");
    await page.waitForSelector("#notp-waiting:not([hidden])", WAIT);
    await page.waitForFunction(() => {
      const img = document.getElementById("notp-qr");
      return img.complete && img.naturalWidth > 0;
    }, null, WAIT);
    await collectOutbox(suite, NOTP_DEFAULT);
    const before = await page.getAttribute("body", "data-state");
    assert.equal(before, "signedOut", "still waiting before the message is sent");
    await page.click("#notp-simulate");
    await signedInAs(page, { phone: NOTP_DEFAULT });
    assert.ok((await amr(page)).includes("whatsapp"), "amr has whatsapp");
    assert.ok((await countRequests(suite, "/v1/auth/notp/pending-session")) >= 1, "the page polled the pending session");
    await logout(page);

    // With a phone number, and cancelled: the form comes back and no sign-in happens.
    const phone = uniquePhone();
    await openTab(page, "notp");
    await page.fill("#notp-login-id", phone);
    await page.click("#notp-start");
    await page.waitForSelector("#notp-waiting:not([hidden])", WAIT);
    await page.locator('[data-testid="inbox-message"][data-kind="notp"]', { hasText: phone }).first().waitFor(WAIT);
    await collectOutbox(suite, phone);
    await page.click("#notp-cancel");
    await page.waitForSelector("#notp-waiting", { ...WAIT, state: "hidden" });
    assert.equal(await page.getAttribute("body", "data-state"), "signedOut");
  });

  it("tenants: the signed-in panel lists the user's tenants; selecting one shows it as currentTenant (dct)", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    const email = uniqueEmail("ten");
    await suite.emulator.createUser({
      loginId: email, email, name: "Tess Tenant",
      userTenants: [{ tenantId: "t-acme", tenantName: "Acme" }, { tenantId: "t-globex", tenantName: "Globex" }],
    });
    await otpSignIn(suite, page, email);
    if (!(await page.locator("#tenant-box").isVisible())) {
      t.todo("the SDK build has no myTenants()/selectTenant() yet (the demo hides the tenant box)");
      return;
    }
    await page.waitForSelector('#tenant-select option[value="t-globex"]', { ...WAIT, state: "attached" });
    await page.locator("#tenant-select option", { hasText: "Globex" }).waitFor({ ...WAIT, state: "attached" });
    assert.equal(await page.getAttribute("#current-tenant", "data-value"), "");
    assert.equal((await page.locator("#current-tenant").textContent()).trim(), "(none)");

    await page.selectOption("#tenant-select", "t-globex");
    await page.click("#tenant-apply");
    await page.waitForSelector('#current-tenant[data-value="t-globex"]', WAIT);
    await page.locator("#current-tenant", { hasText: "Globex" }).waitFor(WAIT);
    assert.equal((await claims(page)).dct, "t-globex", "the new session JWT carries dct");
    assert.ok(await page.locator("#error").isHidden(), `no error: ${await errorText(page)}`);

    // Kept across a refresh and a reload.
    await page.click("#refresh");
    await page.locator("#notice", { hasText: "refreshed" }).waitFor(WAIT);
    assert.equal(await page.getAttribute("#current-tenant", "data-value"), "t-globex");
    await page.reload({ waitUntil: "load" });
    await page.waitForSelector('#current-tenant[data-value="t-globex"]', WAIT);
    await page.locator("#tenant-select option", { hasText: "Acme" }).waitFor({ ...WAIT, state: "attached" });

    // Switch to the other one.
    await page.selectOption("#tenant-select", "t-acme");
    await page.click("#tenant-apply");
    await page.waitForSelector('#current-tenant[data-value="t-acme"]', WAIT);
    await page.locator("#current-tenant", { hasText: "Acme" }).waitFor(WAIT);
  });

  it("history: the signed-in panel lists login history entries, newest first, with tenant selections", async (t) => {
    const suite = getSuite();
    const { page } = await openDemo(suite);
    const email = uniqueEmail("hist");
    await suite.emulator.createUser({ loginId: email, email, userTenants: [{ tenantId: "t-hist", tenantName: "Hist Co" }] });
    await otpSignIn(suite, page, email);
    if (!(await page.locator("#history-box").isVisible())) {
      t.todo("the SDK build has no history() yet (the demo hides the history list)");
      return;
    }
    await page.locator('[data-testid="history-entry"]').first().waitFor(WAIT);
    assert.equal(await page.locator('[data-testid="history-entry"]').count(), 1, "one sign-in so far");
    assert.match(await page.locator('[data-testid="history-entry"]').first().textContent(), /127\.0\.0\.1/);

    // A second sign-in, then a tenant selection: three entries, the newest names the tenant.
    await logout(page);
    await otpSignIn(suite, page, email);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-entry"]').length === 2, null, WAIT);
    if (await page.locator("#tenant-box").isVisible()) {
      await page.waitForSelector('#tenant-select option[value="t-hist"]', { ...WAIT, state: "attached" });
      await page.selectOption("#tenant-select", "t-hist");
      await page.click("#tenant-apply");
      await page.waitForSelector('#current-tenant[data-value="t-hist"]', WAIT);
      await page.waitForFunction(() => document.querySelectorAll('[data-testid="history-entry"]').length === 3, null, WAIT);
      assert.match(await page.locator('[data-testid="history-entry"]').first().textContent(), /Hist Co|t-hist/);
    }
    // The reload button fetches it again.
    const n = await countRequests(suite, "/v1/auth/me/history");
    await page.click("#history-reload");
    const deadline = Date.now() + 10_000;
    while ((await countRequests(suite, "/v1/auth/me/history")) <= n && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok((await countRequests(suite, "/v1/auth/me/history")) > n, "↻ reloads the history");
  });

  it("secret hygiene over these flows: no console message holds a JWT, code, link token, OAuth code or password", async () => {
    const suite = getSuite();
    if (flows === 0) return; // every family was todo: nothing ran
    const jwtHits = consoleLines.filter((l) => JWT_RE.test(l));
    assert.equal(jwtHits.length, 0, `${jwtHits.length} console message(s) contain a JWT-shaped string`);
    const values = [...secrets].filter((s) => s && s.length >= 5);
    assert.ok(values.length >= Math.min(flows, 5), "the flows above recorded their codes and tokens");
    const hits = consoleLines.filter((l) => values.some((v) => l.includes(v)));
    assert.equal(hits.length, 0, `${hits.length} console message(s) contain a code, token or password:\n${redact(hits.join("\n"), values)}`);
    const pageErrors = consoleLines.filter((l) => l.startsWith("pageerror:"));
    assert.equal(pageErrors.length, 0, `uncaught page errors:\n${redact(pageErrors.join("\n"), values)}`);
    const logHits = suite.emulator.log.filter((l) => JWT_RE.test(l) || values.some((v) => l.includes(v)));
    assert.equal(logHits.length, 0, `${logHits.length} emulator log line(s) contain a JWT, code or token`);
    for (const c of suite.cleanups.splice(0)) await c();
    assert.deepEqual(blockedAll, [], "the pages only contacted the emulator");
  });

  /** Signs in through the OTP tab (always present) with the code from the dev inbox. */
  async function otpSignIn(suite, page, email) {
    await openTab(page, "otp");
    await page.check("#method-email");
    await page.fill("#login-id", email);
    await page.click("#send-code");
    await page.waitForSelector("#verify-panel:not([hidden])", WAIT);
    await page.locator('[data-testid="inbox-message"]', { hasText: email }).first().waitFor(WAIT);
    await collectOutbox(suite, email);
    await page.waitForFunction(() => document.querySelector('[data-testid="inbox-code"]'), null, WAIT);
    const code = await suite.emulator.latestCode(email);
    await page.locator('[data-testid="inbox-code"]', { hasText: code }).first().click();
    await page.click("#verify");
    await signedInAs(page, { email });
  }
});
