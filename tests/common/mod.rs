//! Helpers shared by the wasm-bindgen-test suites: the emulator's control API, config objects,
//! promise plumbing and event recorders. Never prints a token or a code.
#![allow(dead_code)]

use descope_wasm::types::{DescopeConfigJs, SessionListenerJs};
use descope_wasm::Descope;
use js_sys::{Array, Function, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

pub const EMU: &str = match option_env!("DESCOPE_EMULATOR_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:4317",
};

/// A second emulator, started with `--cookies` (tests/cookies.rs): its API keeps the tokens in
/// HttpOnly cookies.
pub const COOKIE_EMU: &str = match option_env!("DESCOPE_COOKIE_EMULATOR_URL") {
    Some(u) => u,
    None => "http://127.0.0.1:4318",
};

#[wasm_bindgen(inline_js = r#"
export async function emu_call(base, method, path, body) {
  const init = { method };
  if (body !== undefined) { init.headers = { "content-type": "application/json" }; init.body = JSON.stringify(body); }
  const r = await fetch(base + path, init);
  const t = await r.text();
  let b = null; try { b = t ? JSON.parse(t) : null; } catch (_) { b = t; }
  return { status: r.status, body: b };
}
export function uid() { return Math.random().toString(36).slice(2, 10) + Date.now().toString(36); }
export function digits(n) { let s = ""; for (let i = 0; i < n; i++) s += Math.floor(Math.random() * 10); return s; }
export function sleep(ms) { return new Promise((r) => setTimeout(r, ms)); }
export function recorder() {
  const events = [];
  const f = (e) => events.push({ type: e.type, reason: e.reason, hasSession: e.session !== undefined,
    userId: e.session ? e.session.userId : undefined });
  f.events = events;
  return f;
}
export function logRecorder() {
  const lines = [];
  const f = (level, event, fields) => lines.push(level + " " + event + " " + JSON.stringify(fields));
  f.lines = lines;
  return f;
}
export function b64url(s) { return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, ""); }
export function fakeJwt(payload) {
  return b64url(JSON.stringify({ alg: "RS256", typ: "JWT" })) + "." + b64url(JSON.stringify(payload)) + ".c2ln";
}
export function ls_get(k) { return localStorage.getItem(k); }
export function ls_set(k, v) { localStorage.setItem(k, v); }
export function ls_remove(k) { localStorage.removeItem(k); }
export async function settle(p) { try { return { ok: true, value: await p }; } catch (e) { return { ok: false, error: e }; } }
export function allSettled(ps) { return Promise.all(ps.map(settle)); }
"#)]
extern "C" {
    fn emu_call(base: &str, method: &str, path: &str, body: JsValue) -> Promise;
    pub fn uid() -> String;
    pub fn digits(n: u32) -> String;
    fn sleep(ms: u32) -> Promise;
    pub fn recorder() -> Function;
    #[wasm_bindgen(js_name = logRecorder)]
    pub fn log_recorder() -> Function;
    #[wasm_bindgen(js_name = fakeJwt)]
    pub fn fake_jwt(payload: &JsValue) -> String;
    pub fn ls_get(k: &str) -> Option<String>;
    pub fn ls_set(k: &str, v: &str);
    pub fn ls_remove(k: &str);
    fn settle(p: &Promise) -> Promise;
    #[wasm_bindgen(js_name = allSettled)]
    fn all_settled(ps: &Array) -> Promise;
}

pub fn get(v: &JsValue, k: &str) -> JsValue {
    Reflect::get(v, &JsValue::from_str(k)).unwrap_or(JsValue::UNDEFINED)
}

pub fn get_str(v: &JsValue, k: &str) -> Option<String> {
    get(v, k).as_string()
}

pub fn json(s: &str) -> JsValue {
    js_sys::JSON::parse(s).expect("test JSON")
}

pub async fn pause(ms: u32) {
    let _ = JsFuture::from(sleep(ms)).await;
}

/// Calls the emulator; returns `{status, body}`.
pub async fn emu(method: &str, path: &str, body: Option<&str>) -> JsValue {
    emu_at(EMU, method, path, body).await
}

/// Calls the emulator at `base`; returns `{status, body}`.
pub async fn emu_at(base: &str, method: &str, path: &str, body: Option<&str>) -> JsValue {
    let b = body.map(json).unwrap_or(JsValue::UNDEFINED);
    JsFuture::from(emu_call(base, method, path, b))
        .await
        .expect("emulator reachable")
}

pub async fn project_id() -> String {
    let r = emu("GET", "/emulator/config", None).await;
    get_str(&get(&r, "body"), "projectId").expect("projectId")
}

