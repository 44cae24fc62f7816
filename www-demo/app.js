// descope-wasm demo: every sign-in family of the SDK against the local emulator.
// Plain ES module, no build step. The page never reads or shows the raw JWTs: it only uses the
// decoded claims and helpers that the SDK exposes on the Session snapshot. Codes and links only
// appear in the Dev inbox (the emulator's outbox), never in the console.
import init, { Descope, isDescopeError } from "./pkg/descope_wasm.js";

const $ = (id) => document.getElementById(id);
const PREFS = "descope-demo:"; // our own storage keys (not the SDK's DS/DSR)
const PHONE_METHODS = new Set(["sms", "voice", "whatsapp"]);
const INBOX_POLL_MS = 1000;
const WAIT_POLL_MS = 1000;     // enchanted link / NOTP pending-session polling
const NOTP_DEFAULT_LOGIN_ID = "+15550100000"; // the emulator's "phone the WhatsApp message came from"

// Tabs and the SDK family each needs (a tab stays hidden while its family is missing).
const TABS = [
  ["otp", "otp"],
  ["magiclink", "magicLink"],
  ["enchanted", "enchantedLink"],
  ["oauth", "oauth"],
  ["sso", "sso"],
  ["totp", "totp"],
  ["password", "password"],
  ["notp", "notp"],
  ["passkey", "webauthn"],
];

let client;            // Descope instance
let session;           // current Session snapshot (or undefined)
let profile;           // User from me(), for sessions restored without a user
let profileFor;        // userId that `profile` (or the in-flight me() call) belongs to
let pending = null;    // { method, loginId, purpose: "signIn" | "stepUp" } while an OTP code is outstanding
let waiter = null;     // { kind: "enchanted" | "notp", ctrl: AbortController } while a pending session is polled
let notpApproveUrl = ""; // the NOTP redirectUrl (used by the Simulate button only; never shown)
let activeTab = "otp";
let inboxLoginId = ""; // whose outbox the dev inbox shows
let inboxSig = "";     // last rendered outbox, to avoid needless DOM churn
let totpLoginId = "";  // whose current TOTP code the dev inbox shows
let extrasFor = "";    // session signature the tenant list was loaded for
let historyFor = "";   // userId the history list was loaded for
let policyLoaded = false;
let autofillCtrl = null; // AbortController of the pending passkey autofill (webauthn.autofill), if any
let busy = false;

// ---------- small helpers ----------

/** Turns Maps (if the SDK hands any back) into plain objects so JSON.stringify shows them. */
function plain(v) {
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [k, plain(x)]));
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === "object" && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function safeJson(v) {
  try { return JSON.stringify(plain(v)); } catch { return "[unserialisable]"; }
}

/** This page's address without query or fragment: where links and providers send the user back. */
function pageUrl() { return location.origin + location.pathname; }

function has(family) { return Boolean(client) && client[family] !== undefined && client[family] !== null; }

function radioValue(name, fallback) {
  const checked = document.querySelector(`input[name="${name}"]:checked`);
  return checked ? checked.value : fallback;
}

function selectedMethod() { return radioValue("method", "email"); }

function setText(id, text) { $(id).textContent = text ?? ""; }

function notice(text) {
  const n = $("notice");
  n.textContent = text;
  n.dataset.at = String(Date.now());
}

function clearError() {
  $("error").hidden = true;
  delete $("error").dataset.kind;
  setText("error-code", "");
  setText("error-description", "");
}

function describeError(err) {
  if (isDescopeError(err)) return { code: err.code, description: err.description || err.message, kind: err.kind };
  return { code: "error", description: String(err && err.message ? err.message : err), kind: undefined };
}

function showError(err) {
  const { code, description, kind } = describeError(err);
  if (kind) $("error").dataset.kind = kind; else delete $("error").dataset.kind;
  setText("error-code", code);
  setText("error-description", description);
  $("error").hidden = false;
  // The SDK promises that codes and descriptions never carry token values, so this is safe to log.
  console.warn(`demo error ${code}: ${description}`);
}

function setBusy(on) {
  busy = on;
  for (const b of document.querySelectorAll("button:not(#error-dismiss)")) b.disabled = on;
}

/** Runs a UI action with the buttons disabled and errors shown in the error box. */
async function act(fn) {
  if (busy) return;
  clearError();
  setBusy(true);
  try {
    await fn();
  } catch (err) {
    showError(err);
  } finally {
    setBusy(false);
  }
}

function store(kind, key, value) {
  try { kind.setItem(PREFS + key, value); } catch { /* storage may be unavailable; only a convenience */ }
}
function load(kind, key) {
  try { return kind.getItem(PREFS + key) || ""; } catch { return ""; }
}
function take(kind, key) {
  const v = load(kind, key);
  try { kind.removeItem(PREFS + key); } catch { /* ignore */ }
  return v;
}

function remember(method, loginId) {
  if (method) store(localStorage, "method", method);
  store(localStorage, "loginId", loginId);
}

function recalled(key) { return load(localStorage, key); }

/** Shows `loginId`'s messages in the dev inbox (and remembers it across the link round trips). */
function watchInbox(loginId) {
  inboxLoginId = loginId;
  store(localStorage, "inbox", loginId);
  pollInbox();
}

