//! The glue against a running emulator, in headless Chromium. Fault ids (F..) are named in test
//! names. Tokens and codes are asserted on, never printed.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use descope_wasm::Descope;
use js_sys::{Array, Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

#[wasm_bindgen_test]
async fn otp_email_sign_up_verify_persists_and_emits_signed_in() {
    let (d, prefix) = client("").await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let login = unique_email();
    let user = json(r#"{"name":"Ada Lovelace"}"#);
    let masked = ok(call(
        &d.otp(),
        "signUp",
        &[&method("email"), &s(&login), &user, &JsValue::UNDEFINED],
    ))
    .await;
    assert!(get_str(&masked, "maskedEmail").is_some_and(|m| !m.is_empty() && m != login));
    let code = latest_code(&login).await;
    let session = ok(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(&code)],
    ))
    .await;
    let jwt = get_str(&session, "sessionJwt").unwrap();
    assert_eq!(jwt.split('.').count(), 3);
    assert!(get_str(&session, "refreshJwt").is_some());
    assert!(get_str(&session, "userId").is_some_and(|u| !u.is_empty()));
    let amr: Array = get(&session, "amr").dyn_into().unwrap();
    assert!(amr.includes(&s("email"), 0));
    assert_eq!(
        get_str(&get(&session, "user"), "name").as_deref(),
        Some("Ada Lovelace")
    );
    let exp = get(&session, "expiresAt").as_f64().unwrap();
    assert!(exp > js_sys::Date::now() + 60_000.0);
    assert_eq!(
        get(&session, "isExpired")
            .dyn_into::<Function>()
            .unwrap()
            .call0(&session)
            .unwrap()
            .as_bool(),
        Some(false)
    );
    // Current, persisted under the prefixed Descope web SDK keys, announced once.
    assert_eq!(d.session().unwrap().session_jwt().as_string().unwrap(), jwt);
    assert_eq!(
        ls_get(&format!("{prefix}DS")).as_deref(),
        Some(jwt.as_str())
    );
    assert_eq!(
        ls_get(&format!("{prefix}DSR")),
        get_str(&session, "refreshJwt")
    );
    assert_eq!(event_types(&rec), vec!["signedIn"]);
    assert_eq!(
        get(&events(&rec).get(0), "hasSession").as_bool(),
        Some(true)
    );
    // Sign-up of an existing user fails with the server's code.
    let e = err(call(
        &d.otp(),
        "signUp",
        &[
            &method("email"),
            &s(&login),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "api", Some("E062107"));
}

#[wasm_bindgen_test]
async fn otp_sms_sign_up_or_in_then_sign_in() {
    let (d, _) = client("").await;
    let phone = unique_phone();
    let masked = ok(call(
        &d.otp(),
        "signUpOrIn",
        &[&method("sms"), &s(&phone), &JsValue::UNDEFINED],
    ))
    .await;
    assert!(get_str(&masked, "maskedPhone").is_some());
    let code = latest_code(&phone).await;
    let s1 = ok(call(
        &d.otp(),
        "verify",
        &[&method("sms"), &s(&phone), &s(&code)],
    ))
    .await;
    let masked = ok(call(
        &d.otp(),
        "signIn",
        &[&method("sms"), &s(&phone), &JsValue::UNDEFINED],
    ))
    .await;
    assert!(get_str(&masked, "maskedPhone").is_some());
    let code2 = latest_code(&phone).await;
    let s2 = ok(call(
        &d.otp(),
        "verify",
        &[&method("sms"), &s(&phone), &s(&code2)],
    ))
    .await;
    assert_eq!(get_str(&s1, "userId"), get_str(&s2, "userId"));
    let amr: Array = get(&s2, "amr").dyn_into().unwrap();
    assert!(amr.includes(&s("sms"), 0));
}

#[wasm_bindgen_test]
async fn wrong_code_is_e061102_and_no_session() {
    let (d, _) = client("").await;
    let login = unique_email();
    ok(call(
        &d.otp(),
        "signUpOrIn",
        &[&method("email"), &s(&login), &JsValue::UNDEFINED],
    ))
    .await;
    let code = latest_code(&login).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e = err(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(wrong)],
    ))
    .await;
    assert_descope_error(&e, "api", Some("E061102"));
    assert_eq!(get(&e, "status").as_f64(), Some(400.0));
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert!(d.session().is_none());
}

#[wasm_bindgen_test]
async fn unknown_user_is_e062108() {
    let (d, _) = client("").await;
    let e = err(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "api", Some("E062108"));
}