/// Queues a fault (`{path, status?, body?, delayMs?, retryAfter?, times}`).
pub async fn fault(spec: &str) {
    let r = emu("POST", "/emulator/faults", Some(spec)).await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0), "fault queued");
}

pub async fn set_config(spec: &str) {
    let r = emu("POST", "/emulator/config", Some(spec)).await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0), "config set");
}

/// The request log as an array.
pub async fn requests() -> Array {
    let r = emu("GET", "/emulator/requests", None).await;
    get(&r, "body")
        .dyn_into::<Array>()
        .expect("request log array")
}

pub fn count_path(log: &Array, path: &str) -> usize {
    log.iter()
        .filter(|e| get_str(e, "path").as_deref() == Some(path))
        .count()
}

/// The newest OTP code sent to `login_id`.
pub async fn latest_code(login_id: &str) -> String {
    latest_code_at(EMU, login_id).await
}

/// The newest OTP code sent to `login_id` by the emulator at `base`.
pub async fn latest_code_at(base: &str, login_id: &str) -> String {
    let mut enc = String::new();
    for b in login_id.bytes() {
        if b.is_ascii_alphanumeric() || b"-_.~".contains(&b) {
            enc.push(b as char);
        } else {
            enc.push_str(&format!("%{b:02X}"));
        }
    }
    let r = emu_at(
        base,
        "GET",
        &format!("/emulator/outbox?loginId={enc}"),
        None,
    )
    .await;
    let msgs: Array = get(&get(&r, "body"), "messages")
        .dyn_into()
        .expect("messages");
    let last = msgs.get(msgs.length().saturating_sub(1));
    get_str(&last, "code").expect("a code in the outbox")
}

pub fn unique_email() -> String {
    format!("u{}@example.com", uid())
}

pub fn unique_phone() -> String {
    format!("+1555{}", digits(7))
}

/// A config object; `extra` is JSON members appended (e.g. `"autoRefresh":false`).
pub fn config(pid: &str, prefix: &str, extra: &str) -> DescopeConfigJs {
    let mut s = format!(r#"{{"projectId":"{pid}","baseUrl":"{EMU}","storagePrefix":"{prefix}""#);
    if !extra.is_empty() {
        s.push(',');
        s.push_str(extra);
    }
    s.push('}');
    json(&s).unchecked_into()
}

pub async fn client(extra: &str) -> (Descope, String) {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    (
        Descope::new(config(&pid, &prefix, extra)).expect("valid config"),
        prefix,
    )
}

pub fn method(m: &str) -> JsValue {
    JsValue::from_str(m)
}

/// `family[method](...args)`: a method of a sign-in family object (`d.otp()`, …; JS classes,
/// src/families.js) called by its JS name, as an app calls it.
pub fn invoke(family: &JsValue, method: &str, args: &[&JsValue]) -> JsValue {
    let f: Function = get(family, method)
        .dyn_into()
        .expect("a method of the family");
    let list: Array = args.iter().copied().collect();
    f.apply(family, &list).expect("family methods do not throw")
}

/// A family method that answers a promise (all but `webauthn.isSupported()`).
pub fn call(family: &JsValue, method: &str, args: &[&JsValue]) -> Promise {
    invoke(family, method, args).dyn_into().expect("a promise")
}

/// `webauthn.isSupported()`.
pub fn supported(webauthn: &JsValue) -> bool {
    invoke(webauthn, "isSupported", &[])
        .as_bool()
        .expect("a boolean")
}

pub fn options(s: &str) -> JsValue {
    json(s)
}

pub fn listener(f: &Function) -> SessionListenerJs {
    f.clone().unchecked_into()
}

pub fn events(rec: &Function) -> Array {
    get(rec, "events").dyn_into().expect("events")
}

pub fn event_types(rec: &Function) -> Vec<String> {
    events(rec)
        .iter()
        .map(|e| get_str(&e, "type").unwrap_or_default())
        .collect()
}

pub async fn ok(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(v) => v,
        Err(e) => panic!(
            "rejected: kind={:?} code={:?}",
            get_str(&e, "kind"),
            get_str(&e, "code")
        ),
    }
}

pub async fn err(p: Promise) -> JsValue {
    match JsFuture::from(p).await {
        Ok(_) => panic!("expected a rejection"),
        Err(e) => e,
    }
}

