// descope-wasm demo: one-time-code sign-in against the local emulator.
// Plain ES module, no build step. The page never reads or shows the raw JWTs: it only uses the
// decoded claims and helpers that the SDK exposes on the Session snapshot.
import init, { Descope, isDescopeError } from "./pkg/descope_wasm.js";

const $ = (id) => document.getElementById(id);
const PREFS = "descope-demo:"; // our own localStorage keys (not the SDK's DS/DSR)
const PHONE_METHODS = new Set(["sms", "voice", "whatsapp"]);
const INBOX_POLL_MS = 1000;

let client;            // Descope instance
let session;           // current Session snapshot (or undefined)
let profile;           // User from me(), for sessions restored without a user
let profileFor;        // userId that `profile` (or the in-flight me() call) belongs to
let pending = null;    // { method, loginId, purpose: "signIn" | "stepUp" } while a code is outstanding
let inboxLoginId = ""; // whose outbox the dev inbox shows
let inboxSig = "";     // last rendered outbox, to avoid needless DOM churn
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

function selectedMethod() {
  const checked = document.querySelector('input[name="method"]:checked');
  return checked ? checked.value : "email";
}

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

function showError(err) {
  let code = "error";
  let description = String(err && err.message ? err.message : err);
  if (isDescopeError(err)) {
    code = err.code;
    description = err.description || err.message;
    $("error").dataset.kind = err.kind;
  } else {
    delete $("error").dataset.kind;
  }
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

function remember(method, loginId) {
  try {
    localStorage.setItem(PREFS + "method", method);
    localStorage.setItem(PREFS + "loginId", loginId);
  } catch { /* storage may be unavailable; only a convenience */ }
}

function recalled(key) {
  try { return localStorage.getItem(PREFS + key) || ""; } catch { return ""; }
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

  $("signin-panel").hidden = signedIn;
  $("session-panel").hidden = !signedIn;
  $("verify-panel").hidden = !pending;
  $("verify-purpose").hidden = !(pending && pending.purpose === "stepUp");
  setText("verify-title", pending && pending.purpose === "stepUp" ? "Step-up: enter the new code" : "Enter the code");

  if (!signedIn) return;
  const user = currentUser();
  if (!user) loadProfile();
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
  setText("claims", JSON.stringify(plain(session.claims), null, 2));
  $("countdown").dataset.expiresAt = String(session.expiresAt);
  tick();
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
  session = s || undefined;
  if (!session) { profile = undefined; profileFor = undefined; }
  else if (session.user) { profile = plain(session.user); profileFor = session.userId; }
  if (session && !inboxLoginId) inboxLoginId = recalled("loginId");
  render();
}

// ---------- dev inbox ----------

async function pollInbox() {
  try {
    if (!inboxLoginId) return;
    const res = await fetch(`/emulator/outbox?loginId=${encodeURIComponent(inboxLoginId)}`);
    if (!res.ok) return;
    const { messages = [] } = await res.json();
    const sig = inboxLoginId + "|" + messages.length + "|" + safeJson(messages.at(-1) || {}).length;
    if (sig === inboxSig) return;
    inboxSig = sig;
    renderInbox(messages);
  } catch { /* the emulator may be restarting; try again on the next tick */ }
}

function renderInbox(messages) {
  const list = $("inbox");
  list.replaceChildren();
  $("inbox-empty").hidden = messages.length > 0;
  // newest first
  [...messages].reverse().forEach((m, i) => {
    const li = document.createElement("li");
    li.dataset.testid = "inbox-message";
    if (i === 0) li.classList.add("newest");
    const head = document.createElement("div");
    head.className = "inbox-head";
    const when = typeof m.at === "number" ? new Date(m.at > 1e12 ? m.at : m.at * 1000) : new Date(m.at);
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
    } else {
      const span = document.createElement("span");
      span.className = "muted";
      span.textContent = m.link ? "(a link was sent)" : "(no code)";
      li.append(span);
    }
    list.append(li);
  });
}

// ---------- actions ----------

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
    const masked = plain(await client.otp.signUpOrIn(method, loginId));
    pending = { method, loginId, purpose: "signIn" };
    remember(method, loginId);
    inboxLoginId = loginId;
    setText("masked", masked.maskedEmail || masked.maskedPhone || "(unknown)");
    $("code").value = "";
    notice("Code sent: look in the Dev inbox");
    render();
    pollInbox();
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

async function refresh() {
  await act(async () => {
    const s = await client.refresh();
    setSession(s);
    notice(`Session refreshed at ${new Date().toLocaleTimeString()}`);
  });
}

async function stepUp() {
  await act(async () => {
    const user = currentUser();
    const method = recalled("method") || selectedMethod();
    const loginId = (user && user.loginIds && user.loginIds[0]) || recalled("loginId");
    const masked = plain(await client.otp.signIn(method, loginId, { stepup: true }));
    pending = { method, loginId, purpose: "stepUp" };
    inboxLoginId = loginId;
    setText("masked", masked.maskedEmail || masked.maskedPhone || "(unknown)");
    $("code").value = "";
    notice("Step-up code sent: look in the Dev inbox");
    render();
    pollInbox();
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

// ---------- start ----------

async function main() {
  for (const r of document.querySelectorAll('input[name="method"]')) r.addEventListener("change", updateLoginLabel);
  $("send-form").addEventListener("submit", sendCode);
  $("verify-form").addEventListener("submit", verifyCode);
  $("verify-cancel").addEventListener("click", () => { pending = null; render(); });
  $("refresh").addEventListener("click", refresh);
  $("stepup-button").addEventListener("click", stepUp);
  $("logout").addEventListener("click", logout);
  $("error-dismiss").addEventListener("click", clearError);

  const lastMethod = recalled("method");
  const radio = lastMethod && document.querySelector(`input[name="method"][value="${lastMethod}"]`);
  if (radio) radio.checked = true;
  updateLoginLabel();
  $("login-id").value = recalled("loginId");

  try {
    const [config] = await Promise.all([
      fetch("/emulator/config").then((r) => {
        if (!r.ok) throw new Error(`GET /emulator/config answered ${r.status}`);
        return r.json();
      }),
      init(),
    ]);
    setText("project-id", config.projectId);
    client = new Descope({
      projectId: config.projectId,
      baseUrl: location.origin,
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
    setSession(client.session);
  } catch (err) {
    setText("status", "Could not start the SDK");
    document.body.dataset.state = "error";
    showError(err);
    return;
  }

  setInterval(tick, 500);
  setInterval(pollInbox, INBOX_POLL_MS);
  pollInbox();
}

main();
