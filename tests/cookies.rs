//! Cookie mode (`persistence: "cookie"`) against an emulator whose API keeps the tokens in HttpOnly
//! `DS`/`DSR` cookies (`--cookies`, `COOKIE_EMU`), in headless Chromium. The test page and the API
//! are two origins of one site (two ports of 127.0.0.1), as an app and its Descope custom domain
//! are: the cookies travel only because the SDK fetches with `credentials: "include"`. Also the
//! first visit and the reload (`DSLI`, `try-refresh`) and `lastUser`. Fault ids are named in test
//! names; tokens and codes are asserted on, never printed.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use descope_wasm::Descope;
use js_sys::{Array, Function};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
let count = 0;
let wrapped = false;
export function countFetches() {
  if (!wrapped) {
    const real = globalThis.fetch;
    globalThis.fetch = function (...args) { count++; return real.apply(this, args); };
    wrapped = true;
  }
  count = 0;
}
export function fetches() { return count; }
export function storageText() {
  const all = [];
  for (const s of [localStorage, sessionStorage])
    for (let i = 0; i < s.length; i++) all.push(s.key(i) + "=" + s.getItem(s.key(i)));
  return all.join("\n");
}
export function clearStorage() { localStorage.clear(); sessionStorage.clear(); }
export function ssGet(k) { return sessionStorage.getItem(k); }
"#)]
extern "C" {
    /// From now on, counts the page's `fetch` calls (the SDK's and the tests' own).
    #[wasm_bindgen(js_name = countFetches)]
    fn count_fetches();
    fn fetches() -> u32;
    /// Every key and value of localStorage and sessionStorage, one per line.
    #[wasm_bindgen(js_name = storageText)]
    fn storage_text() -> String;
    #[wasm_bindgen(js_name = clearStorage)]
    fn clear_storage();
    #[wasm_bindgen(js_name = ssGet)]
    fn ss_get(k: &str) -> Option<String>;
}

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

async fn cookie_pid() -> String {
    let r = emu_at(COOKIE_EMU, "GET", "/emulator/config", None).await;
    get_str(&get(&r, "body"), "projectId").expect("projectId")
}

async fn cookie_config(spec: &str) {
    let r = emu_at(COOKIE_EMU, "POST", "/emulator/config", Some(spec)).await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0), "config set");
}

async fn cookie_requests() -> Array {
    let r = emu_at(COOKIE_EMU, "GET", "/emulator/requests", None).await;
    get(&r, "body").dyn_into().expect("request log")
}