pub fn assert_descope_error(e: &JsValue, kind: &str, code: Option<&str>) {
    assert!(e.is_instance_of::<js_sys::Error>(), "a real Error");
    assert_eq!(get_str(e, "name").as_deref(), Some("DescopeError"));
    assert_eq!(
        get_str(e, "kind").as_deref(),
        Some(kind),
        "kind (code {:?})",
        get_str(e, "code")
    );
    if let Some(c) = code {
        assert_eq!(get_str(e, "code").as_deref(), Some(c));
    }
    assert!(get(e, "retryable").as_bool().is_some());
    assert!(descope_wasm::is_descope_error(e.clone()));
}

/// Signs `login_id` in by email OTP (sign-up-or-in + verify); returns the Session object.
pub async fn sign_in_email(d: &Descope, login_id: &str) -> JsValue {
    ok(call(
        &d.otp(),
        "signUpOrIn",
        &[
            &method("email"),
            &JsValue::from_str(login_id),
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    let code = latest_code(login_id).await;
    ok(call(
        &d.otp(),
        "verify",
        &[
            &method("email"),
            &JsValue::from_str(login_id),
            &JsValue::from_str(&code),
        ],
    ))
    .await
}

/// True if `s` contains something JWT-shaped (`eyJ` starts every base64url JSON object).
pub fn has_jwt(s: &str) -> bool {
    s.contains("eyJ")
}

#[wasm_bindgen(inline_js = r#"
let saved = null;
export function blockLocalStorage() {
  saved = Object.getOwnPropertyDescriptor(window, "localStorage");
  Object.defineProperty(window, "localStorage", { configurable: true,
    get() { throw new DOMException("The document is sandboxed", "SecurityError"); } });
}
export function unblockLocalStorage() {
  if (saved) Object.defineProperty(window, "localStorage", saved); else delete window.localStorage;
}
let savedSetItem = null;
export function fillStorage() {
  savedSetItem = Storage.prototype.setItem;
  Storage.prototype.setItem = function () { throw new DOMException("The quota has been exceeded.", "QuotaExceededError"); };
}
export function unfillStorage() { if (savedSetItem) Storage.prototype.setItem = savedSetItem; }
"#)]
extern "C" {
    #[wasm_bindgen(js_name = blockLocalStorage)]
    pub fn block_local_storage();
    #[wasm_bindgen(js_name = unblockLocalStorage)]
    pub fn unblock_local_storage();
    /// Makes every `setItem` throw `QuotaExceededError` (F35) until `unfill_storage`.
    #[wasm_bindgen(js_name = fillStorage)]
    pub fn fill_storage();
    #[wasm_bindgen(js_name = unfillStorage)]
    pub fn unfill_storage();
}

// ---- Helpers of the sign-in family suites (tests/families.rs). ----

#[wasm_bindgen(inline_js = r#"
export async function followUrl(url) {
  const r = await fetch(url, { redirect: "follow" });
  await r.text();
  return r.url;
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = followUrl)]
    fn follow_url(url: &str) -> Promise;
}

/// `encodeURIComponent` for the control API's query strings.
pub fn enc(s: &str) -> String {
    js_sys::encode_uri_component(s).into()
}

/// The newest outbox message (`{loginId, channel, kind, code?, token?, link?, pendingRef?}`) for
/// `login_id`.
pub async fn last_message(login_id: &str) -> JsValue {
    let r = emu(
        "GET",
        &format!("/emulator/outbox?loginId={}", enc(login_id)),
        None,
    )
    .await;
    let msgs: Array = get(&get(&r, "body"), "messages")
        .dyn_into()
        .expect("messages");
    assert!(msgs.length() > 0, "a message in the outbox");
    msgs.get(msgs.length() - 1)
}

/// The current TOTP code of `login_id`'s seed.
pub async fn totp_code(login_id: &str) -> String {
    let r = emu("GET", &format!("/emulator/totp/{}", enc(login_id)), None).await;
    get_str(&get(&r, "body"), "code").expect("a TOTP code")
}

/// Fetches an absolute URL (e.g. an OAuth provider URL) following redirects; the final URL.
pub async fn follow(url: &str) -> String {
    JsFuture::from(follow_url(url))
        .await
        .expect("fetch followed")
        .as_string()
        .expect("final URL")
}

/// GET of an absolute URL; returns `{status, body}`.
pub async fn get_url(url: &str) -> JsValue {
    JsFuture::from(emu_call("", "GET", url, JsValue::UNDEFINED))
        .await
        .expect("reachable")
}

/// A query parameter of an absolute URL.
pub fn query_param(url: &str, key: &str) -> Option<String> {
    let q = url.split_once('?')?.1.split('#').next()?;
    q.split('&')
        .filter_map(|kv| kv.split_once('='))
        .find(|(k, _)| *k == key)
        .and_then(|(_, v)| js_sys::decode_uri_component(v).ok())
        .map(String::from)
}