function formatRemaining(ms) {
  if (!Number.isFinite(ms)) return "–";
  if (ms <= 0) return "expired";
  const total = Math.floor(ms / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = String(total % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${s}` : `${m}:${s}`;
}

function toDate(t) {
  if (typeof t === "number") return new Date(t > 1e12 ? t : t * 1000);
  return new Date(t);
}

function maskedOf(m) {
  const x = plain(m) || {};
  return x.maskedEmail || x.maskedPhone || "(unknown)";
}

// ---------- tabs ----------

function showTab(name) {
  if (!TABS.some(([t]) => t === name)) name = "otp";
  const btn = $(`tab-${name}`);
  if (!btn || btn.hidden) name = "otp";
  activeTab = name;
  store(sessionStorage, "tab", name);
  for (const [t] of TABS) {
    const on = t === name;
    $(`tab-${t}`).setAttribute("aria-selected", String(on));
    $(`tab-${t}`).classList.toggle("active", on);
    $(`panel-${t}`).hidden = !on;
  }
  $("signin-panel").dataset.tab = name;
  if (name === "password") loadPolicy();
  if (name !== "passkey") stopAutofill();
}

function enableTabs() {
  for (const [t, family] of TABS) $(`tab-${t}`).hidden = !has(family);
}

// ---------- rendering ----------

function currentUser() {
  if (!session) return undefined;
  if (session.user) return plain(session.user);
  if (profile && profileFor === session.userId) return profile;
  return undefined;
}

function sessionRoles(s) {
  const roles = new Set(s.roles());
  for (const t of s.tenants || []) for (const r of s.roles(t)) roles.add(`${r} @${t}`);
  return [...roles];
}

function render() {
  const signedIn = Boolean(session);
  document.body.dataset.state = signedIn ? "signedIn" : "signedOut";
  setText("status", signedIn ? "Signed in" : "Signed out");
  renderWelcome(signedIn);

  $("signin-panel").hidden = signedIn;
  if (signedIn) $("totp-now").hidden = true;
  $("session-panel").hidden = !signedIn;
  $("verify-panel").hidden = !pending;
  $("verify-purpose").hidden = !(pending && pending.purpose === "stepUp");
  setText("verify-title", pending && pending.purpose === "stepUp" ? "Step-up: enter the new code" : "Enter the code");
  $("el-waiting").hidden = !(waiter && waiter.kind === "enchanted");
  $("el-form").hidden = Boolean(waiter && waiter.kind === "enchanted");
  $("notp-waiting").hidden = !(waiter && waiter.kind === "notp");
  $("notp-form").hidden = Boolean(waiter && waiter.kind === "notp");

  if (!signedIn) return;
  const user = currentUser();
  if (!user) loadProfile();
  // The dev inbox follows the signed-in user (e.g. after a password or OAuth sign-in).
  const ids = (user && user.loginIds) || [];
  if (ids.length && !ids.includes(inboxLoginId)) watchInbox(ids[0]);
  setText("user-name", user ? user.name || "—" : "loading…");
  setText("user-email", user ? user.email || "—" : "loading…");
  setText("user-phone", user ? user.phone || "—" : "loading…");
  setText("user-id", session.userId);
  const roles = sessionRoles(session);
  setText("roles", roles.length ? roles.join(", ") : "(none)");
  $("roles").dataset.roles = roles.join(",");
  setText("amr", (session.amr || []).join(", "));
  setText("stepup", `stepUp: ${session.stepUp}`);
  $("stepup").dataset.value = String(session.stepUp);
  renderCurrentTenant();
  setText("claims", JSON.stringify(plain(session.claims), null, 2));
  $("countdown").dataset.expiresAt = String(session.expiresAt);
  $("pw-update-box").hidden = !has("password");
  $("pk-box").hidden = !has("webauthn");
  $("tenant-box").hidden = typeof client.myTenants !== "function" || typeof client.selectTenant !== "function";
  $("history-box").hidden = typeof client.history !== "function";
  tick();
  loadExtras();
}

/** "Welcome back" for whoever signed in last on this browser (the SDK's lastUser, kept after logout). */
function renderWelcome(signedIn) {
  const last = !signedIn && client ? client.lastUser : undefined;
  $("welcome").hidden = !last;
  if (!last) return;
  setText("welcome-name", last.name ? `${last.name} (${last.loginId})` : last.loginId);
  if (!$("login-id").value) $("login-id").value = last.loginId;
}

/**
 * The cookie-mode switch: the emulator's control API turns its cookie mode on (tokens in HttpOnly
 * cookies, empty in the body) or back to its default, and the page reloads to make its client in
 * the matching mode. A session of the other mode stays where it is (storage or cookies).
 */
async function switchCookieMode(ev) {
  const on = ev.target.checked;
  await act(async () => {
    const res = await fetch("/emulator/config", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ tokenResponseMethod: on ? "cookies" : null }),
    });
    if (!res.ok) throw new Error(`POST /emulator/config answered ${res.status}`);
    location.reload();
  });
}

function tick() {
  if (!session) return;
  setText("countdown", formatRemaining(session.expiresAt - Date.now()));
}

async function loadProfile() {
  if (!session || profileFor === session.userId) return;
  const forUser = session.userId;
  profileFor = forUser;
  try {
    const me = plain(await client.me());
    if (profileFor === forUser) { profile = me; render(); }
  } catch (err) {
    if (profileFor === forUser) profileFor = undefined;
    showError(err);
  }
}

function setSession(s) {
  // A verification shown was of the session it checked.
  $("verify-result").hidden = true;
  session = s || undefined;
  if (!session) {
    profile = undefined; profileFor = undefined; extrasFor = ""; historyFor = ""; tenantNames = new Map();
  } else if (session.user) { profile = plain(session.user); profileFor = session.userId; }
  if (session) stopAutofill();
  // A page opened signed in (reload, or back from a link) shows the inbox it showed before.
  if (session && !inboxLoginId) inboxLoginId = load(localStorage, "inbox") || recalled("loginId");
  if (session && waiter) stopWaiting(false);
  render();
}

// ---------- tenants and history (signed-in panel) ----------

let tenantNames = new Map(); // tenant id → name, from myTenants()

function tenantLabel(id) {
  const name = tenantNames.get(id);
  return name && name !== id ? `${name} (${id})` : id;
}

function renderCurrentTenant() {
  const cur = session && session.currentTenant;
  setText("current-tenant", cur ? tenantLabel(cur) : "(none)");
  $("current-tenant").dataset.value = cur || "";
}

function tenantIds() {
  const ids = new Set(session ? session.tenants || [] : []);
  const user = currentUser();
  for (const t of (user && user.userTenants) || []) if (t && t.tenantId) ids.add(t.tenantId);
  return [...ids];
}

/** Loads the tenant list (on sign-in, restore, and tenant changes) and the history (once per user). */
async function loadExtras() {
  if (!session) return;
  const ids = tenantIds();
  const sig = `${session.userId}|${session.currentTenant || ""}|${ids.join(",")}`;
  const forUser = session.userId;
  if (sig !== extrasFor && typeof client.myTenants === "function") {
    extrasFor = sig;
    renderTenantOptions(ids);
    if (ids.length) {
      try {
        // Refresh first if the session needs it, so these calls never race a rotation.
        await client.getSessionToken();
        const { tenants = [] } = plain(await client.myTenants(ids)) || {};
        const cur = session && session.currentTenant
          ? (plain(await client.myTenants(true)) || {}).tenants || []
          : [];
        for (const t of [...tenants, ...cur]) if (t && t.id) tenantNames.set(t.id, t.name || t.id);
        if (session && session.userId === forUser) { renderTenantOptions(tenantIds()); renderCurrentTenant(); }
        $("tenant-error").hidden = true;
      } catch (err) {
        if (extrasFor === sig) extrasFor = "";
        inlineError("tenant-error", err);
      }
    }
  }
  if (historyFor !== forUser && typeof client.history === "function") {
    historyFor = forUser;
    loadHistory();
  }
}

function renderTenantOptions(ids) {
  const select = $("tenant-select");
  // Names arrive after the first render; keep what the user picked meanwhile.
  const picked = ids.includes(select.value) ? select.value : session && session.currentTenant;
  select.replaceChildren(...ids.map((id) => {
    const o = document.createElement("option");
    o.value = id;
    o.textContent = tenantLabel(id);
    if (id === picked) o.selected = true;
    return o;
  }));
  $("tenant-none").hidden = ids.length > 0;
  $("tenant-form").hidden = ids.length === 0;
}

function inlineError(id, err) {
  const { code, description } = describeError(err);
  setText(id, `${code}: ${description}`);
  $(id).hidden = false;
}

async function selectTenant(ev) {
  ev.preventDefault();
  const tenant = $("tenant-select").value;
  if (!tenant) return;
  await act(async () => {
    const s = await client.selectTenant(tenant);
    setSession(s);
    notice(`Now working in ${tenantLabel(tenant)}`);
    loadHistory();
  });
}

async function loadHistory() {
  if (!session || typeof client.history !== "function") return;
  const forUser = session.userId;
  try {
    await client.getSessionToken();
    const entries = plain(await client.history()) || [];
    if (!session || session.userId !== forUser) return;
    renderHistory(entries);
  } catch (err) {
    if (historyFor === forUser) historyFor = "";
    const { code, description } = describeError(err);
    $("history").replaceChildren();
    setText("history-empty", `Could not load the history (${code}: ${description})`);
    $("history-empty").hidden = false;
  }
}

function renderHistory(entries) {
  const list = $("history");
  list.replaceChildren(...entries.slice(0, 20).map((e) => {
    const li = document.createElement("li");
    li.dataset.testid = "history-entry";
    const when = toDate(e.loginTime);
    const parts = [isNaN(when) ? "?" : when.toLocaleString()];
    if (e.ip) parts.push(`from ${e.ip}`);
    const place = [e.city, e.country].filter(Boolean).join(", ");
    if (place) parts.push(place);
    if (e.selectedTenant) parts.push(`tenant ${tenantLabel(e.selectedTenant)}`);
    li.textContent = parts.join(" · ");
    return li;
  }));
  list.dataset.count = String(entries.length);
  setText("history-empty", "No entries.");
  $("history-empty").hidden = entries.length > 0;
}

// ---------- dev inbox ----------

async function pollInbox() {
  try {
    if (!inboxLoginId) return;
    const forId = inboxLoginId;
    const res = await fetch(`/emulator/outbox?loginId=${encodeURIComponent(forId)}`);
    if (!res.ok || forId !== inboxLoginId) return;
    const { messages = [] } = await res.json();
    const sig = forId + "|" + messages.length + "|" + safeJson(messages.at(-1) || {}).length;
    if (sig === inboxSig) return;
    inboxSig = sig;
    renderInbox(messages);
  } catch { /* the emulator may be restarting; try again on the next tick */ }
}

function inboxButton(text, testid, onClick, title) {
  const b = document.createElement("button");
  b.type = "button";
  b.className = "secondary small";
  b.dataset.testid = testid;
  if (title) b.title = title;
  b.textContent = text;
  b.addEventListener("click", onClick);
  return b;
}

function inboxLink(href, text, newTab) {
  const a = document.createElement("a");
  a.href = href;
  a.className = "inbox-link";
  a.dataset.testid = "inbox-link";
  a.textContent = text;
  a.title = "Opens the link as the recipient would";
  if (newTab) { a.target = "_blank"; a.rel = "noopener"; }
  return a;
}

function renderInbox(messages) {
  const list = $("inbox");
  list.replaceChildren();
  $("inbox-empty").hidden = messages.length > 0;
  // newest first
  [...messages].reverse().forEach((m, i) => {
    const li = document.createElement("li");
    li.dataset.testid = "inbox-message";
    li.dataset.kind = m.kind || "";
    if (i === 0) li.classList.add("newest");
    const head = document.createElement("div");
    head.className = "inbox-head";
    const when = toDate(m.at);
    head.textContent = `${m.channel || "?"} · ${m.kind || "message"} · to ${m.loginId} · ${isNaN(when) ? "" : when.toLocaleTimeString()}`;
    li.append(head);
    if (m.code) {
      const b = document.createElement("button");
      b.type = "button";
      b.className = "inbox-code";
      b.dataset.testid = "inbox-code";
      b.title = "Click to fill in the code";
      b.textContent = m.code;
      b.addEventListener("click", () => {
        $("code").value = m.code;
        if (!$("verify-panel").hidden) $("verify").focus();
      });
      li.append(b);
    } else if (m.kind === "enchantedlink" && m.link) {
      if (m.linkId) {
        const id = document.createElement("div");
        id.className = "inbox-linkid";
        id.dataset.testid = "inbox-link-id";
        id.textContent = `Link ${m.linkId}`;
        li.append(id);
      }
      const row = document.createElement("div");
      row.className = "row";
      row.append(inboxLink(m.link, "Open in a new tab", true));
      if (m.token && has("enchantedLink")) {
        row.append(inboxButton("Verify here", "inbox-verify-link", () => verifyEnchantedFromInbox(m.token),
          "Confirms the link without opening it (as if opened on another device)"));
      }
      li.append(row);
    } else if (m.kind === "notp" && m.link) {
      const p = document.createElement("span");
      p.className = "muted";
      p.textContent = "A WhatsApp sign-in message is ready to send.";
      li.append(p, inboxButton("Simulate sending it", "inbox-notp-approve", () => approveNotp(m.link)));
    } else if (m.link) {
      li.append(inboxLink(m.link, m.kind === "magiclink" ? "Open the magic link" : "Open the link", false));
    } else {
      const span = document.createElement("span");
      span.className = "muted";
      span.textContent = "(no code)";
      li.append(span);
    }
    list.append(li);
  });
}

/** The current TOTP code of `totpLoginId` (a convenience in place of an authenticator app). */
async function pollTotp() {
  const box = $("totp-now");
  if (!totpLoginId || session) { box.hidden = true; return; }
  try {
    const forId = totpLoginId;
    const res = await fetch(`/emulator/totp/${encodeURIComponent(forId)}`);
    if (forId !== totpLoginId) return;
    if (!res.ok) { box.hidden = true; return; }
    const { code } = await res.json();
    setText("totp-now-for", forId);
    setText("totp-now-code", code);
    box.hidden = !code;
  } catch { /* try again on the next tick */ }
}

// ---------- OTP ----------

function updateLoginLabel() {
  const phone = PHONE_METHODS.has(selectedMethod());
  setText("login-id-label", phone ? "Phone number (E.164)" : "Email address");
  $("login-id").placeholder = phone ? "+15555550100" : "you@example.com";
  $("login-id").inputMode = phone ? "tel" : "email";
}

async function sendCode(ev) {
  ev.preventDefault();
  await act(async () => {
    const method = selectedMethod();
    const loginId = $("login-id").value.trim();
    const masked = await client.otp.signUpOrIn(method, loginId);
    pending = { method, loginId, purpose: "signIn" };
    remember(method, loginId);
    setText("masked", maskedOf(masked));
    $("code").value = "";
    notice("Code sent: look in the Dev inbox");
    render();
    watchInbox(loginId);
    $("code").focus();
  });
}

async function verifyCode(ev) {
  ev.preventDefault();
  if (!pending) return;
  await act(async () => {
    const { method, loginId, purpose } = pending;
    const s = await client.otp.verify(method, loginId, $("code").value.trim());
    pending = null;
    $("code").value = "";
    setSession(s);
    notice(purpose === "stepUp" ? "Stepped up" : "Signed in");
  });
}

// ---------- magic link ----------

function updateMlLabel() {
  const phone = PHONE_METHODS.has(radioValue("ml-method", "email"));
  setText("ml-login-id-label", phone ? "Phone number (E.164)" : "Email address");
  $("ml-login-id").placeholder = phone ? "+15555550100" : "you@example.com";
  $("ml-login-id").inputMode = phone ? "tel" : "email";
}

async function sendMagicLink(ev) {
  ev.preventDefault();
  await act(async () => {
    const method = radioValue("ml-method", "email");
    const loginId = $("ml-login-id").value.trim();
    const masked = await client.magicLink.signUpOrIn(method, loginId, pageUrl());
    remember(null, loginId);
    setText("ml-masked", maskedOf(masked));
    $("ml-sent").hidden = false;
    notice("Link sent: open it from the Dev inbox");
    watchInbox(loginId);
  });
}

// ---------- enchanted link ----------

async function sendEnchantedLink(ev) {
  ev.preventDefault();
  await act(async () => {
    const loginId = $("el-login-id").value.trim();
    // `?el=1` tells this page, when the link opens it, that `t` is an enchanted-link token.
    const res = plain(await client.enchantedLink.signUpOrIn(loginId, `${pageUrl()}?el=1`));
    remember(null, loginId);
    setText("el-masked", res.maskedEmail || "(unknown)");
    setText("el-link-id", String(res.linkId ?? "?"));
    $("el-link-id").dataset.value = String(res.linkId ?? "");
    notice(`Link sent: in the Dev inbox, open link ${res.linkId}`);
    startWaiting("enchanted", res.pendingRef);
    watchInbox(loginId);
  });
}

async function verifyEnchantedFromInbox(token) {
  await act(async () => {
    await client.enchantedLink.verify(token);
    notice("Link confirmed");
  });
}

/** Polls a pending session (enchanted link or NOTP) until it signs in, fails or is cancelled. */
function startWaiting(kind, pendingRef) {
  stopWaiting(false);
  const ctrl = new AbortController();
  waiter = { kind, ctrl };
  render();
  const family = kind === "enchanted" ? client.enchantedLink : client.notp;
  family.waitForSession(pendingRef, { signal: ctrl.signal, pollIntervalMs: WAIT_POLL_MS })
    .then((s) => {
      // (the SDK's signedIn event may have cleared `waiter` already)
      if (waiter && waiter.ctrl === ctrl) { waiter = null; notpApproveUrl = ""; }
      setSession(s);
      notice("Signed in");
    })
    .catch((err) => {
      if (ctrl.signal.aborted) return; // cancelled: stopWaiting already updated the page
      if (waiter && waiter.ctrl === ctrl) { waiter = null; notpApproveUrl = ""; }
      showError(err);
      render();
    });
}

function stopWaiting(announce) {
  if (!waiter) return;
  waiter.ctrl.abort();
  waiter = null;
  notpApproveUrl = "";
  if (announce) notice("Cancelled");
  render();
}

// ---------- OAuth and SSO ----------

async function startOAuth(provider) {
  await act(async () => {
    const { url } = plain(await client.oauth.start(provider, pageUrl()));
    store(sessionStorage, "return", "oauth");
    notice(`Going to ${provider}…`);
    location.assign(url);
  });
}

async function startSso(ev) {
  ev.preventDefault();
  await act(async () => {
    const tenant = $("sso-tenant").value.trim();
    const { url } = plain(await client.sso.start(tenant, pageUrl()));
    store(sessionStorage, "return", "sso");
    store(localStorage, "sso", tenant);
    notice("Going to your identity provider…");
    location.assign(url);
  });
}

// ---------- TOTP ----------

function watchTotp() {
  const id = $("totp-login-id").value.trim();
  if (id && id !== totpLoginId) { totpLoginId = id; pollTotp(); }
}

async function totpSignUp() {
  await act(async () => {
    const loginId = $("totp-login-id").value.trim();
    if (!loginId) throw new Error("Type an email first");
    const { image, key } = plain(await client.totp.signUp(loginId));
    remember(null, loginId);
    $("totp-qr").src = `data:image/png;base64,${image}`;
    setText("totp-key", key);
    $("totp-setup").hidden = false;
    totpLoginId = loginId;
    pollTotp();
    notice("Scan the QR code, then type the code from your app (or from the Dev inbox)");
    $("totp-code").focus();
  });
}

async function totpVerify(ev) {
  ev.preventDefault();
  await act(async () => {
    const loginId = $("totp-login-id").value.trim();
    const s = await client.totp.verify(loginId, $("totp-code").value.trim());
    remember(null, loginId);
    $("totp-code").value = "";
    $("totp-setup").hidden = true;
    $("totp-qr").removeAttribute("src");
    setText("totp-key", "");
    setSession(s);
    notice("Signed in");
  });
}

// ---------- password ----------

async function loadPolicy() {
  if (policyLoaded || !has("password")) return;
  policyLoaded = true;
  try {
    const p = plain(await client.password.policy()) || {};
    const rules = [];
    if (p.minLength) rules.push(`at least ${p.minLength} characters`);
    if (p.lowercase) rules.push("a lowercase letter");
    if (p.uppercase) rules.push("an uppercase letter");
    if (p.number) rules.push("a digit");
    if (p.nonAlphanumeric) rules.push("a symbol");
    setText("pw-policy", rules.length ? rules.join(", ") : "none");
    $("pw-policy").dataset.minLength = String(p.minLength ?? "");
  } catch (err) {
    policyLoaded = false;
    const { code } = describeError(err);
    setText("pw-policy", `could not load (${code})`);
  }
}

function pwFields() {
  return { loginId: $("pw-login-id").value.trim(), password: $("pw-password").value };
}

async function passwordSignIn(ev) {
  ev.preventDefault();
  await act(async () => {
    const { loginId, password } = pwFields();
    const s = await client.password.signIn(loginId, password);
    remember(null, loginId);
    $("pw-password").value = "";
    setSession(s);
    notice("Signed in");
  });
}

async function passwordSignUp() {
  await act(async () => {
    const { loginId, password } = pwFields();
    const s = await client.password.signUp(loginId, password, loginId.includes("@") ? { email: loginId } : undefined);
    remember(null, loginId);
    $("pw-password").value = "";
    setSession(s);
    notice("Signed up");
  });
}

async function passwordReset() {
  await act(async () => {
    const loginId = $("pw-login-id").value.trim();
    if (!loginId) throw new Error("Type your email first");
    const res = plain(await client.password.sendReset(loginId, pageUrl()));
    remember(null, loginId);
    store(sessionStorage, "reset", "1");
    notice(`Reset link sent to ${res.maskedEmail || "you"}: open it from the Dev inbox`);
    watchInbox(loginId);
  });
}

async function passwordUpdate(ev) {
  ev.preventDefault();
  await act(async () => {
    const user = currentUser();
    const loginId = (user && user.loginIds && user.loginIds[0]) || recalled("loginId");
    await client.password.update(loginId, $("pw-new").value);
    $("pw-new").value = "";
    notice("Password changed");
  });
}

// ---------- NOTP ----------

async function startNotp(ev) {
  ev.preventDefault();
  await act(async () => {
    const loginId = $("notp-login-id").value.trim();
    const res = plain(await client.notp.signUpOrIn(loginId || undefined));
    $("notp-qr").src = `data:image/png;base64,${res.image}`;
    startWaiting("notp", res.pendingRef);
    notpApproveUrl = res.redirectUrl || "";
    notice("Scan the QR code and send the WhatsApp message (or press Simulate)");
    watchInbox(loginId || NOTP_DEFAULT_LOGIN_ID);
  });
}

/** Plays the user's phone: the WhatsApp message makes Descope open (GET) the approval url. */
async function approveNotp(url) {
  await act(async () => {
    if (!url) throw new Error("Nothing to approve: press Start first");
    const res = await fetch(url, { method: "GET" });
    if (!res.ok) {
      let code = `HTTP ${res.status}`;
      try { code = (await res.json()).errorCode || code; } catch { /* not JSON */ }
      throw new Error(`The approval link was refused (${code})`);
    }
    notice("WhatsApp message sent (simulated): signing in…");
  });
}

// ---------- passkeys ----------

/** Why this page cannot use passkeys, or "" when it can. */
function passkeyProblem() {
  if (/^(\d+\.){3}\d+$|^\[/.test(location.hostname)) {
    // WebAuthn refuses IP addresses as the site's identity (relying party id).
    const here = new URL(location.href);
    here.hostname = "localhost";
    return `Passkeys refuse IP addresses: open this page as ${here.origin}/ instead.`;
  }
  if (!client.webauthn.isSupported()) {
    return "This browser or page cannot use passkeys (it needs https or http://localhost, and a 2025 browser).";
  }
  return "";
}

function renderPasskeySupport() {
  if (!has("webauthn")) return;
  const problem = passkeyProblem();
  setText("pk-unsupported", problem);
  $("pk-unsupported").hidden = !problem;
}

/**
 * Offers this site's passkeys in the email field's autofill (started when the field gets focus):
 * picking one signs in. Stopped before any other passkey call, on leaving the tab, and on sign-in.
 */
function startAutofill() {
  if (autofillCtrl || session || busy || activeTab !== "passkey" || !has("webauthn") || passkeyProblem()) return;
  const ctrl = new AbortController();
  autofillCtrl = ctrl;
  client.webauthn.autofill({ signal: ctrl.signal })
    .then((s) => {
      if (autofillCtrl === ctrl) autofillCtrl = null;
      setSession(s);
      notice("Signed in with a passkey from the autofill");
    })
    .catch((err) => {
      if (autofillCtrl === ctrl) autofillCtrl = null;
      // "aborted": we stopped it, or the browser gave up on it; focusing the field starts it again.
      if (!(isDescopeError(err) && err.kind === "aborted")) showError(err);
    });
}

function stopAutofill() {
  if (!autofillCtrl) return;
  autofillCtrl.abort();
  autofillCtrl = null;
}

async function passkeySignUp() {
  stopAutofill();
  await act(async () => {
    const loginId = $("pk-login-id").value.trim();
    if (!loginId) throw new Error("Type your email first: the passkey is made for it");
    const s = await client.webauthn.signUp(loginId);
    remember(null, loginId);
    setSession(s);
    notice("Passkey created: you are signed up and in");
  });
}

async function passkeySignIn(ev) {
  ev.preventDefault();
  stopAutofill();
  await act(async () => {
    const loginId = $("pk-login-id").value.trim();
    // Without an email the device offers every passkey it holds for this site.
    const s = await client.webauthn.signIn(loginId || undefined);
    if (loginId) remember(null, loginId);
    setSession(s);
    notice("Signed in with a passkey");
  });
}

function signedInLoginId() {
  const user = currentUser();
  return (user && user.loginIds && user.loginIds[0]) || recalled("loginId");
}

async function passkeyAdd() {
  await act(async () => {
    await client.webauthn.update(signedInLoginId());
    notice("Passkey added: you can now sign in with it too");
  });
}

async function passkeyStepUp() {
  await act(async () => {
    const s = await client.webauthn.signIn(signedInLoginId(), { stepup: true });
    setSession(s);
    notice("Stepped up with a passkey");
  });
}

// ---------- session actions ----------

async function refresh() {
  await act(async () => {
    const s = await client.refresh();
    setSession(s);
    notice(`Session refreshed at ${new Date().toLocaleTimeString()}`);
  });
}

/** verifySession(): the verified claims, or the rejection's kind and code, below the buttons. */
async function verifySession() {
  await act(async () => {
    const box = $("verify-result");
    try {
      const claims = await client.verifySession();
      box.dataset.state = "verified";
      setText("verify-status", "Verified: signed by the project's key, not expired, issued for this project, a session token.");
      setText("verified-claims", JSON.stringify(plain(claims), null, 2));
      $("verified-claims").hidden = false;
    } catch (err) {
      const { code, description, kind } = describeError(err);
      box.dataset.state = "rejected";
      setText("verify-status", `Rejected (${kind || "error"} / ${code}): ${description}`);
      $("verified-claims").hidden = true;
    }
    box.hidden = false;
  });
}

async function stepUp() {
  await act(async () => {
    const user = currentUser();
    const loginId = (user && user.loginIds && user.loginIds[0]) || recalled("loginId");
    let method = recalled("method") || selectedMethod();
    // The remembered OTP method may not fit this login id (e.g. signed in by password or OAuth).
    if (loginId.includes("@") !== (method === "email")) method = loginId.includes("@") ? "email" : "sms";
    const masked = await client.otp.signIn(method, loginId, { stepup: true });
    pending = { method, loginId, purpose: "stepUp" };
    setText("masked", maskedOf(masked));
    $("code").value = "";
    notice("Step-up code sent: look in the Dev inbox");
    render();
    watchInbox(loginId);
  });
}

async function logout() {
  await act(async () => {
    try {
      await client.logout();
    } finally {
      // logout() clears storage even when the server call fails; mirror that in the view.
      pending = null;
      setSession(undefined);
    }
    notice("Signed out");
  });
}

// ---------- coming back from a link or a provider ----------

/**
 * Handles `?t=` (magic link; enchanted link with `el=1`) and `?code=` (OAuth / SSO, told apart by
 * the sessionStorage marker set before leaving). The parameters leave the address bar first, so a
 * reload or a shared URL never replays them.
 */
async function handleReturn() {
  const url = new URL(location.href);
  const t = url.searchParams.get("t");
  const code = url.searchParams.get("code");
  const enchanted = url.searchParams.has("el");
  if (!t && !code) return;
  for (const k of ["t", "code", "el"]) url.searchParams.delete(k);
  history.replaceState(history.state, "", url.pathname + url.search + url.hash);

  await act(async () => {
    if (t && enchanted) {
      if (!has("enchantedLink")) throw new Error("This SDK build has no enchanted links");
      await client.enchantedLink.verify(t);
      $("link-done-panel").hidden = false;
      notice("Link confirmed: the tab that sent it signs you in");
    } else if (t) {
      if (!has("magicLink")) throw new Error("This SDK build has no magic links");
      const s = await client.magicLink.verify(t);
      setSession(s);
      if (take(sessionStorage, "reset")) {
        notice("Signed in with the reset link: choose a new password below");
        $("pw-new").focus();
      } else {
        notice("Signed in with the magic link");
      }
    } else {
      const via = take(sessionStorage, "return") === "sso" ? "sso" : "oauth";
      if (!has(via)) throw new Error(`This SDK build has no ${via}`);
      const s = await client[via].exchange(code);
      setSession(s);
      notice(via === "sso" ? "Signed in with SSO" : "Signed in with the provider");
    }
  });
}

// ---------- start ----------

function wire() {
  for (const [t] of TABS) $(`tab-${t}`).addEventListener("click", () => showTab(t));
  for (const r of document.querySelectorAll('input[name="method"]')) r.addEventListener("change", updateLoginLabel);
  for (const r of document.querySelectorAll('input[name="ml-method"]')) r.addEventListener("change", updateMlLabel);
  $("send-form").addEventListener("submit", sendCode);
  $("verify-form").addEventListener("submit", verifyCode);
  $("verify-cancel").addEventListener("click", () => { pending = null; render(); });
  $("ml-form").addEventListener("submit", sendMagicLink);
  $("el-form").addEventListener("submit", sendEnchantedLink);
  $("el-cancel").addEventListener("click", () => stopWaiting(true));
  for (const b of document.querySelectorAll("#oauth-providers [data-provider]")) {
    b.addEventListener("click", () => startOAuth(b.dataset.provider));
  }
  $("sso-form").addEventListener("submit", startSso);
  $("totp-signup").addEventListener("click", totpSignUp);
  $("totp-form").addEventListener("submit", totpVerify);
  $("totp-login-id").addEventListener("change", watchTotp);
  $("totp-now-code").addEventListener("click", () => { $("totp-code").value = $("totp-now-code").textContent; });
  $("pw-form").addEventListener("submit", passwordSignIn);
  $("pw-signup").addEventListener("click", passwordSignUp);
  $("pw-reset").addEventListener("click", passwordReset);
  $("pw-update-form").addEventListener("submit", passwordUpdate);
  $("notp-form").addEventListener("submit", startNotp);
  $("notp-simulate").addEventListener("click", () => approveNotp(notpApproveUrl));
  $("notp-cancel").addEventListener("click", () => stopWaiting(true));
  $("pk-form").addEventListener("submit", passkeySignIn);
  $("pk-signup").addEventListener("click", passkeySignUp);
  $("pk-login-id").addEventListener("focus", startAutofill);
  $("pk-add").addEventListener("click", passkeyAdd);
  $("pk-stepup").addEventListener("click", passkeyStepUp);
  $("tenant-form").addEventListener("submit", selectTenant);
  $("history-reload").addEventListener("click", (ev) => { ev.preventDefault(); loadHistory(); });
  $("refresh").addEventListener("click", refresh);
  $("verify-session").addEventListener("click", verifySession);
  $("stepup-button").addEventListener("click", stepUp);
  $("logout").addEventListener("click", logout);
  $("cookie-mode").addEventListener("change", switchCookieMode);
  $("error-dismiss").addEventListener("click", clearError);
}

function prefill() {
  const lastMethod = recalled("method");
  const radio = lastMethod && document.querySelector(`input[name="method"][value="${lastMethod}"]`);
  if (radio) radio.checked = true;
  updateLoginLabel();
  updateMlLabel();
  const last = recalled("loginId");
  $("login-id").value = last;
  if (last.includes("@")) {
    for (const id of ["ml-login-id", "el-login-id", "totp-login-id", "pw-login-id", "pk-login-id"]) $(id).value = last;
  }
  $("sso-tenant").value = recalled("sso");
}

async function main() {
  wire();
  prefill();

  try {
    const [config] = await Promise.all([
      fetch("/emulator/config").then((r) => {
        if (!r.ok) throw new Error(`GET /emulator/config answered ${r.status}`);
        return r.json();
      }),
      init(),
    ]);
    setText("project-id", config.projectId);
    // The page follows the emulator's mode, so every tab agrees.
    const cookieMode = config.tokenResponseMethod === "cookies";
    $("cookie-mode").checked = cookieMode;
    setText("mode-note", cookieMode
      ? "(tokens in HttpOnly cookies: the page and the SDK hold none)"
      : "(tokens in this page's localStorage)");
    client = new Descope({
      projectId: config.projectId,
      baseUrl: location.origin,
      persistence: cookieMode ? "cookie" : "localStorage",
      // The SDK promises never to pass token or code values here; the e2e hygiene test checks it.
      logger: (level, event, fields) => {
        const log = console[level] || console.log;
        log.call(console, `[descope] ${event} ${safeJson(fields)}`);
      },
    });
    client.onSessionChange((ev) => {
      setText("last-event", ev.reason ? `${ev.type} (${ev.reason})` : ev.type);
      $("last-event").dataset.type = ev.type;
      if (!ev.session) pending = pending && pending.purpose === "signIn" ? pending : null;
      setSession(ev.session);
    });
    enableTabs();
    renderPasskeySupport();
    showTab(load(sessionStorage, "tab") || "otp");
    // A session restored from the server (cookie mode, or an expired stored session JWT) arrives
    // with one request started by the constructor: getSessionToken() waits for it.
    await client.getSessionToken().catch(() => undefined);
    setSession(client.session);
  } catch (err) {
    setText("status", "Could not start the SDK");
    document.body.dataset.state = "error";
    showError(err);
    return;
  }

  setInterval(tick, 500);
  setInterval(pollInbox, INBOX_POLL_MS);
  setInterval(pollTotp, INBOX_POLL_MS);
  pollInbox();
  await handleReturn();
}

main();