/// A cookie-mode client of the cookie emulator; `extra` is JSON members appended.
fn cookie_client(pid: &str, extra: &str) -> Descope {
    let mut c = format!(r#"{{"projectId":"{pid}","baseUrl":"{COOKIE_EMU}","persistence":"cookie""#);
    if !extra.is_empty() {
        c.push(',');
        c.push_str(extra);
    }
    c.push('}');
    Descope::new(json(&c).unchecked_into()).expect("valid config")
}

/// OTP sign-up (with a name) and verify against the cookie emulator; returns the Session.
async fn sign_in(d: &Descope, login: &str, name: &str) -> JsValue {
    let user = json(&format!(r#"{{"name":"{name}"}}"#));
    ok(call(
        &d.otp(),
        "signUp",
        &[&method("email"), &s(login), &user, &JsValue::UNDEFINED],
    ))
    .await;
    let code = latest_code_at(COOKIE_EMU, login).await;
    ok(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(login), &s(&code)],
    ))
    .await
}

/// The log entries from `from` on with this path.
fn entries(log: &Array, from: u32, path: &str) -> Vec<JsValue> {
    log.iter()
        .skip(from as usize)
        .filter(|e| get_str(e, "path").as_deref() == Some(path))
        .collect()
}

fn header(entry: &JsValue, name: &str) -> Option<String> {
    get_str(&get(entry, "headers"), name)
}

fn call0(obj: &JsValue, method: &str) -> JsValue {
    get(obj, method)
        .dyn_into::<Function>()
        .expect("a method")
        .call0(obj)
        .expect("no throw")
}

#[wasm_bindgen_test]
async fn cookie_sign_in_holds_no_token_and_knows_the_session_from_claims() {
    clear_storage();
    let pid = cookie_pid().await;
    let d = cookie_client(&pid, r#""autoRefresh":false"#);
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let login = unique_email();
    let from = cookie_requests().await.length();
    let session = sign_in(&d, &login, "Ada Cookie").await;
    // The session is known, but the SDK holds no token.
    assert_eq!(get_str(&session, "sessionJwt").as_deref(), Some(""));
    assert_eq!(get(&session, "refreshJwt"), JsValue::UNDEFINED);
    assert_eq!(get(&session, "refreshExpiresAt"), JsValue::UNDEFINED);
    let user_id = get_str(&session, "userId").expect("userId from claims");
    assert!(!user_id.is_empty());
    assert_eq!(
        get_str(&get(&session, "claims"), "sub"),
        Some(user_id.clone())
    );
    assert_eq!(
        get_str(&get(&session, "claims"), "drn").as_deref(),
        Some("DS")
    );
    assert_eq!(
        get_str(&get(&session, "user"), "email"),
        Some(login.clone())
    );
    let amr: Array = get(&session, "amr").dyn_into().unwrap();
    assert!(amr.includes(&s("email"), 0));
    let exp = get(&session, "expiresAt").as_f64().unwrap();
    assert!(exp > js_sys::Date::now() + 60_000.0);
    assert_eq!(call0(&session, "isExpired").as_bool(), Some(false));
    assert_eq!(event_types(&rec), vec!["signedIn"]);
    // getSessionToken: "" while signed in (the browser sends DS itself).
    assert_eq!(
        ok(d.get_session_token()).await.as_string().as_deref(),
        Some("")
    );
    // Storage holds the login indicator and the last user, nothing token-like.
    let claims_exp = get(&get(&session, "claims"), "exp").as_f64().unwrap();
    assert_eq!(ls_get("DSLI"), Some(format!("{claims_exp}")));
    assert_eq!(ls_get("dls_last_user_login_id"), Some(login.clone()));
    assert_eq!(
        ls_get("dls_last_user_display_name").as_deref(),
        Some("Ada Cookie")
    );
    let stored = storage_text();
    assert!(!has_jwt(&stored), "no token in storage");
    assert_eq!(ls_get("DS"), None);
    assert_eq!(ls_get("DSR"), None);
    // Every request carried the page's cookies for the API; the verify answer set them.
    let log = cookie_requests().await;
    let verify = entries(&log, from, "/v1/auth/otp/verify/email");
    assert_eq!(verify.len(), 1);
    assert_eq!(
        header(&verify[0], "authorization"),
        Some(format!("Bearer {pid}"))
    );
    let lu = d.last_user();
    assert_eq!(get_str(&lu, "loginId"), Some(login));
    assert_eq!(get_str(&lu, "name").as_deref(), Some("Ada Cookie"));
    // `diagnostics()` names the mode.
    assert_eq!(
        get_str(&d.diagnostics(), "persistence").as_deref(),
        Some("cookie")
    );
    // No session JWT to verify: it lives in an HttpOnly cookie.
    let e = err(d.verify_session(JsValue::UNDEFINED)).await;
    assert_descope_error(&e, "validation", Some("noToken"));
    d.dispose();
}

#[wasm_bindgen_test]
async fn cookie_refresh_me_and_step_up_send_the_cookie_and_only_the_project_id() {
    clear_storage();
    let pid = cookie_pid().await;
    cookie_config(r#"{"rotation":true}"#).await;
    let d = cookie_client(&pid, r#""autoRefresh":false"#);
    let login = unique_email();
    let first = sign_in(&d, &login, "Rota").await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let from = cookie_requests().await.length();
    // Twice under rotation: the second refresh sends the refresh cookie the first one set.
    for _ in 0..2 {
        let s2 = ok(d.refresh()).await;
        assert_eq!(get_str(&s2, "sessionJwt").as_deref(), Some(""));
        assert_eq!(get_str(&s2, "userId"), get_str(&first, "userId"));
    }
    assert_eq!(event_types(&rec), vec!["refreshed", "refreshed"]);
    let me = ok(d.me()).await;
    assert_eq!(get_str(&me, "email"), Some(login.clone()));
    let log = cookie_requests().await;
    let refreshes = entries(&log, from, "/v1/auth/refresh");
    assert_eq!(refreshes.len(), 2);
    for e in refreshes
        .iter()
        .chain(entries(&log, from, "/v1/auth/me").iter())
    {
        assert_eq!(get(e, "status").as_f64(), Some(200.0));
        assert_eq!(header(e, "authorization"), Some(format!("Bearer {pid}")));
        let cookie = header(e, "cookie").unwrap_or_default();
        assert!(cookie.contains("DSR="), "the refresh cookie was sent");
        assert!(cookie.contains("DS="), "the session cookie was sent");
    }
    // Step-up: the refresh credential is the cookie here too (no token in Authorization).
    let login = get_str(&me, "email").unwrap();
    let from = cookie_requests().await.length();
    ok(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &s(&login), &options(r#"{"stepup":true}"#)],
    ))
    .await;
    let code = latest_code_at(COOKIE_EMU, &login).await;
    let up = ok(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(&code)],
    ))
    .await;
    assert_eq!(get(&up, "stepUp").as_bool(), Some(true));
    assert_eq!(get_str(&up, "sessionJwt").as_deref(), Some(""));
    let log = cookie_requests().await;
    let start = entries(&log, from, "/v1/auth/otp/signin/email");
    assert_eq!(
        header(&start[0], "authorization"),
        Some(format!("Bearer {pid}"))
    );
    assert!(header(&start[0], "cookie")
        .unwrap_or_default()
        .contains("DSR="));
    cookie_config(r#"{"rotation":null}"#).await;
    d.dispose();
}

/// A reload in cookie mode: the constructor sends nothing; right after it one `try-refresh`
/// restores the session (`restored`), and `getSessionToken()` called at once waits for it.
#[wasm_bindgen_test]
async fn cookie_reload_restores_with_one_try_refresh() {
    clear_storage();
    let pid = cookie_pid().await;
    let a = cookie_client(&pid, r#""autoRefresh":false"#);
    let login = unique_email();
    let first = sign_in(&a, &login, "Reload").await;
    a.dispose();
    let from = cookie_requests().await.length();
    count_fetches();
    let b = cookie_client(&pid, "");
    assert_eq!(fetches(), 0, "the constructor does no I/O");
    assert!(b.session().is_none(), "not known before the server answers");
    let rec = recorder();
    b.on_session_change(listener(&rec)).unwrap();
    let token = ok(b.get_session_token()).await;
    assert_eq!(
        token.as_string().as_deref(),
        Some(""),
        "signed in, token in the cookie"
    );
    assert_eq!(event_types(&rec), vec!["restored"]);
    let restored = b.session().expect("restored");
    assert_eq!(restored.user_id().as_string(), get_str(&first, "userId"));
    assert_eq!(get_str(&restored.user(), "email"), Some(login.clone()));
    let log = cookie_requests().await;
    assert_eq!(entries(&log, from, "/v1/auth/try-refresh").len(), 1);
    assert_eq!(entries(&log, from, "/v1/auth/refresh").len(), 0);
    assert_eq!(log.length() - from, 1, "exactly one request");
    // Auto-refresh is scheduled from the restored session.
    assert!(get(&b.diagnostics(), "nextRefreshAt").as_f64().is_some());
    b.dispose();
}

/// A browser that never signed in (no `DSLI`, no last user) sends nothing at all, in cookie mode
/// and in body mode; `getSessionToken()` is `undefined` at once.
#[wasm_bindgen_test]
async fn first_visit_sends_no_request() {
    clear_storage();
    let pid = cookie_pid().await;
    let from = cookie_requests().await.length();
    count_fetches();
    let c = cookie_client(&pid, "");
    let body = Descope::new(config(&pid, "fv.", "")).unwrap();
    let rec = recorder();
    c.on_session_change(listener(&rec)).unwrap();
    assert_eq!(ok(c.get_session_token()).await, JsValue::UNDEFINED);
    assert_eq!(ok(body.get_session_token()).await, JsValue::UNDEFINED);
    pause(300).await;
    assert_eq!(fetches(), 0, "no request from either client");
    assert!(c.session().is_none() && body.session().is_none());
    assert_eq!(c.last_user(), JsValue::UNDEFINED);
    assert!(event_types(&rec).is_empty());
    assert_eq!(cookie_requests().await.length(), from);
    c.dispose();
    body.dispose();
}

/// Logout asks the server to expire both cookies, removes `DSLI`, keeps the last user; a reload
/// then sends nothing. A login indicator whose cookie is gone restores to `signedOut` (expired)
/// with one try-refresh and is removed.
#[wasm_bindgen_test]
async fn cookie_logout_clears_cookies_and_dsli_but_keeps_the_last_user() {
    clear_storage();
    let pid = cookie_pid().await;
    let d = cookie_client(&pid, r#""autoRefresh":false"#);
    let login = unique_email();
    sign_in(&d, &login, "Leaving").await;
    let from = cookie_requests().await.length();
    ok(d.logout()).await;
    assert!(d.session().is_none());
    assert_eq!(ls_get("DSLI"), None);
    assert_eq!(ls_get("dls_last_user_login_id"), Some(login.clone()));
    assert_eq!(get_str(&d.last_user(), "name").as_deref(), Some("Leaving"));
    let log = cookie_requests().await;
    let out = entries(&log, from, "/v1/auth/logout");
    assert_eq!(out.len(), 1);
    assert!(header(&out[0], "cookie")
        .unwrap_or_default()
        .contains("DSR="));
    // The cookies are gone: a login indicator left behind (a crash before the removal, another
    // SDK) restores to nothing with one try-refresh.
    ls_set("DSLI", "1");
    let from = cookie_requests().await.length();
    let b = cookie_client(&pid, "");
    let rec = recorder();
    b.on_session_change(listener(&rec)).unwrap();
    assert_eq!(ok(b.get_session_token()).await, JsValue::UNDEFINED);
    assert_eq!(event_types(&rec), vec!["signedOut"]);
    assert_eq!(
        get_str(&events(&rec).get(0), "reason").as_deref(),
        Some("expired")
    );
    assert_eq!(ls_get("DSLI"), None, "the stale indicator is removed");
    let log = cookie_requests().await;
    assert_eq!(entries(&log, from, "/v1/auth/try-refresh").len(), 1);
    assert_eq!(log.length() - from, 1);
    // Now a reload sends nothing; the last user is still known.
    let from = log.length();
    count_fetches();
    let c = cookie_client(&pid, "");
    assert_eq!(ok(c.get_session_token()).await, JsValue::UNDEFINED);
    pause(200).await;
    assert_eq!(fetches(), 0);
    assert_eq!(cookie_requests().await.length(), from);
    assert_eq!(get_str(&c.last_user(), "loginId"), Some(login));
    for x in [d, b, c] {
        x.dispose();
    }
}

/// `refreshCookieName`: the server's refresh cookie has another name; the SDK names it in
/// `x-descope-refresh-cookie-name` on every request.
#[wasm_bindgen_test]
async fn refresh_cookie_name_is_sent() {
    clear_storage();
    let pid = cookie_pid().await;
    cookie_config(r#"{"refreshCookieName":"AppRT"}"#).await;
    let d = cookie_client(&pid, r#""autoRefresh":false,"refreshCookieName":"AppRT""#);
    let from = cookie_requests().await.length();
    sign_in(&d, &unique_email(), "Named").await;
    ok(d.refresh()).await;
    let log = cookie_requests().await;
    let sent: Vec<JsValue> = log.iter().skip(from as usize).collect();
    assert!(sent.len() >= 3);
    for e in &sent {
        assert_eq!(
            header(e, "x-descope-refresh-cookie-name").as_deref(),
            Some("AppRT")
        );
    }
    let refresh = entries(&log, from, "/v1/auth/refresh");
    assert!(header(&refresh[0], "cookie")
        .unwrap_or_default()
        .contains("AppRT="));
    cookie_config(r#"{"refreshCookieName":null}"#).await;
    // A bad name is a config error (it goes into a header).
    let bad = json(&format!(
        r#"{{"projectId":"{pid}","persistence":"cookie","refreshCookieName":"a b"}}"#
    ));
    let e = Descope::new(bad.unchecked_into()).err().expect("rejected");
    assert_descope_error(&e, "config", Some("invalidConfig"));
    d.dispose();
}

/// Outside cookie mode `fetch` keeps its default credentials: the browser's cookies for the API
/// (another origin) are not sent, so servers without `Allow-Credentials` keep working.
#[wasm_bindgen_test]
async fn body_mode_sends_no_cookies() {
    clear_storage();
    let pid = cookie_pid().await;
    let c = cookie_client(&pid, r#""autoRefresh":false"#);
    sign_in(&c, &unique_email(), "Jar").await;
    let body = Descope::new(
        json(&format!(
            r#"{{"projectId":"{pid}","baseUrl":"{COOKIE_EMU}","persistence":"memory"}}"#
        ))
        .unchecked_into(),
    )
    .unwrap();
    let from = cookie_requests().await.length();
    ok(call(
        &body.otp(),
        "signUpOrIn",
        &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
    ))
    .await;
    let log = cookie_requests().await;
    let e = entries(&log, from, "/v1/auth/otp/signup-in/email");
    assert_eq!(e.len(), 1);
    assert_eq!(
        header(&e[0], "cookie"),
        None,
        "no cookie without credentials include"
    );
    c.dispose();
    body.dispose();
}

/// Two clients sharing the page's storage and cookie jar, as two tabs do: a refresh in one and
/// then in the other both succeed under rotation (the jar holds the newest refresh cookie), and
/// logout in one removes `DSLI`, which the other follows (F31) on its storage event (a real
/// second tab is in tests/e2e/cookies.test.mjs).
#[wasm_bindgen_test]
async fn f16_two_clients_share_the_cookie_jar_under_rotation() {
    clear_storage();
    let pid = cookie_pid().await;
    cookie_config(r#"{"rotation":true}"#).await;
    let a = cookie_client(&pid, r#""autoRefresh":false"#);
    sign_in(&a, &unique_email(), "Two").await;
    let b = cookie_client(&pid, r#""autoRefresh":false"#);
    // b restores the session a signed in (DSLI is there): one try-refresh.
    assert_eq!(
        ok(b.get_session_token()).await.as_string().as_deref(),
        Some("")
    );
    for _ in 0..2 {
        ok(a.refresh()).await;
        ok(b.refresh()).await;
    }
    assert!(a.session().is_some() && b.session().is_some());
    cookie_config(r#"{"rotation":null}"#).await;
    a.dispose();
    b.dispose();
}

/// Under persistence "memory" nothing is written to web storage (not even `DSLI` or the last
/// user); under "sessionStorage" they go to sessionStorage. Body mode, against the main emulator.
#[wasm_bindgen_test]
async fn indicator_and_last_user_follow_the_persistence() {
    clear_storage();
    let pid = project_id().await;
    let m = Descope::new(config(
        &pid,
        "mem.",
        r#""persistence":"memory","autoRefresh":false"#,
    ))
    .unwrap();
    let login = unique_email();
    sign_in_email(&m, &login).await;
    assert_eq!(storage_text(), "", "nothing written anywhere");
    assert_eq!(get_str(&m.last_user(), "loginId"), Some(login.clone()));
    let ss = Descope::new(config(
        &pid,
        "ss.",
        r#""persistence":"sessionStorage","autoRefresh":false"#,
    ))
    .unwrap();
    sign_in_email(&ss, &login).await;
    assert!(ss_get("DSLI").is_some());
    assert_eq!(ss_get("dls_last_user_login_id"), Some(login));
    assert_eq!(ls_get("DSLI"), None);
    m.dispose();
    ss.dispose();
}

/// The login indicator goes when the session ends here (a refresh the server refuses, F17), not
/// when another tab's session does; the last user stays. Body mode, against the main emulator.
#[wasm_bindgen_test]
async fn f17_revoked_session_removes_the_login_indicator_and_keeps_the_last_user() {
    clear_storage();
    let (d, _) = client(r#""autoRefresh":false"#).await;
    let login = unique_email();
    let session = sign_in_email(&d, &login).await;
    let exp = get(&get(&session, "claims"), "exp").as_f64().unwrap();
    assert_eq!(ls_get("DSLI"), Some(format!("{exp}")));
    fault(r#"{"path":"/v1/auth/refresh","status":401,"body":{"errorCode":"E064001"},"times":1}"#)
        .await;
    let e = err(d.refresh()).await;
    assert_descope_error(&e, "unauthenticated", Some("E064001"));
    assert!(d.session().is_none());
    assert_eq!(ls_get("DSLI"), None);
    assert_eq!(get_str(&d.last_user(), "loginId"), Some(login));
    d.dispose();
}