#[wasm_bindgen_test]
async fn validation_errors_happen_before_the_network() {
    let (d, _) = client("").await;
    let before = requests().await.length();
    let e = err(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &s(""), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("emptyLoginId"));
    let e = err(call(
        &d.otp(),
        "signIn",
        &[&method("fax"), &s("a@b.co"), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("invalidMethod"));
    let e = err(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &JsValue::from(5), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "validation", None);
    let e = err(call(
        &d.otp(),
        "updateEmail",
        &[&s("a@b.co"), &s("not-an-email"), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("invalidEmail"));
    let e = err(call(
        &d.otp(),
        "updatePhone",
        &[
            &JsValue::from_str("sms").unchecked_into(),
            &s("x"),
            &s("555"),
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("invalidPhone"));
    let e = err(call(
        &d.otp(),
        "signIn",
        &[
            &method("email"),
            &s("a@b.co"),
            &options(r#"{"customClaims":[1]}"#),
        ],
    ))
    .await;
    assert_descope_error(&e, "validation", None);
    assert_eq!(requests().await.length(), before, "no request was sent");
}

#[wasm_bindgen_test]
async fn f15_rate_limit_surfaces_retry_after_ms() {
    let (d, _) = client("").await;
    fault(r#"{"path":"/v1/auth/otp/signin/email","status":429,"retryAfter":"7","times":1}"#).await;
    let e = err(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "rateLimited", Some("E130429"));
    assert_eq!(get(&e, "retryAfterMs").as_f64(), Some(7000.0));
    assert_eq!(get(&e, "status").as_f64(), Some(429.0));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    // The emulator's own limiter, through the config switch, restored afterwards.
    let cfg = emu("GET", "/emulator/config", None).await;
    let old = get(&get(&cfg, "body"), "rateLimitPerMinute")
        .as_f64()
        .unwrap_or(600.0) as u64;
    set_config(r#"{"rateLimitPerMinute":1}"#).await;
    let mut limited = None;
    for _ in 0..3 {
        if let Err(e) = JsFuture::from(call(
            &d.otp(),
            "signIn",
            &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
        ))
        .await
        {
            if get_str(&e, "kind").as_deref() == Some("rateLimited") {
                limited = Some(e);
                break;
            }
        }
    }
    set_config(&format!(r#"{{"rateLimitPerMinute":{old}}}"#)).await;
    let e = limited.expect("rate limited by the emulator");
    let ms = get(&e, "retryAfterMs").as_f64().expect("retryAfterMs");
    assert!((1000.0..=600_000.0).contains(&ms));
}

#[wasm_bindgen_test]
async fn storage_is_restored_by_a_new_instance_with_a_restored_event() {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let a = Descope::new(config(&pid, &prefix, r#""autoRefresh":false"#)).unwrap();
    let session = sign_in_email(&a, &unique_email()).await;
    a.dispose();
    let b = Descope::new(config(&pid, &prefix, r#""autoRefresh":false"#)).unwrap();
    let rec = recorder();
    b.on_session_change(listener(&rec)).unwrap();
    // Restored synchronously at construction (no network)...
    let restored = b.session().expect("restored");
    assert_eq!(
        restored.session_jwt().as_string().unwrap(),
        get_str(&session, "sessionJwt").unwrap()
    );
    assert_eq!(restored.user_id().as_string(), get_str(&session, "userId"));
    // ...and announced in a microtask to listeners added right after the constructor.
    pause(0).await;
    assert_eq!(event_types(&rec), vec!["restored"]);
    let token = ok(b.get_session_token()).await;
    assert_eq!(token.as_string(), get_str(&session, "sessionJwt"));
}

/// F20: `fetch` rejects before sending (a refused connection): a retryable `network` error, the
/// session kept, and the next attempt armed with the growing jittered backoff (1–2 s, then 2–4 s).
#[wasm_bindgen_test]
async fn f20_a_refused_connection_is_a_network_error_retried_with_backoff() {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let in_session = r#""persistence":"sessionStorage","autoRefresh":false"#;
    let a = Descope::new(config(&pid, &prefix, in_session)).unwrap();
    sign_in_email(&a, &unique_email()).await;
    a.dispose();
    // The same session against an address where nothing listens (port 3 of the loopback).
    let cfg = json(&format!(
        r#"{{"projectId":"{pid}","baseUrl":"http://127.0.0.1:3","storagePrefix":"{prefix}","persistence":"sessionStorage"}}"#
    ));
    let b = Descope::new(cfg.unchecked_into()).unwrap();
    assert!(b.session().is_some(), "restored");
    for (n, (lo, hi)) in [(1.0, (1_000.0, 2_000.0)), (2.0, (2_000.0, 4_000.0))] {
        let e = err(b.refresh()).await;
        assert_descope_error(&e, "network", Some("network"));
        assert_eq!(get(&e, "retryable").as_bool(), Some(true));
        let diag = b.diagnostics();
        assert_eq!(get(&diag, "consecutiveFailures").as_f64(), Some(n));
        let wait = next_refresh_in(&b);
        // The backoff was drawn a moment ago (up to 300 ms: the one quick resend of F21 first).
        assert!(
            (lo - 400.0..=hi).contains(&wait),
            "attempt {n}: next in {wait} ms"
        );
        assert!(b.session().is_some(), "the session is kept");
    }
    b.dispose();
}

#[wasm_bindgen(inline_js = r#"
// The browser says it is offline (F24); returns the function that puts navigator.onLine back.
export function goOffline() {
  Object.defineProperty(navigator, "onLine", { configurable: true, get: () => false });
  return () => { delete navigator.onLine; };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = goOffline)]
    fn go_offline() -> Function;
}

/// Milliseconds until `d`'s armed refresh (a retry, or the check while offline).
fn next_refresh_in(d: &Descope) -> f64 {
    get(&d.diagnostics(), "nextRefreshAt")
        .as_f64()
        .expect("a refresh is armed")
        - js_sys::Date::now()
}

/// F24/G6: a refresh that fails on the network while `navigator.onLine` is false is not retried
/// on the backoff: the next attempt waits for `online` (which refreshes at once), or 5 minutes.
/// The session is kept.
#[wasm_bindgen_test]
async fn f24_offline_a_failed_refresh_waits_for_online_not_the_backoff() {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let in_session = r#""persistence":"sessionStorage","autoRefresh":false"#;
    let a = Descope::new(config(&pid, &prefix, in_session)).unwrap();
    sign_in_email(&a, &unique_email()).await;
    a.dispose();
    let cfg = json(&format!(
        r#"{{"projectId":"{pid}","baseUrl":"http://127.0.0.1:3","storagePrefix":"{prefix}","persistence":"sessionStorage"}}"#
    ));
    let b = Descope::new(cfg.unchecked_into()).unwrap();
    let back_online = go_offline();
    let e = err(b.refresh()).await;
    back_online.call0(&JsValue::NULL).unwrap();
    assert_descope_error(&e, "network", Some("network"));
    let next = next_refresh_in(&b);
    assert!(
        (299_000.0..=300_000.0).contains(&next),
        "next attempt in {next} ms"
    );
    assert!(b.session().is_some(), "the session is kept");
    b.dispose();
}

/// F10/G14: a 5xx is transient: the next attempt comes within the network backoff's 30 s cap (it
/// was one minute, so the session came back up to 70 s after the server), or after a 503's own
/// `Retry-After`.
#[wasm_bindgen_test]
async fn f10_g14_a_server_error_is_retried_within_the_backoff_cap() {
    let (d, _) = client("").await;
    sign_in_email(&d, &unique_email()).await;
    fault(
        r#"{"path":"/v1/auth/refresh","status":502,"body":"<html>Bad gateway</html>","times":1}"#,
    )
    .await;
    assert_descope_error(&err(d.refresh()).await, "api", Some("serverError"));
    let next = next_refresh_in(&d);
    assert!(next <= 30_000.0, "next attempt in {next} ms");
    fault(r#"{"path":"/v1/auth/refresh","status":503,"retryAfter":"120","times":1}"#).await;
    assert_descope_error(&err(d.refresh()).await, "api", None);
    let next = next_refresh_in(&d);
    assert!(
        (119_000.0..=120_000.0).contains(&next),
        "next attempt in {next} ms"
    );
    assert!(d.session().is_some(), "the session is kept");
    d.dispose();
}

#[wasm_bindgen_test]
async fn logout_clears_storage_and_emits_signed_out() {
    let (d, prefix) = client("").await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    ok(d.logout()).await;
    assert!(d.session().is_none());
    assert_eq!(ls_get(&format!("{prefix}DSR")), None);
    assert_eq!(ls_get(&format!("{prefix}DS")), None);
    assert_eq!(event_types(&rec), vec!["signedOut"]);
    assert_eq!(
        get_str(&events(&rec).get(0), "reason").as_deref(),
        Some("logout")
    );
    assert_eq!(ok(d.get_session_token()).await, JsValue::UNDEFINED);
}

#[wasm_bindgen_test]
async fn logout_clears_storage_even_when_the_server_fails() {
    let (d, prefix) = client("").await;
    sign_in_email(&d, &unique_email()).await;
    fault(r#"{"path":"/v1/auth/logout","status":500,"times":1}"#).await;
    let e = err(d.logout()).await;
    assert_descope_error(&e, "api", None);
    assert_eq!(get(&e, "status").as_f64(), Some(500.0));
    assert!(d.session().is_none());
    assert_eq!(ls_get(&format!("{prefix}DSR")), None);
    assert_eq!(ls_get(&format!("{prefix}DS")), None);
}

#[wasm_bindgen_test]
async fn f17_logout_all_revokes_other_sessions_signed_out_revoked_once() {
    let pid = project_id().await;
    let login = unique_email();
    let pa = format!("t{}.", uid());
    let pb = format!("t{}.", uid());
    let a = Descope::new(config(&pid, &pa, r#""autoRefresh":false"#)).unwrap();
    let b = Descope::new(config(&pid, &pb, r#""autoRefresh":false"#)).unwrap();
    sign_in_email(&a, &login).await;
    sign_in_email(&b, &login).await;
    ok(a.logout_all()).await;
    let rec = recorder();
    b.on_session_change(listener(&rec)).unwrap();
    let e = err(b.refresh()).await;
    assert_descope_error(&e, "unauthenticated", None);
    assert!(b.session().is_none());
    assert_eq!(ls_get(&format!("{pb}DSR")), None);
    assert_eq!(event_types(&rec), vec!["signedOut"]);
    assert_eq!(
        get_str(&events(&rec).get(0), "reason").as_deref(),
        Some("revoked")
    );
    // A second attempt makes no further event.
    let e = err(b.refresh()).await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    assert_eq!(events(&rec).length(), 1);
}

#[wasm_bindgen_test]
async fn f17_revoked_refresh_via_fault_compare_and_delete() {
    // Auto-refresh on, so G3's "no live timer after the end" is checked too.
    let (d, prefix) = client("").await;
    sign_in_email(&d, &unique_email()).await;
    assert!(get(&d.diagnostics(), "nextRefreshAt").as_f64().is_some());
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    fault(r#"{"path":"/v1/auth/refresh","status":401,"body":{"errorCode":"E064001","errorDescription":"revoked"},"times":1}"#).await;
    let e = err(d.refresh()).await;
    assert_descope_error(&e, "unauthenticated", Some("E064001"));
    assert_eq!(event_types(&rec), vec!["signedOut"]);
    assert_eq!(
        get_str(&events(&rec).get(0), "reason").as_deref(),
        Some("revoked")
    );
    assert_eq!(ls_get(&format!("{prefix}DSR")), None);
    assert_eq!(
        get(&d.diagnostics(), "nextRefreshAt"),
        JsValue::UNDEFINED,
        "G3: no timer left"
    );
}

#[wasm_bindgen_test]
async fn step_up_and_mfa_and_custom_claims() {
    let (d, _) = client(r#""autoRefresh":false"#).await;
    let login = unique_email();
    let first = sign_in_email(&d, &login).await;
    assert_eq!(get(&first, "stepUp").as_bool(), Some(false));
    // Step-up: the refresh JWT goes in Authorization.
    ok(call(
        &d.otp(),
        "signIn",
        &[
            &method("email"),
            &s(&login),
            &options(r#"{"stepup":true,"customClaims":{"team":"blue"}}"#),
        ],
    ))
    .await;
    let log = requests().await;
    let last = log.get(log.length() - 1);
    assert_eq!(
        get_str(&last, "path").as_deref(),
        Some("/v1/auth/otp/signin/email")
    );
    let auth = get_str(&get(&last, "headers"), "authorization").unwrap();
    assert!(
        auth.starts_with("Bearer ") && auth.contains(':'),
        "Bearer pid:refreshJwt"
    );
    let code = latest_code(&login).await;
    let stepped = ok(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(&code)],
    ))
    .await;
    assert_eq!(get(&stepped, "stepUp").as_bool(), Some(true));
    assert_eq!(
        get_str(&get(&get(&get(&stepped, "claims"), "nsec"), "team"), "team").as_deref(),
        None
    );
    assert_eq!(
        get_str(&get(&get(&stepped, "claims"), "nsec"), "team").as_deref(),
        Some("blue")
    );
    // MFA: "mfa" joins amr.
    ok(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &s(&login), &options(r#"{"mfa":true}"#)],
    ))
    .await;
    let code = latest_code(&login).await;
    let mfa = ok(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(&code)],
    ))
    .await;
    let amr: Array = get(&mfa, "amr").dyn_into().unwrap();
    assert!(amr.includes(&s("mfa"), 0));
}

#[wasm_bindgen_test]
async fn step_up_without_session_is_unauthenticated_with_no_request() {
    let (d, _) = client("").await;
    let before = requests().await;
    let n = count_path(&before, "/v1/auth/otp/signin/email");
    let e = err(call(
        &d.otp(),
        "signIn",
        &[
            &method("email"),
            &s(&unique_email()),
            &options(r#"{"stepup":true}"#),
        ],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    let e = err(call(
        &d.otp(),
        "signIn",
        &[
            &method("email"),
            &s(&unique_email()),
            &options(r#"{"mfa":true}"#),
        ],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    let e = err(call(
        &d.otp(),
        "updateEmail",
        &[&s("a@b.co"), &s("c@d.co"), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    let after = requests().await;
    assert_eq!(count_path(&after, "/v1/auth/otp/signin/email"), n);
    assert_eq!(after.length(), before.length());
}

/// F28: 50 concurrent `getSessionToken()` calls while the session is expiring: exactly one refresh
/// request, and all 50 resolve to the same token.
#[wasm_bindgen_test]
async fn f28_fifty_concurrent_get_session_token_one_refresh() {
    let cfg = emu("GET", "/emulator/config", None).await;
    let old_ttl = get(&get(&cfg, "body"), "sessionTtlSeconds")
        .as_f64()
        .unwrap_or(600.0) as u64;
    // A 2-second session, 1.1 s later, is "about to expire" for getSessionToken (less than the
    // 1 s handout margin of so short a session is left).
    set_config(r#"{"sessionTtlSeconds":2}"#).await;
    let (d, _) = client(r#""autoRefresh":false"#).await;
    let signed = sign_in_email(&d, &unique_email()).await;
    set_config(&format!(r#"{{"sessionTtlSeconds":{old_ttl}}}"#)).await;
    pause(1100).await;
    let old_jwt = get_str(&signed, "sessionJwt").unwrap();
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let before = count_path(&requests().await, "/v1/auth/refresh");
    let ps = Array::new();
    for _ in 0..50 {
        ps.push(&d.get_session_token());
    }
    let results: Array = JsFuture::from(Promise::all(&ps))
        .await
        .expect("all resolve")
        .dyn_into()
        .unwrap();
    let first = results.get(0).as_string().expect("a token");
    assert_ne!(first, old_jwt, "a refreshed token");
    assert!(
        results
            .iter()
            .all(|r| r.as_string().as_deref() == Some(first.as_str())),
        "all 50 got the same token"
    );
    let after = count_path(&requests().await, "/v1/auth/refresh");
    assert_eq!(after - before, 1, "exactly one refresh request");
    assert_eq!(event_types(&rec), vec!["refreshed"]);
    assert_eq!(get(&d.diagnostics(), "refreshCount").as_f64(), Some(1.0));
}

/// F28: concurrent callers whose one refresh fails all get the same error, from one request.
#[wasm_bindgen_test]
async fn f28_concurrent_callers_share_one_error() {
    let cfg = emu("GET", "/emulator/config", None).await;
    let old_ttl = get(&get(&cfg, "body"), "sessionTtlSeconds")
        .as_f64()
        .unwrap_or(600.0) as u64;
    set_config(r#"{"sessionTtlSeconds":2}"#).await;
    let (d, _) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    set_config(&format!(r#"{{"sessionTtlSeconds":{old_ttl}}}"#)).await;
    pause(1100).await;
    fault(r#"{"path":"/v1/auth/refresh","status":503,"times":1}"#).await;
    let before = count_path(&requests().await, "/v1/auth/refresh");
    let ps = Array::new();
    for _ in 0..10 {
        ps.push(&d.get_session_token());
    }
    let mut codes = Vec::new();
    for p in ps.iter() {
        let e = err(p.unchecked_into()).await;
        assert_descope_error(&e, "api", None);
        codes.push(get(&e, "status").as_f64());
    }
    assert!(codes.iter().all(|c| *c == Some(503.0)));
    assert_eq!(
        count_path(&requests().await, "/v1/auth/refresh") - before,
        1
    );
    assert!(d.session().is_some(), "session kept after a server error");
}

/// F19: an API call answered with a redirect to another origin fails closed: a `config` error
/// (`unexpectedRedirect`), not retried, nothing sent to the new origin (the redirect is not
/// followed), and the session kept.
#[wasm_bindgen_test]
async fn f19_a_redirect_to_another_origin_is_a_config_error_and_is_not_followed() {
    let (d, _) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    // The same emulator under another origin: a request that followed the redirect would be logged.
    let target = "/v1/redirected-here";
    let elsewhere = format!("{}{target}", EMU.replace("127.0.0.1", "localhost"));
    for (path, status) in [("/v1/auth/me", 302), ("/v1/auth/refresh", 307)] {
        let before = requests().await;
        fault(&format!(
            r#"{{"path":"{path}","status":{status},"location":"{elsewhere}","times":1}}"#
        ))
        .await;
        let call = if path == "/v1/auth/me" {
            d.me()
        } else {
            d.refresh()
        };
        let e = err(call).await;
        assert_descope_error(&e, "config", Some("unexpectedRedirect"));
        assert_eq!(get(&e, "retryable").as_bool(), Some(false), "{path}");
        pause(400).await;
        let after = requests().await;
        assert_eq!(
            count_path(&after, path) - count_path(&before, path),
            1,
            "{path}: sent once, no retry"
        );
        assert_eq!(
            count_path(&after, target),
            0,
            "{path}: nothing sent to the new origin"
        );
    }
    assert!(d.session().is_some(), "the session is kept");
    assert!(event_types(&rec).is_empty(), "no session change");
    d.dispose();
}

#[wasm_bindgen_test]
async fn f37_invalid_config_throws_kind_config() {
    let cases = [
        "{}".to_string(),
        r#"{"projectId":""}"#.to_string(),
        r#"{"projectId":"   "}"#.to_string(),
        r#"{"projectId":"P2a:b"}"#.to_string(),
        r#"{"projectId":"P2a.b"}"#.to_string(),
        r#"{"projectId":"P2a/b"}"#.to_string(),
        r#"{"projectId":"P2a@b"}"#.to_string(),
        r#"{"projectId":"P2a#b"}"#.to_string(),
        format!(r#"{{"projectId":"{}"}}"#, "P".repeat(100)),
        r#"{"projectId":5}"#.to_string(),
        r#"{"projectId":"P2abc","baseUrl":"http://evil.example"}"#.to_string(),
        r#"{"projectId":"P2abc","persistence":"cookies"}"#.to_string(),
        r#"{"projectId":"P2abc","timeoutMs":0}"#.to_string(),
        r#"{"projectId":"P2abc","logger":"yes"}"#.to_string(),
        "null".to_string(),
    ];
    let before = requests().await.length();
    for c in cases {
        let e = match Descope::new(json(&c).unchecked_into()) {
            Ok(_) => panic!("accepted {c}"),
            Err(e) => e,
        };
        assert_descope_error(&e, "config", Some("invalidConfig"));
    }
    assert_eq!(requests().await.length(), before, "zero network calls");
}

#[wasm_bindgen_test]
async fn f01_f36_corrupt_storage_is_removed_without_throwing() {
    let pid = project_id().await;
    for (dsr, ds) in [
        ("aaa.bbb", "x"),
        ("a.b.c.d", "y"),
        ("a..c", ""),
        ("not json at all", "{}"),
        ("eyJ.eyJ.", "z"),
    ] {
        let prefix = format!("t{}.", uid());
        ls_set(&format!("{prefix}DSR"), dsr);
        ls_set(&format!("{prefix}DS"), ds);
        ls_set(&format!("{prefix}other"), "keep");
        let before = requests().await.length();
        let d = Descope::new(config(&pid, &prefix, "")).expect("never throws on corrupt storage");
        let rec = recorder();
        d.on_session_change(listener(&rec)).unwrap();
        assert!(d.session().is_none());
        assert_eq!(ls_get(&format!("{prefix}DSR")), None, "our key removed");
        assert_eq!(ls_get(&format!("{prefix}DS")), None);
        assert_eq!(
            ls_get(&format!("{prefix}other")).as_deref(),
            Some("keep"),
            "only our keys"
        );
        pause(0).await;
        assert_eq!(event_types(&rec), vec!["signedOut"]);
        assert_eq!(
            get_str(&events(&rec).get(0), "reason").as_deref(),
            Some("corruptStorage")
        );
        assert_eq!(requests().await.length(), before, "no network call");
        ls_remove(&format!("{prefix}other"));
        d.dispose();
    }
}

#[wasm_bindgen_test]
async fn f07_another_projects_record_is_not_adopted_nor_touched() {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let mk = |drn: &str| {
        fake_jwt(&json(&format!(
            r#"{{"iss":"https://api.descope.com/P2someoneelse000000000000000","sub":"U1","drn":"{drn}","iat":{now},"exp":{}}}"#,
            now + 3600
        )))
    };
    let (r, s) = (mk("DSR"), mk("DS"));
    ls_set(&format!("{prefix}DSR"), &r);
    ls_set(&format!("{prefix}DS"), &s);
    let d = Descope::new(config(&pid, &prefix, "")).unwrap();
    assert!(d.session().is_none());
    assert_eq!(ls_get(&format!("{prefix}DSR")).as_deref(), Some(r.as_str()));
    assert_eq!(ls_get(&format!("{prefix}DS")).as_deref(), Some(s.as_str()));
    assert_eq!(ok(d.get_session_token()).await, JsValue::UNDEFINED);
    ls_remove(&format!("{prefix}DSR"));
    ls_remove(&format!("{prefix}DS"));
}

#[wasm_bindgen_test]
async fn f10_html_body_is_a_typed_error_and_the_session_is_kept() {
    let (d, prefix) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let stored = ls_get(&format!("{prefix}DSR"));
    fault(r#"{"path":"/v1/auth/refresh","status":200,"body":"<html><body>Captive portal login</body></html>","times":1}"#).await;
    let e = err(d.refresh()).await;
    assert_descope_error(&e, "protocol", Some("invalidResponse"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert_eq!(get(&e, "status").as_f64(), Some(200.0));
    let msg = get_str(&e, "message").unwrap_or_default();
    assert!(!msg.contains("Captive") && !get_str(&e, "description").unwrap().contains("Captive"));
    fault(
        r#"{"path":"/v1/auth/refresh","status":502,"body":"<html>Bad gateway</html>","times":1}"#,
    )
    .await;
    let e = err(d.refresh()).await;
    assert_descope_error(&e, "api", Some("serverError"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert!(d.session().is_some(), "session kept");
    assert_eq!(ls_get(&format!("{prefix}DSR")), stored);
    assert!(events(&rec).length() == 0, "no signedOut");
    // And it still works afterwards.
    ok(d.refresh()).await;
}

#[wasm_bindgen_test]
async fn f14_odd_error_bodies_are_typed() {
    let (d, _) = client("").await;
    // `"null"` is a JSON string, which the emulator sends raw: the body text is `null`.
    for body in [r#""null""#, "[1,2]", r#"{"errorCode":123}"#, r#""""#] {
        fault(&format!(
            r#"{{"path":"/v1/auth/otp/signin/email","status":400,"body":{body},"times":1}}"#
        ))
        .await;
        let e = err(call(
            &d.otp(),
            "signIn",
            &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
        ))
        .await;
        assert_descope_error(&e, "api", Some("httpError"));
        assert_eq!(get(&e, "status").as_f64(), Some(400.0));
    }
}

#[wasm_bindgen_test]
async fn f22_black_hole_times_out() {
    let (d, _) = client(r#""timeoutMs":300"#).await;
    fault(r#"{"path":"/v1/auth/otp/signin/email","delayMs":2000,"times":1}"#).await;
    let t0 = js_sys::Date::now();
    let e = err(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "timeout", Some("timeout"));
    let took = js_sys::Date::now() - t0;
    wasm_bindgen_test::console_log!("G11 F22: timeoutMs 300, settled after {took} ms");
    assert!(took < 1900.0, "stopped at the deadline");
}

#[wasm_bindgen_test]
async fn me_returns_the_user_and_headers_are_sent() {
    let (d, _) = client(r#""autoRefresh":false"#).await;
    let login = unique_email();
    let session = sign_in_email(&d, &login).await;
    let user = ok(d.me()).await;
    assert_eq!(get_str(&user, "userId"), get_str(&session, "userId"));
    let ids: Array = get(&user, "loginIds").dyn_into().unwrap();
    assert!(ids.includes(&s(&login), 0));
    let log = requests().await;
    let me = log
        .iter()
        .rev()
        .find(|e| get_str(e, "path").as_deref() == Some("/v1/auth/me"))
        .unwrap();
    let h = get(&me, "headers");
    assert_eq!(
        get_str(&h, "x-descope-sdk-name").as_deref(),
        Some("descope-wasm")
    );
    assert_eq!(
        get_str(&h, "x-descope-sdk-version").as_deref(),
        Some(env!("CARGO_PKG_VERSION"))
    );
    let sid = get_str(&h, "x-descope-sdk-session-id").unwrap();
    // YYYY-MM-DD-HH:mm:ss:<ms>-<4 digits>
    assert_eq!(sid.len(), 28, "session id shape");
    assert_eq!(&sid[4..5], "-");
    assert_eq!(&sid[23..24], "-");
    let auth = get_str(&h, "authorization").unwrap();
    assert!(auth.starts_with(&format!("Bearer {}:", d.project_id().as_string().unwrap())));
}

#[wasm_bindgen_test]
async fn update_email_and_phone_with_a_session() {
    let (d, _) = client(r#""autoRefresh":false"#).await;
    let login = unique_email();
    sign_in_email(&d, &login).await;
    let new_email = unique_email();
    // Each update goes to its path with `Bearer <pid>:<refreshJwt>` and the login id in the body.
    let check = |log: &Array, path: &str| {
        let e = log
            .iter()
            .rev()
            .find(|e| get_str(e, "path").as_deref() == Some(path))
            .expect("request sent");
        let auth = get_str(&get(&e, "headers"), "authorization").unwrap();
        assert!(auth.starts_with(&format!("Bearer {}:", d.project_id().as_string().unwrap())));
        assert_eq!(
            get_str(&get(&e, "body"), "loginId").as_deref(),
            Some(login.as_str())
        );
    };
    let masked = ok(call(
        &d.otp(),
        "updateEmail",
        &[&s(&login), &s(&new_email), &JsValue::UNDEFINED],
    ))
    .await;
    let masked_email = get_str(&masked, "maskedEmail").expect("maskedEmail");
    assert!(masked_email.contains('*') && !masked_email.contains(&new_email));
    check(&requests().await, "/v1/auth/otp/update/email");
    // The code goes to the new address; verifying it makes the address the user's.
    let code = latest_code(&login).await;
    ok(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(&code)],
    ))
    .await;
    let me = ok(d.me()).await;
    assert_eq!(get_str(&me, "email").as_deref(), Some(new_email.as_str()));
    assert_eq!(get(&me, "verifiedEmail").as_bool(), Some(true));

    let new_phone = unique_phone();
    let phone = JsValue::from_str("sms").unchecked_into();
    let masked = ok(call(
        &d.otp(),
        "updatePhone",
        &[&phone, &s(&login), &s(&new_phone), &JsValue::UNDEFINED],
    ))
    .await;
    assert!(get_str(&masked, "maskedPhone").is_some_and(|m| m.contains('*')));
    check(&requests().await, "/v1/auth/otp/update/phone/sms");
    let code = latest_code(&login).await;
    ok(call(
        &d.otp(),
        "verify",
        &[&method("sms"), &s(&login), &s(&code)],
    ))
    .await;
    let me = ok(d.me()).await;
    assert_eq!(get_str(&me, "phone").as_deref(), Some(new_phone.as_str()));
    assert_eq!(get(&me, "verifiedPhone").as_bool(), Some(true));
}

#[wasm_bindgen_test]
async fn refresh_rotates_diagnostics_unsubscribe_and_dispose() {
    let (d, _) = client("").await;
    let session = sign_in_email(&d, &unique_email()).await;
    let diag = d.diagnostics();
    assert_eq!(
        get_str(&diag, "persistence").as_deref(),
        Some("localStorage")
    );
    assert_eq!(get(&diag, "signedIn").as_bool(), Some(true));
    assert!(
        get(&diag, "nextRefreshAt").as_f64().is_some(),
        "auto refresh scheduled"
    );
    let rec = recorder();
    let unsubscribe: Function = d
        .on_session_change(listener(&rec))
        .unwrap()
        .dyn_into()
        .unwrap();
    let refreshed = ok(d.refresh()).await;
    assert_eq!(get_str(&refreshed, "userId"), get_str(&session, "userId"));
    assert_eq!(event_types(&rec), vec!["refreshed"]);
    assert_eq!(get(&d.diagnostics(), "refreshCount").as_f64(), Some(1.0));
    assert!(get(&d.diagnostics(), "lastRefreshAt").as_f64().is_some());
    unsubscribe.call0(&JsValue::NULL).unwrap();
    unsubscribe.call0(&JsValue::NULL).unwrap();
    ok(d.refresh()).await;
    assert_eq!(events(&rec).length(), 1, "unsubscribed");
    // Two calls in flight and a dispose in between: no "recursive use" trap, later calls reject.
    let p1 = d.refresh();
    let p2 = d.get_session_token();
    d.dispose();
    let _ = JsFuture::from(p1).await;
    let _ = JsFuture::from(p2).await;
    assert_eq!(get(&d.diagnostics(), "disposed").as_bool(), Some(true));
    assert_eq!(get(&d.diagnostics(), "nextRefreshAt"), JsValue::UNDEFINED);
    let e = err(d.refresh()).await;
    assert_descope_error(&e, "config", Some("disposed"));
    let e = err(call(
        &d.otp(),
        "signIn",
        &[&method("email"), &s("a@b.co"), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "config", Some("disposed"));
}

#[wasm_bindgen_test]
async fn memory_persistence_writes_nothing() {
    let (d, prefix) = client(r#""persistence":"memory""#).await;
    sign_in_email(&d, &unique_email()).await;
    assert_eq!(
        get_str(&d.diagnostics(), "persistence").as_deref(),
        Some("memory")
    );
    assert_eq!(ls_get(&format!("{prefix}DSR")), None);
    assert!(d.session().is_some());
}

#[wasm_bindgen_test]
async fn logger_gets_events_but_never_a_token_or_code() {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let log = log_recorder();
    let cfg = config(&pid, &prefix, "");
    js_sys::Reflect::set(&cfg, &s("logger"), &log).unwrap();
    let d = Descope::new(cfg).unwrap();
    let login = unique_email();
    ok(call(
        &d.otp(),
        "signUpOrIn",
        &[&method("email"), &s(&login), &JsValue::UNDEFINED],
    ))
    .await;
    let code = latest_code(&login).await;
    ok(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(&code)],
    ))
    .await;
    ok(d.refresh()).await;
    let _ = JsFuture::from(call(
        &d.otp(),
        "verify",
        &[&method("email"), &s(&login), &s(&code)],
    ))
    .await;
    let lines: Array = get(&log, "lines").dyn_into().unwrap();
    let all: Vec<String> = lines.iter().filter_map(|l| l.as_string()).collect();
    assert!(all
        .iter()
        .any(|l| l.contains("requestSent") && l.contains("/v1/auth/otp/verify/email")));
    assert!(all
        .iter()
        .any(|l| l.contains("responseReceived") && l.contains("200")));
    assert!(all.iter().any(|l| l.contains("refreshScheduled")));
    for l in &all {
        assert!(!has_jwt(l), "no token in a log line");
        assert!(!l.contains(&code), "no code in a log line");
        assert!(!l.contains(&login), "no login id in a log line");
    }
    d.dispose();
}

/// The strings of a JS array (the JWT helpers return `string[]` as a `JsValue`).
fn strs(a: JsValue) -> Vec<String> {
    a.dyn_into::<js_sys::Array>()
        .unwrap()
        .iter()
        .map(|v| v.as_string().unwrap_or_default())
        .collect()
}

#[wasm_bindgen_test]
fn jwt_helpers_have_descope_js_meaning() {
    let t = fake_jwt(&json(
        r#"{"sub":"U1","exp":4102444800,"roles":["admin"],"permissions":["read"],
            "tenants":{"T1":{"roles":["tr"],"permissions":["tp"]},"T2":{}},"dct":"T1"}"#,
    ));
    let claims = descope_wasm::decode_jwt(s(&t)).unwrap();
    assert_eq!(get_str(&claims, "sub").as_deref(), Some("U1"));
    assert!(!descope_wasm::is_jwt_expired(s(&t)).unwrap());
    assert_eq!(
        strs(descope_wasm::get_jwt_roles(s(&t), JsValue::UNDEFINED).unwrap()),
        vec!["admin"]
    );
    assert_eq!(
        strs(descope_wasm::get_jwt_roles(s(&t), s("T1")).unwrap()),
        vec!["tr"]
    );
    assert_eq!(
        strs(descope_wasm::get_jwt_permissions(s(&t), s("T1")).unwrap()),
        vec!["tp"]
    );
    assert!(strs(descope_wasm::get_jwt_permissions(s(&t), s("T2")).unwrap()).is_empty());
    assert_eq!(
        strs(descope_wasm::get_tenants(s(&t)).unwrap()),
        vec!["T1", "T2"]
    );
    assert_eq!(
        descope_wasm::get_current_tenant(s(&t))
            .unwrap()
            .as_string()
            .as_deref(),
        Some("T1")
    );
    let old = fake_jwt(&json(r#"{"exp":1000000000}"#));
    assert!(descope_wasm::is_jwt_expired(s(&old)).unwrap());
    for bad in ["", "a.b", "a.b.c.d", "x.y."] {
        let e = descope_wasm::decode_jwt(s(bad)).unwrap_err();
        assert_descope_error(&e, "validation", Some("invalidJwt"));
    }
    assert!(!descope_wasm::is_descope_error(
        js_sys::Error::new("x").into()
    ));
    assert!(!descope_wasm::is_descope_error(JsValue::NULL));
}

/// F34: reading `window.localStorage` throws `SecurityError`: the constructor succeeds in memory
/// mode with one `storageFallback` warning, and the session works without touching storage.
#[wasm_bindgen_test]
async fn f34_throwing_local_storage_falls_back_to_memory_with_one_warning() {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let log = log_recorder();
    let cfg = config(&pid, &prefix, "");
    js_sys::Reflect::set(&cfg, &s("logger"), &log).unwrap();
    block_local_storage();
    let made = Descope::new(cfg);
    unblock_local_storage();
    let d = made.expect("constructor succeeds");
    let diag = d.diagnostics();
    assert_eq!(get_str(&diag, "persistence").as_deref(), Some("memory"));
    assert_eq!(get(&diag, "persistenceFallback").as_bool(), Some(true));
    let lines: Array = get(&log, "lines").dyn_into().unwrap();
    let warns = lines
        .iter()
        .filter_map(|l| l.as_string())
        .filter(|l| l.starts_with("warn storageFallback"))
        .count();
    assert_eq!(warns, 1);
    // The in-memory session works.
    sign_in_email(&d, &unique_email()).await;
    assert!(d.session().is_some());
    assert_eq!(ls_get(&format!("{prefix}DSR")), None);
    d.dispose();
}

/// F35: `setItem` throws `QuotaExceededError` mid-session: the refresh still succeeds and the
/// session carries on in memory (one `storageWriteFailed` warning), and the next write persists
/// the current session again, refresh JWT included.
#[wasm_bindgen_test]
async fn f35_a_full_storage_mid_session_keeps_the_session_and_the_next_write_retries() {
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let log = log_recorder();
    let cfg = config(&pid, &prefix, r#""autoRefresh":false"#);
    js_sys::Reflect::set(&cfg, &s("logger"), &log).unwrap();
    let d = Descope::new(cfg).unwrap();
    sign_in_email(&d, &unique_email()).await;
    let (dsr, ds) = (format!("{prefix}DSR"), format!("{prefix}DS"));
    let stored = ls_get(&ds);
    let warnings = || {
        let lines: Array = get(&log, "lines").dyn_into().unwrap();
        lines
            .iter()
            .filter_map(|l| l.as_string())
            .filter(|l| l.starts_with("warn storageWriteFailed"))
            .count()
    };
    // The emulator's tokens carry their second: a refresh a second later brings new ones.
    pause(1100).await;
    fill_storage();
    let refreshed = JsFuture::from(d.refresh()).await;
    unfill_storage();
    let session = refreshed.expect("the refresh succeeds with storage full");
    assert_eq!(warnings(), 1);
    let held = get_str(&session, "sessionJwt");
    // (Compared without printing a token.)
    assert!(
        held.is_some() && held != stored,
        "a new session token, in memory"
    );
    assert!(
        ls_get(&ds) == stored,
        "storage keeps the last record it could take"
    );
    assert!(d.session().and_then(|s| s.session_jwt().as_string()) == held);
    // Storage has room again: the next write stores the whole current session.
    ls_remove(&dsr);
    pause(1100).await;
    let session = ok(d.refresh()).await;
    assert!(
        ls_get(&ds) == get_str(&session, "sessionJwt"),
        "the session JWT is stored"
    );
    assert!(
        ls_get(&dsr) == get_str(&session, "refreshJwt"),
        "the refresh JWT is written again"
    );
    assert_eq!(warnings(), 1);
    d.dispose();
}

#[wasm_bindgen_test]
async fn auto_refresh_fires_before_expiry_and_dispose_cancels_it() {
    let cfg = emu("GET", "/emulator/config", None).await;
    let old_ttl = get(&get(&cfg, "body"), "sessionTtlSeconds")
        .as_f64()
        .unwrap_or(600.0) as u64;
    set_config(r#"{"sessionTtlSeconds":4}"#).await;
    let (d, _) = client("").await;
    let first = sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    // Lead for a 4 s lifetime is 1 s: the refresh comes about 3 s after sign-in.
    let next = get(&d.diagnostics(), "nextRefreshAt")
        .as_f64()
        .expect("scheduled");
    let exp = get(&first, "expiresAt").as_f64().unwrap();
    assert!(
        next < exp && next > js_sys::Date::now(),
        "scheduled before expiry"
    );
    pause(3600).await;
    set_config(&format!(r#"{{"sessionTtlSeconds":{old_ttl}}}"#)).await;
    assert!(
        event_types(&rec).contains(&"refreshed".to_string()),
        "auto refresh happened"
    );
    assert!(get(&d.diagnostics(), "refreshCount").as_f64().unwrap() >= 1.0);
    // Counted on the instance: the emulator's count also has the refreshes of other tests'
    // clients, which stay alive (and refreshing) by design until disposed.
    let n = get(&d.diagnostics(), "refreshCount").as_f64();
    d.dispose();
    assert_eq!(get(&d.diagnostics(), "nextRefreshAt"), JsValue::UNDEFINED);
    pause(1500).await;
    assert_eq!(
        get(&d.diagnostics(), "refreshCount").as_f64(),
        n,
        "no refresh after dispose"
    );
}

#[wasm_bindgen_test]
async fn listener_reentering_the_sdk_does_not_deadlock_f33() {
    let (d, _) = client(r#""autoRefresh":false"#).await;
    // A listener that reads the session and subscribes another listener while being called.
    let seen = Array::new();
    let seen2 = seen.clone();
    let inner_d = std::rc::Rc::new(d);
    let dd = inner_d.clone();
    let cb = Closure::<dyn Fn(JsValue)>::new(move |e: JsValue| {
        seen2.push(&get(&e, "type"));
        // Re-entrant calls: getters, diagnostics and a new promise.
        let _ = dd.session();
        let _ = dd.diagnostics();
        let _ = dd.get_session_token();
    });
    let f: Function = cb.as_ref().unchecked_ref::<Function>().clone();
    inner_d.on_session_change(listener(&f)).unwrap();
    sign_in_email(&inner_d, &unique_email()).await;
    ok(inner_d.refresh()).await;
    ok(inner_d.logout()).await;
    let types: Vec<String> = seen.iter().filter_map(|v| v.as_string()).collect();
    assert_eq!(types, vec!["signedIn", "refreshed", "signedOut"]);
    drop(cb);
}

#[wasm_bindgen_test]
async fn f26_server_clock_skew_is_corrected_in_expires_at() {
    // The server runs an hour ahead: tokens look issued in the future to this browser.
    let r = emu("POST", "/emulator/clock", Some(r#"{"offsetSeconds":3600}"#)).await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0));
    let (d, _) = client(r#""autoRefresh":false"#).await;
    let login = unique_email();
    let session = sign_in_email(&d, &login).await;
    emu("POST", "/emulator/clock", Some(r#"{"offsetSeconds":0}"#)).await;
    let skew = get(&d.diagnostics(), "clockSkewMs").as_f64().unwrap();
    assert!(
        (-3_610_000.0..=-3_590_000.0).contains(&skew),
        "skew about -1 h"
    );
    let claims = get(&session, "claims");
    let exp_server = get(&claims, "exp").as_f64().unwrap() * 1000.0;
    let iat_server = get(&claims, "iat").as_f64().unwrap() * 1000.0;
    let expires_at = get(&session, "expiresAt").as_f64().unwrap();
    let now = js_sys::Date::now();
    let lifetime = exp_server - iat_server;
    assert!(
        (expires_at - (now + lifetime)).abs() < 5_000.0,
        "expiresAt is on this device's clock"
    );
    // Scheduling is lifetime-based: the next refresh is before expiresAt, not an hour later.
    assert_eq!(
        get(&d.diagnostics(), "nextRefreshAt"),
        JsValue::UNDEFINED,
        "autoRefresh off"
    );
    let f: Function = get(&session, "isExpired").dyn_into().unwrap();
    assert_eq!(f.call0(&session).unwrap().as_bool(), Some(false));
}

#[wasm_bindgen_test]
async fn f16_f29_token_rotated_by_another_instance_is_adopted_without_a_request_or_logout() {
    let cfg = emu("GET", "/emulator/config", None).await;
    let old_rotation = get(&get(&cfg, "body"), "rotation")
        .as_bool()
        .unwrap_or(false);
    set_config(r#"{"rotation":true}"#).await;
    let pid = project_id().await;
    let prefix = format!("t{}.", uid());
    let a = Descope::new(config(&pid, &prefix, r#""autoRefresh":false"#)).unwrap();
    sign_in_email(&a, &unique_email()).await;
    // b restores the same record, then a rotates it.
    let b = Descope::new(config(&pid, &prefix, r#""autoRefresh":false"#)).unwrap();
    ok(a.refresh()).await;
    let rec = recorder();
    b.on_session_change(listener(&rec)).unwrap();
    let before = requests().await;
    // b's refresh takes the lock, re-reads storage, finds a's rotation and adopts it: no request,
    // so no 401 for the dead token (before: one 401, then a retry with the stored token).
    let res = JsFuture::from(b.refresh()).await;
    let after = requests().await;
    set_config(&format!(r#"{{"rotation":{old_rotation}}}"#)).await;
    let refreshed = res.expect("b adopted the rotated token");
    let sent = count_path(&after, "/v1/auth/refresh") - count_path(&before, "/v1/auth/refresh");
    assert_eq!(sent, 0, "no request");
    // Compared as booleans: a failure message must not print a token.
    assert!(
        get_str(&refreshed, "refreshJwt") == a.session().unwrap().refresh_jwt().as_string(),
        "b holds a's rotated refresh JWT"
    );
    assert_eq!(event_types(&rec), vec!["refreshed"], "no logout");
    assert!(b.session().is_some());
    a.dispose();
    b.dispose();
}

#[wasm_bindgen_test]
async fn f31_logout_during_an_in_flight_refresh_wins() {
    let (d, prefix) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    fault(r#"{"path":"/v1/auth/refresh","delayMs":600,"times":1}"#).await;
    let refreshing = d.refresh();
    pause(100).await;
    ok(d.logout()).await;
    let e = err(refreshing).await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    // The late refresh answer did not bring the session back.
    pause(50).await;
    assert!(d.session().is_none());
    assert_eq!(ls_get(&format!("{prefix}DSR")), None);
    assert_eq!(ls_get(&format!("{prefix}DS")), None);
    assert_eq!(event_types(&rec), vec!["signedOut"]);
}

#[wasm_bindgen_test]
async fn sdk_session_id_is_per_page_load() {
    let (a, _) = client(r#""autoRefresh":false"#).await;
    let (b, _) = client(r#""autoRefresh":false"#).await;
    let _ = JsFuture::from(call(
        &a.otp(),
        "signIn",
        &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
    ))
    .await;
    let _ = JsFuture::from(call(
        &b.otp(),
        "signIn",
        &[&method("email"), &s(&unique_email()), &JsValue::UNDEFINED],
    ))
    .await;
    let log = requests().await;
    let n = log.length();
    let ids: Vec<Option<String>> = (n - 2..n)
        .map(|i| get_str(&get(&log.get(i), "headers"), "x-descope-sdk-session-id"))
        .collect();
    assert!(ids[0].is_some());
    assert_eq!(ids[0], ids[1]);
}

#[wasm_bindgen(inline_js = r#"
export function other_tab_wrote(key) {
  window.dispatchEvent(new StorageEvent("storage", {
    key, newValue: key === null ? null : localStorage.getItem(key), storageArea: localStorage,
  }));
}
"#)]
extern "C" {
    /// What the browser does in this tab when another tab changes `key` (`None`: `clear()`).
    fn other_tab_wrote(key: Option<String>);
}

/// A record of `sub` as another tab would store it (structure checked on restore, not signature).
fn stored_pair(pid: &str, sub: &str) -> (String, String) {
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let jti = uid();
    let mk = |drn: &str, ttl: u64| {
        fake_jwt(&json(&format!(
            r#"{{"iss":"https://api.descope.com/{pid}","sub":"{sub}","drn":"{drn}","jti":"{jti}","iat":{now},"exp":{}}}"#,
            now + ttl
        )))
    };
    (mk("DSR", 86_400), mk("DS", 600))
}

#[wasm_bindgen_test]
async fn f32_another_tabs_sign_in_of_another_user_is_adopted_as_signed_in() {
    let pid = project_id().await;
    let (d, prefix) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let before = requests().await.length();
    // Another tab signs user X in: DSR then DS, one event each.
    let (r, s) = stored_pair(&pid, "Uothertab");
    ls_set(&format!("{prefix}DSR"), &r);
    other_tab_wrote(Some(format!("{prefix}DSR")));
    ls_set(&format!("{prefix}DS"), &s);
    other_tab_wrote(Some(format!("{prefix}DS")));
    // Another key and another prefix are not ours.
    other_tab_wrote(Some("unrelated".into()));
    other_tab_wrote(Some(format!("x{prefix}DSR")));
    pause(0).await;
    assert_eq!(event_types(&rec), vec!["signedIn"]);
    assert_eq!(
        get_str(&events(&rec).get(0), "userId").as_deref(),
        Some("Uothertab")
    );
    let cur = d.session().expect("the other tab's session is current");
    assert_eq!(cur.user_id().as_string().as_deref(), Some("Uothertab"));
    assert_eq!(cur.session_jwt().as_string().as_deref(), Some(s.as_str()));
    // Stored as it was: nothing written back, no network call.
    assert_eq!(ls_get(&format!("{prefix}DSR")).as_deref(), Some(r.as_str()));
    assert_eq!(ls_get(&format!("{prefix}DS")).as_deref(), Some(s.as_str()));
    assert_eq!(requests().await.length(), before, "no network call");
    // The same user's newer record (another tab refreshed): adopted silently as `refreshed`.
    let (r2, s2) = stored_pair(&pid, "Uothertab");
    ls_set(&format!("{prefix}DSR"), &r2);
    ls_set(&format!("{prefix}DS"), &s2);
    other_tab_wrote(Some(format!("{prefix}DS")));
    pause(0).await;
    assert_eq!(event_types(&rec), vec!["signedIn", "refreshed"]);
    assert_eq!(
        d.session().unwrap().session_jwt().as_string().as_deref(),
        Some(s2.as_str())
    );
    assert_eq!(requests().await.length(), before, "no network call");
    d.dispose();
    ls_remove(&format!("{prefix}DSR"));
    ls_remove(&format!("{prefix}DS"));
}

#[wasm_bindgen_test]
async fn f31_another_tabs_logout_signs_out_once_without_network_or_storage_writes() {
    let (d, prefix) = client("").await;
    sign_in_email(&d, &unique_email()).await;
    assert!(get(&d.diagnostics(), "nextRefreshAt").as_f64().is_some());
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let before = requests().await.length();
    // The other tab removed DSR; its DS removal comes next. We must not delete anything ourselves.
    let ds = ls_get(&format!("{prefix}DS")).expect("stored");
    ls_remove(&format!("{prefix}DSR"));
    other_tab_wrote(Some(format!("{prefix}DSR")));
    pause(0).await;
    assert!(d.session().is_none());
    assert_eq!(event_types(&rec), vec!["signedOut"]);
    assert_eq!(
        get_str(&events(&rec).get(0), "reason").as_deref(),
        Some("otherTab")
    );
    assert_eq!(
        ls_get(&format!("{prefix}DS")).as_deref(),
        Some(ds.as_str()),
        "storage left to the other tab"
    );
    assert_eq!(
        get(&d.diagnostics(), "nextRefreshAt"),
        JsValue::UNDEFINED,
        "timer cancelled"
    );
    ls_remove(&format!("{prefix}DS"));
    other_tab_wrote(Some(format!("{prefix}DS")));
    other_tab_wrote(None);
    pause(0).await;
    assert_eq!(events(&rec).length(), 1, "exactly one event");
    assert_eq!(requests().await.length(), before, "no network call");
    assert_eq!(ok(d.get_session_token()).await, JsValue::UNDEFINED);
    // F36: garbage written by another tab while signed out is dropped by the restore rules, quietly.
    ls_set(&format!("{prefix}DSR"), "not a jwt");
    other_tab_wrote(Some(format!("{prefix}DSR")));
    pause(0).await;
    assert_eq!(
        ls_get(&format!("{prefix}DSR")),
        None,
        "corrupt record removed"
    );
    assert_eq!(events(&rec).length(), 1);
    // After dispose the listener is gone: another tab's sign-in changes nothing.
    d.dispose();
    let (r, s) = stored_pair(&project_id().await, "Uafter");
    ls_set(&format!("{prefix}DSR"), &r);
    ls_set(&format!("{prefix}DS"), &s);
    other_tab_wrote(Some(format!("{prefix}DS")));
    pause(0).await;
    assert!(d.session().is_none());
    assert_eq!(events(&rec).length(), 1);
    ls_remove(&format!("{prefix}DSR"));
    ls_remove(&format!("{prefix}DS"));
}

#[wasm_bindgen_test]
async fn f31_another_tabs_logout_during_an_in_flight_refresh_wins() {
    let (d, prefix) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    fault(r#"{"path":"/v1/auth/refresh","delayMs":600,"times":1}"#).await;
    let refreshing = d.refresh();
    pause(100).await;
    ls_remove(&format!("{prefix}DSR"));
    ls_remove(&format!("{prefix}DS"));
    other_tab_wrote(None);
    let e = err(refreshing).await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    pause(50).await;
    assert!(
        d.session().is_none(),
        "the late answer did not bring the session back"
    );
    assert_eq!(ls_get(&format!("{prefix}DSR")), None);
    assert_eq!(ls_get(&format!("{prefix}DS")), None);
    assert_eq!(event_types(&rec), vec!["signedOut"]);
    assert_eq!(
        get_str(&events(&rec).get(0), "reason").as_deref(),
        Some("otherTab")
    );
    d.dispose();
}

/// F21: the server commits a rotation and the connection drops before its answer arrives.
async fn lost_rotation(grace_seconds: u32) -> (Result<JsValue, JsValue>, Function, usize) {
    set_config(&format!(
        r#"{{"rotation":true,"rotationGraceSeconds":{grace_seconds}}}"#
    ))
    .await;
    let (d, _) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let before = count_path(&requests().await, "/v1/auth/refresh");
    fault(r#"{"path":"/v1/auth/refresh","drop":true,"times":1}"#).await;
    let res = JsFuture::from(d.refresh()).await;
    pause(50).await;
    let sent = count_path(&requests().await, "/v1/auth/refresh") - before;
    set_config(r#"{"rotation":null,"rotationGraceSeconds":null}"#).await;
    d.dispose();
    (res, rec, sent)
}

#[wasm_bindgen_test]
async fn f21_lost_rotation_with_grace_is_recovered_by_one_retry() {
    let (res, rec, sent) = lost_rotation(10).await;
    assert!(
        res.is_ok(),
        "the retry with the same token got the rotated pair"
    );
    assert_eq!(event_types(&rec), vec!["refreshed"]);
    assert_eq!(sent, 2, "the dropped request and one retry");
}

#[wasm_bindgen_test]
async fn f21_lost_rotation_without_grace_signs_out_refresh_lost_once() {
    let (res, rec, sent) = lost_rotation(0).await;
    let e = res.expect_err("the session is lost");
    assert_descope_error(&e, "unauthenticated", None);
    assert_eq!(event_types(&rec), vec!["signedOut"], "exactly one event");
    // The emulator's `drop: true` sends the head and cuts the body (a connection closed before any
    // answer would be resent by Chromium itself, and the SDK would see only the resend's 401): the
    // SDK sees a failed read, retries once with the same token, and that refusal means the
    // committed rotation is lost.
    assert_eq!(
        get_str(&events(&rec).get(0), "reason").as_deref(),
        Some("refreshLost")
    );
    assert_eq!(sent, 2, "the lost request and one retry, no loop");
}
