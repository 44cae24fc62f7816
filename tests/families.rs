//! The sign-in families of issue 3 (magic link, enchanted link, OAuth, SSO, TOTP, password, NOTP,
//! tenants and history) through the SDK against a running emulator, in headless Chromium.
//! Tokens, codes and passwords are asserted on, never printed.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use descope_wasm::Descope;
use js_sys::{Array, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

fn url(v: &str) -> JsValue {
    s(v)
}

fn amr(session: &JsValue) -> Vec<String> {
    get(session, "amr")
        .dyn_into::<Array>()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_string())
        .collect()
}

fn nsec(session: &JsValue, key: &str) -> Option<String> {
    get_str(&get(&get(session, "claims"), "nsec"), key)
}

fn wait_opts(interval: u32, timeout: u32, signal: Option<&web_sys::AbortSignal>) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &s("pollIntervalMs"), &JsValue::from(interval)).unwrap();
    Reflect::set(&o, &s("timeoutMs"), &JsValue::from(timeout)).unwrap();
    if let Some(sig) = signal {
        Reflect::set(&o, &s("signal"), sig).unwrap();
    }
    o.into()
}

async fn count(path: &str) -> usize {
    count_path(&requests().await, path)
}

/// A page on the emulator's origin that answers 200 to any query (the "app" a redirect lands on).
fn landing() -> String {
    format!("{EMU}/emulator/config")
}

// ---- Magic link ----

#[wasm_bindgen_test]
async fn magic_link_sign_up_or_in_verify_and_reused_token_fails() {
    let (d, prefix) = client("").await;
    let login = unique_email();
    let back = format!("{EMU}/verify-here");
    let masked = ok(call(
        &d.magic_link(),
        "signUpOrIn",
        &[&s("email"), &s(&login), &url(&back), &JsValue::UNDEFINED],
    ))
    .await;
    assert!(get_str(&masked, "maskedEmail").is_some_and(|m| m != login));
    let msg = last_message(&login).await;
    assert_eq!(get_str(&msg, "kind").as_deref(), Some("magiclink"));
    // The link goes to the redirect URL the SDK sent as `URI`.
    let link = get_str(&msg, "link").unwrap();
    assert!(link.starts_with(&back));
    let token = query_param(&link, "t").expect("t in the link");
    assert_eq!(get_str(&msg, "token").as_deref(), Some(token.as_str()));
    let session = ok(call(&d.magic_link(), "verify", &[&s(&token)])).await;
    assert!(amr(&session).contains(&"email".to_string()));
    assert_eq!(
        d.session().unwrap().session_jwt().as_string().unwrap(),
        get_str(&session, "sessionJwt").unwrap()
    );
    assert_eq!(
        ls_get(&format!("{prefix}DS")),
        get_str(&session, "sessionJwt")
    );
    // A link works once.
    let e = err(call(&d.magic_link(), "verify", &[&s(&token)])).await;
    assert_descope_error(&e, "unauthenticated", Some("E061201"));
    let e = err(call(&d.magic_link(), "verify", &[&s("")])).await;
    assert_descope_error(&e, "validation", Some("invalidToken"));
}

#[wasm_bindgen_test]
async fn magic_link_sms_sign_up_and_method_checks() {
    let (d, _) = client("").await;
    let phone = unique_phone();
    let user = json(r#"{"name":"Grace"}"#);
    let masked = ok(call(
        &d.magic_link(),
        "signUp",
        &[
            &s("sms"),
            &s(&phone),
            &JsValue::UNDEFINED,
            &user,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert!(get_str(&masked, "maskedPhone").is_some());
    let token = get_str(&last_message(&phone).await, "token").unwrap();
    let session = ok(call(&d.magic_link(), "verify", &[&s(&token)])).await;
    assert!(amr(&session).contains(&"sms".to_string()));
    assert_eq!(
        get_str(&get(&session, "user"), "name").as_deref(),
        Some("Grace")
    );
    let before = requests().await.length();
    let e = err(call(
        &d.magic_link(),
        "signIn",
        &[
            &s("voice"),
            &s(&phone),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("invalidMethod"));
    let e = err(call(
        &d.magic_link(),
        "signIn",
        &[
            &s("email"),
            &s(&unique_email()),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "api", Some("E062108"));
    assert_eq!(requests().await.length(), before + 1);
}

#[wasm_bindgen_test]
async fn f39_magic_link_bad_redirect_urls_rejected_before_the_network() {
    let (d, _) = client("").await;
    let login = unique_email();
    let before = requests().await.length();
    for bad in [
        "javascript:alert(1)",
        "data:text/html,<b>x</b>",
        "//evil.example/cb",
        "https://app.example@evil.example/",
        "https:\\\\evil.example",
        "http://evil.example/cb",
        "https://%65vil.example/",
    ] {
        let e = err(call(
            &d.magic_link(),
            "signUpOrIn",
            &[&s("email"), &s(&login), &url(bad), &JsValue::UNDEFINED],
        ))
        .await;
        assert_descope_error(&e, "validation", Some("invalidRedirectUrl"));
        let e = err(call(
            &d.enchanted_link(),
            "signIn",
            &[&s(&login), &url(bad), &JsValue::UNDEFINED],
        ))
        .await;
        assert_descope_error(&e, "validation", Some("invalidRedirectUrl"));
        let e = err(call(
            &d.oauth(),
            "start",
            &[&s("google"), &url(bad), &JsValue::UNDEFINED],
        ))
        .await;
        assert_descope_error(&e, "validation", Some("invalidRedirectUrl"));
        let e = err(call(
            &d.sso(),
            "start",
            &[&s("T1"), &url(bad), &JsValue::UNDEFINED],
        ))
        .await;
        assert_descope_error(&e, "validation", Some("invalidRedirectUrl"));
        let e = err(call(&d.password(), "sendReset", &[&s(&login), &url(bad)])).await;
        assert_descope_error(&e, "validation", Some("invalidRedirectUrl"));
    }
    assert_eq!(requests().await.length(), before, "no request was sent");
}

#[wasm_bindgen_test]
async fn magic_link_stepup_mfa_and_custom_claims() {
    let (d, _) = client("").await;
    let login = unique_email();
    // Without a session, step-up is refused before any request.
    let before = requests().await.length();
    let e = err(call(
        &d.magic_link(),
        "signIn",
        &[
            &s("email"),
            &s(&login),
            &JsValue::UNDEFINED,
            &options(r#"{"stepup":true}"#),
        ],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    assert_eq!(requests().await.length(), before);

    sign_in_email(&d, &login).await;
    ok(call(
        &d.magic_link(),
        "signIn",
        &[
            &s("email"),
            &s(&login),
            &JsValue::UNDEFINED,
            &options(r#"{"stepup":true,"customClaims":{"plan":"pro"}}"#),
        ],
    ))
    .await;
    let log = requests().await;
    let last = log.get(log.length() - 1);
    assert_eq!(
        get_str(&last, "path").as_deref(),
        Some("/v1/auth/magiclink/signin/email")
    );
    assert!(get_str(&get(&last, "headers"), "authorization").is_some_and(|a| a.contains(':')));
    let token = get_str(&last_message(&login).await, "token").unwrap();
    let stepped = ok(call(&d.magic_link(), "verify", &[&s(&token)])).await;
    assert_eq!(get(&stepped, "stepUp").as_bool(), Some(true));
    assert_eq!(nsec(&stepped, "plan").as_deref(), Some("pro"));

    ok(call(
        &d.magic_link(),
        "signIn",
        &[
            &s("email"),
            &s(&login),
            &JsValue::UNDEFINED,
            &options(r#"{"mfa":true}"#),
        ],
    ))
    .await;
    let token = get_str(&last_message(&login).await, "token").unwrap();
    let mfa = ok(call(&d.magic_link(), "verify", &[&s(&token)])).await;
    assert!(amr(&mfa).contains(&"mfa".to_string()));
}

#[wasm_bindgen_test]
async fn magic_link_update_email_needs_a_session_then_confirms() {
    let (d, _) = client("").await;
    let login = unique_email();
    let new_email = unique_email();
    let before = requests().await.length();
    let e = err(call(
        &d.magic_link(),
        "updateEmail",
        &[
            &s(&login),
            &s(&new_email),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    assert_eq!(requests().await.length(), before);
    sign_in_email(&d, &login).await;
    let masked = ok(call(
        &d.magic_link(),
        "updateEmail",
        &[
            &s(&login),
            &s(&new_email),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert!(get_str(&masked, "maskedEmail").is_some());
    let token = get_str(&last_message(&login).await, "token").unwrap();
    let session = ok(call(&d.magic_link(), "verify", &[&s(&token)])).await;
    assert_eq!(
        get_str(&get(&session, "user"), "email").as_deref(),
        Some(new_email.as_str())
    );
}

// ---- Enchanted link ----

#[wasm_bindgen_test]
async fn enchanted_link_sign_up_or_in_verify_and_wait_for_session() {
    let (d, prefix) = client("").await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let login = unique_email();
    let pending = ok(call(
        &d.enchanted_link(),
        "signUpOrIn",
        &[&s(&login), &JsValue::UNDEFINED, &JsValue::UNDEFINED],
    ))
    .await;
    let pending_ref = get_str(&pending, "pendingRef").expect("pendingRef");
    assert!(get_str(&pending, "linkId").is_some_and(|l| !l.is_empty()));
    assert!(get_str(&pending, "maskedEmail").is_some());
    let waiting = call(
        &d.enchanted_link(),
        "waitForSession",
        &[&s(&pending_ref), &wait_opts(1000, 20_000, None)],
    );
    pause(300).await;
    let msg = last_message(&login).await;
    assert_eq!(get_str(&msg, "kind").as_deref(), Some("enchantedlink"));
    let token = get_str(&msg, "token").unwrap();
    // The link's page (here the same client) confirms; it gets no session itself.
    let v = ok(call(&d.enchanted_link(), "verify", &[&s(&token)])).await;
    assert!(v.is_undefined());
    let session = ok(waiting).await;
    assert!(amr(&session).contains(&"email".to_string()));
    assert_eq!(
        ls_get(&format!("{prefix}DS")),
        get_str(&session, "sessionJwt")
    );
    assert_eq!(event_types(&rec), vec!["signedIn"]);
    // Used token.
    let e = err(call(&d.enchanted_link(), "verify", &[&s(&token)])).await;
    assert_descope_error(&e, "unauthenticated", Some("E061201"));
}

#[wasm_bindgen_test]
async fn enchanted_link_update_email_needs_a_session_then_confirms_by_wait() {
    let (d, prefix) = client("").await;
    let login = unique_email();
    let new_email = unique_email();
    // Without a session: refused before any request.
    let before = requests().await.length();
    let e = err(call(
        &d.enchanted_link(),
        "updateEmail",
        &[
            &s(&login),
            &s(&new_email),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    assert_eq!(requests().await.length(), before, "no request was sent");

    sign_in_email(&d, &login).await;
    // Bad input is refused before the network too (F39 for the redirect URL).
    let before = requests().await.length();
    for (email, uri, code) in [
        (
            new_email.as_str(),
            "http://evil.example/cb",
            "invalidRedirectUrl",
        ),
        ("not-an-email", "", "invalidEmail"),
    ] {
        let uri = if uri.is_empty() {
            JsValue::UNDEFINED
        } else {
            url(uri)
        };
        let e = err(call(
            &d.enchanted_link(),
            "updateEmail",
            &[&s(&login), &s(email), &uri, &JsValue::UNDEFINED],
        ))
        .await;
        assert_descope_error(&e, "validation", Some(code));
    }
    let e = err(call(
        &d.enchanted_link(),
        "updateEmail",
        &[
            &s(""),
            &s(&new_email),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("emptyLoginId"));
    assert_eq!(requests().await.length(), before, "no request was sent");

    let back = format!("{EMU}/verify-here");
    let pending = ok(call(
        &d.enchanted_link(),
        "updateEmail",
        &[
            &s(&login),
            &s(&new_email),
            &url(&back),
            &options(r#"{"addToLoginIDs":true}"#),
        ],
    ))
    .await;
    let pending_ref = get_str(&pending, "pendingRef").expect("pendingRef");
    assert!(!pending_ref.is_empty());
    assert!(get_str(&pending, "linkId").is_some_and(|l| !l.is_empty()));
    assert!(get_str(&pending, "maskedEmail").is_some_and(|m| !m.is_empty() && m != new_email));
    // Sent with the session's refresh JWT.
    let log = requests().await;
    let last = log.get(log.length() - 1);
    assert_eq!(
        get_str(&last, "path").as_deref(),
        Some("/v1/auth/enchantedlink/update/email")
    );
    assert!(get_str(&get(&last, "headers"), "authorization").is_some_and(|a| a.contains(':')));
    // The outbox has the link for this update.
    let msg = last_message(&login).await;
    assert_eq!(get_str(&msg, "kind").as_deref(), Some("enchantedlink"));
    assert_eq!(get_str(&msg, "pendingRef"), Some(pending_ref.clone()));
    assert_eq!(get_str(&msg, "linkId"), get_str(&pending, "linkId"));
    let link = get_str(&msg, "link").unwrap();
    assert!(link.starts_with(&back));
    let token = get_str(&msg, "token").unwrap();
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let waiting = call(
        &d.enchanted_link(),
        "waitForSession",
        &[&s(&pending_ref), &wait_opts(1000, 20_000, None)],
    );
    pause(300).await;
    let v = ok(call(&d.enchanted_link(), "verify", &[&s(&token)])).await;
    assert!(v.is_undefined());
    let session = ok(waiting).await;
    assert_eq!(
        get_str(&get(&session, "user"), "email").as_deref(),
        Some(new_email.as_str())
    );
    assert_eq!(
        ls_get(&format!("{prefix}DS")),
        get_str(&session, "sessionJwt")
    );
    assert_eq!(event_types(&rec), vec!["signedIn"]);
    let me = ok(d.me()).await;
    assert_eq!(get_str(&me, "email").as_deref(), Some(new_email.as_str()));
    let ids: Vec<String> = get(&me, "loginIds")
        .dyn_into::<Array>()
        .unwrap()
        .iter()
        .filter_map(|v| v.as_string())
        .collect();
    assert!(ids.contains(&login) && ids.contains(&new_email));
}

#[wasm_bindgen_test]
async fn enchanted_link_wait_aborts_at_once() {
    let (d, _) = client("").await;
    let login = unique_email();
    let pending = ok(call(
        &d.enchanted_link(),
        "signUpOrIn",
        &[&s(&login), &JsValue::UNDEFINED, &JsValue::UNDEFINED],
    ))
    .await;
    let pending_ref = get_str(&pending, "pendingRef").unwrap();
    let ctl = web_sys::AbortController::new().unwrap();
    let waiting = call(
        &d.enchanted_link(),
        "waitForSession",
        &[
            &s(&pending_ref),
            &wait_opts(1000, 60_000, Some(&ctl.signal())),
        ],
    );
    pause(1300).await; // mid-wait: one or two polls have been answered "pending"
    let t0 = js_sys::Date::now();
    ctl.abort();
    let e = err(waiting).await;
    assert!(js_sys::Date::now() - t0 < 500.0, "rejected at once");
    assert_descope_error(&e, "aborted", Some("aborted"));
    assert!(d.session().is_none());
    // An already-aborted signal rejects before any poll.
    let before = count("/v1/auth/enchantedlink/pending-session").await;
    let e = err(call(
        &d.enchanted_link(),
        "waitForSession",
        &[
            &s(&pending_ref),
            &wait_opts(1000, 60_000, Some(&ctl.signal())),
        ],
    ))
    .await;
    assert_descope_error(&e, "aborted", Some("aborted"));
    assert_eq!(
        count("/v1/auth/enchantedlink/pending-session").await,
        before
    );
}

#[wasm_bindgen_test]
async fn enchanted_link_wait_times_out_without_a_tight_loop() {
    let (d, _) = client("").await;
    let login = unique_email();
    let pending = ok(call(
        &d.enchanted_link(),
        "signUpOrIn",
        &[&s(&login), &JsValue::UNDEFINED, &JsValue::UNDEFINED],
    ))
    .await;
    let pending_ref = get_str(&pending, "pendingRef").unwrap();
    let before = count("/v1/auth/enchantedlink/pending-session").await;
    let t0 = js_sys::Date::now();
    // pollIntervalMs below the minimum is raised to 1000.
    let e = err(call(
        &d.enchanted_link(),
        "waitForSession",
        &[&s(&pending_ref), &wait_opts(10, 1500, None)],
    ))
    .await;
    let took = js_sys::Date::now() - t0;
    assert_descope_error(&e, "timeout", Some("pollingTimeout"));
    assert!((1400.0..4000.0).contains(&took), "took {took} ms");
    let polls = count("/v1/auth/enchantedlink/pending-session").await - before;
    assert!((1..=3).contains(&polls), "{polls} polls");
    // An unknown pendingRef is not "pending": it rejects at once.
    let e = err(call(
        &d.enchanted_link(),
        "waitForSession",
        &[&s("no-such-ref"), &wait_opts(1000, 20_000, None)],
    ))
    .await;
    assert_descope_error(&e, "api", Some("E011004"));
    let e = err(call(
        &d.enchanted_link(),
        "waitForSession",
        &[&s(&pending_ref), &json(r#"{"timeoutMs":"soon"}"#)],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("invalidArgument"));
}

// ---- OAuth and SSO ----

#[wasm_bindgen_test]
async fn oauth_start_redirect_exchange_and_reused_code() {
    let (d, _) = client("").await;
    let start = ok(call(
        &d.oauth(),
        "start",
        &[&s("github"), &url(&landing()), &JsValue::UNDEFINED],
    ))
    .await;
    let provider_url = get_str(&start, "url").expect("url");
    assert!(provider_url.contains("/emulator/oauth/authorize"));
    let back = follow(&provider_url).await;
    assert!(back.starts_with(&landing()), "redirected back to the app");
    let code = query_param(&back, "code").expect("code");
    let session = ok(call(&d.oauth(), "exchange", &[&s(&code)])).await;
    assert!(amr(&session).contains(&"oauth".to_string()));
    assert_eq!(
        get_str(&get(&session, "user"), "email").as_deref(),
        Some("github-user@example.com")
    );
    assert!(d.session().is_some());
    let e = err(call(&d.oauth(), "exchange", &[&s(&code)])).await;
    assert_descope_error(&e, "unauthenticated", Some("E061401"));
    let e = err(call(
        &d.oauth(),
        "start",
        &[&s(""), &JsValue::UNDEFINED, &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("invalidArgument"));
}

#[wasm_bindgen_test]
async fn sso_start_redirect_exchange() {
    let (d, _) = client("").await;
    let tenant = format!("T{}", uid());
    let start = ok(call(
        &d.sso(),
        "start",
        &[&s(&tenant), &url(&landing()), &JsValue::UNDEFINED],
    ))
    .await;
    let provider_url = get_str(&start, "url").expect("url");
    assert!(provider_url.contains("/emulator/sso/authorize"));
    let back = follow(&provider_url).await;
    let code = query_param(&back, "code").expect("code");
    // An SSO code is not an OAuth code.
    let e = err(call(&d.oauth(), "exchange", &[&s(&code)])).await;
    assert_descope_error(&e, "unauthenticated", Some("E061401"));
    let start = ok(call(
        &d.sso(),
        "start",
        &[&s(&tenant), &url(&landing()), &JsValue::UNDEFINED],
    ))
    .await;
    let back = follow(&get_str(&start, "url").unwrap()).await;
    let code = query_param(&back, "code").expect("code");
    let session = ok(call(&d.sso(), "exchange", &[&s(&code)])).await;
    assert!(amr(&session).contains(&"fed".to_string()));
    assert!(d.session().is_some());
}

/// F40, the part the SDK owns: a callback `code` that was already used, is unknown, is empty or is
/// missing (`URLSearchParams.get("code")` is `null`) rejects with a clean typed error, stores no
/// token, and leaves the current session untouched. An empty or missing code sends nothing. The
/// OAuth `state` is kept and checked by Descope's server (the app hands `exchange` only the code),
/// and removing `code` from the URL is the app's (the demo does, families.test.mjs checks it).
#[wasm_bindgen_test]
async fn f40_used_unknown_empty_and_missing_codes_store_nothing_and_keep_the_session() {
    let (d, prefix) = client(r#""autoRefresh":false"#).await;
    sign_in_email(&d, &unique_email()).await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let session_jwt = |d: &Descope| d.session().and_then(|s| get_str(&s.into(), "sessionJwt"));
    let held = session_jwt(&d);
    let stored = || {
        (
            ls_get(&format!("{prefix}DSR")),
            ls_get(&format!("{prefix}DS")),
        )
    };
    let stored_before = stored();
    // Codes used once already, by another client that keeps its session in memory.
    let pid = project_id().await;
    let other = Descope::new(config(
        &pid,
        "other.",
        r#""persistence":"memory","autoRefresh":false"#,
    ))
    .unwrap();
    let start = ok(call(
        &other.oauth(),
        "start",
        &[&s("github"), &url(&landing()), &JsValue::UNDEFINED],
    ))
    .await;
    let oauth_used = query_param(&follow(&get_str(&start, "url").unwrap()).await, "code").unwrap();
    ok(call(&other.oauth(), "exchange", &[&s(&oauth_used)])).await;
    let start = ok(call(
        &other.sso(),
        "start",
        &[
            &s(&format!("T{}", uid())),
            &url(&landing()),
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    let sso_used = query_param(&follow(&get_str(&start, "url").unwrap()).await, "code").unwrap();
    ok(call(&other.sso(), "exchange", &[&s(&sso_used)])).await;
    other.dispose();
    let unknown = format!("unknown{}", uid());
    for sso in [false, true] {
        let exchange = |code: JsValue| {
            if sso {
                call(&d.sso(), "exchange", &[&code])
            } else {
                call(&d.oauth(), "exchange", &[&code])
            }
        };
        let used = if sso { &sso_used } else { &oauth_used };
        for code in [used.as_str(), unknown.as_str()] {
            let e = err(exchange(s(code))).await;
            assert_descope_error(&e, "unauthenticated", Some("E061401"));
            let message = get_str(&e, "message").unwrap_or_default();
            assert!(!message.contains(code), "the code is not echoed");
        }
        let sent = count_path(&requests().await, "/v1/auth/oauth/exchange")
            + count_path(&requests().await, "/v1/auth/saml/exchange");
        let e = err(exchange(s(""))).await;
        assert_descope_error(&e, "validation", Some("invalidCode"));
        let e = err(exchange(JsValue::NULL)).await;
        assert_descope_error(&e, "validation", None);
        let log = requests().await;
        assert_eq!(
            count_path(&log, "/v1/auth/oauth/exchange")
                + count_path(&log, "/v1/auth/saml/exchange"),
            sent,
            "an empty or missing code sends nothing"
        );
    }
    assert_eq!(session_jwt(&d), held, "the current session is untouched");
    assert_eq!(stored(), stored_before, "no token stored");
    assert!(event_types(&rec).is_empty(), "no session change");
    d.dispose();
}

// ---- TOTP ----

#[wasm_bindgen_test]
async fn totp_sign_up_verify_wrong_code_and_update() {
    let (d, _) = client("").await;
    let login = unique_email();
    let r = ok(call(
        &d.totp(),
        "signUp",
        &[&s(&login), &JsValue::UNDEFINED],
    ))
    .await;
    let prov = get_str(&r, "provisioningUrl").expect("provisioningUrl");
    assert!(prov.starts_with("otpauth://totp/"));
    assert!(get_str(&r, "image").is_some_and(|i| i.len() > 100));
    let key = get_str(&r, "key").expect("key");
    assert!(prov.contains(&key));
    assert!(get(&r, "provisioningURL").is_undefined());
    let code = totp_code(&login).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    let e = err(call(
        &d.totp(),
        "verify",
        &[&s(&login), &s(wrong), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("E065102"));
    assert!(d.session().is_none());
    let session = ok(call(
        &d.totp(),
        "verify",
        &[&s(&login), &s(&code), &JsValue::UNDEFINED],
    ))
    .await;
    assert!(amr(&session).contains(&"totp".to_string()));
    let r2 = ok(call(&d.totp(), "update", &[&s(&login)])).await;
    assert_ne!(get_str(&r2, "key"), Some(key));
    // Without a session: no request.
    let (fresh, _) = client("").await;
    let before = requests().await.length();
    let e = err(call(&fresh.totp(), "update", &[&s(&login)])).await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    assert_eq!(requests().await.length(), before);
}

// ---- Password ----

#[wasm_bindgen_test]
async fn password_sign_up_sign_in_replace_policy_and_errors() {
    let (d, _) = client("").await;
    let login = unique_email();
    let pw = format!("Aa1{}", uid());
    let policy = ok(call(&d.password(), "policy", &[])).await;
    assert_eq!(get(&policy, "minLength").as_f64(), Some(8.0));
    assert_eq!(get(&policy, "uppercase").as_bool(), Some(true));
    assert_eq!(get(&policy, "nonAlphanumeric").as_bool(), Some(false));
    let e = err(call(
        &d.password(),
        "signUp",
        &[
            &s(&login),
            &s("weak"),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    assert_descope_error(&e, "api", Some("E062905"));
    assert!(!get_str(&e, "description").unwrap().contains("weak"));
    let session = ok(call(
        &d.password(),
        "signUp",
        &[
            &s(&login),
            &s(&pw),
            &JsValue::UNDEFINED,
            &options(r#"{"customClaims":{"tier":"gold"}}"#),
        ],
    ))
    .await;
    assert_eq!(amr(&session), vec!["pwd".to_string()]);
    assert_eq!(nsec(&session, "tier").as_deref(), Some("gold"));
    let e = err(call(
        &d.password(),
        "signIn",
        &[&s(&login), &s("Wrong1pass"), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("E062901"));
    let e = err(call(
        &d.password(),
        "signIn",
        &[&s(&unique_email()), &s(&pw), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "api", Some("E062108"));
    ok(call(
        &d.password(),
        "signIn",
        &[&s(&login), &s(&pw), &JsValue::UNDEFINED],
    ))
    .await;
    // MFA on top of the password session.
    let mfa = ok(call(
        &d.password(),
        "signIn",
        &[&s(&login), &s(&pw), &options(r#"{"mfa":true}"#)],
    ))
    .await;
    assert!(amr(&mfa).contains(&"mfa".to_string()));
    let pw2 = format!("Bb2{}", uid());
    let e = err(call(
        &d.password(),
        "replace",
        &[&s(&login), &s("Wrong1pass"), &s(&pw2)],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("E062901"));
    let replaced = ok(call(
        &d.password(),
        "replace",
        &[&s(&login), &s(&pw), &s(&pw2)],
    ))
    .await;
    assert!(get_str(&replaced, "sessionJwt").is_some());
    ok(call(
        &d.password(),
        "signIn",
        &[&s(&login), &s(&pw2), &JsValue::UNDEFINED],
    ))
    .await;
    let e = err(call(
        &d.password(),
        "signIn",
        &[&s(&login), &s(""), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "validation", Some("invalidPassword"));
}

#[wasm_bindgen_test]
async fn password_reset_through_magic_link_then_update_and_no_password_in_logs() {
    let pid = project_id().await;
    let log = log_recorder();
    let cfg = config(&pid, &format!("t{}.", uid()), "");
    Reflect::set(&cfg, &s("logger"), &log).unwrap();
    let d = Descope::new(cfg).unwrap();
    let login = unique_email();
    let pw = format!("Cc3{}", uid());
    ok(call(
        &d.password(),
        "signUp",
        &[
            &s(&login),
            &s(&pw),
            &JsValue::UNDEFINED,
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    ok(d.logout()).await;
    let before = requests().await.length();
    let e = err(call(
        &d.password(),
        "update",
        &[&s(&login), &s("Dd4newpass")],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
    assert_eq!(requests().await.length(), before);
    let r = ok(call(
        &d.password(),
        "sendReset",
        &[&s(&login), &url(&format!("{EMU}/reset"))],
    ))
    .await;
    assert_eq!(get_str(&r, "resetMethod").as_deref(), Some("magiclink"));
    assert!(get_str(&r, "maskedEmail").is_some());
    let token = get_str(&last_message(&login).await, "token").unwrap();
    ok(call(&d.magic_link(), "verify", &[&s(&token)])).await;
    let pw2 = format!("Dd4{}", uid());
    let e = err(call(&d.password(), "update", &[&s(&login), &s("short")])).await;
    assert_descope_error(&e, "api", Some("E062905"));
    let v = ok(call(&d.password(), "update", &[&s(&login), &s(&pw2)])).await;
    assert!(v.is_undefined());
    ok(call(
        &d.password(),
        "signIn",
        &[&s(&login), &s(&pw2), &JsValue::UNDEFINED],
    ))
    .await;
    let e = err(call(
        &d.password(),
        "signIn",
        &[&s(&login), &s(&pw), &JsValue::UNDEFINED],
    ))
    .await;
    assert_descope_error(&e, "unauthenticated", Some("E062901"));
    let lines: Array = get(&log, "lines").dyn_into().unwrap();
    assert!(lines.length() > 0);
    for l in lines.iter() {
        let l = l.as_string().unwrap();
        assert!(
            !l.contains(&pw) && !l.contains(&pw2),
            "a password in a log line"
        );
        assert!(!has_jwt(&l));
    }
}

// ---- NOTP ----

#[wasm_bindgen_test]
async fn notp_sign_up_or_in_approve_and_wait_for_session() {
    let (d, _) = client("").await;
    let phone = unique_phone();
    let p = ok(call(
        &d.notp(),
        "signUpOrIn",
        &[&url(&phone), &JsValue::UNDEFINED],
    ))
    .await;
    let pending_ref = get_str(&p, "pendingRef").expect("pendingRef");
    let redirect = get_str(&p, "redirectUrl").expect("redirectUrl");
    assert!(get_str(&p, "image").is_some_and(|i| i.len() > 100));
    let waiting = call(
        &d.notp(),
        "waitForSession",
        &[&s(&pending_ref), &wait_opts(1000, 20_000, None)],
    );
    pause(1200).await; // at least one "pending" answer (E066103) first
    let r = get_url(&redirect).await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0));
    let session = ok(waiting).await;
    assert!(amr(&session).contains(&"whatsapp".to_string()));
    assert!(d.session().is_some());
    // Without a login id the emulator signs in its default WhatsApp user.
    let p = ok(call(
        &d.notp(),
        "signIn",
        &[&JsValue::UNDEFINED, &JsValue::UNDEFINED],
    ))
    .await;
    assert!(get_str(&p, "pendingRef").is_some());
}

// ---- Tenants and history ----

#[wasm_bindgen_test]
async fn select_tenant_my_tenants_and_history() {
    let (d, prefix) = client("").await;
    let login = unique_email();
    let t1 = format!("T1{}", uid());
    let t2 = format!("T2{}", uid());
    let r = emu(
        "POST",
        "/emulator/users",
        Some(&format!(
            r#"{{"loginId":"{login}","email":"{login}","userTenants":[{{"tenantId":"{t1}","tenantName":"One"}},{{"tenantId":"{t2}","tenantName":"Two"}}]}}"#
        )),
    )
    .await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0));
    // Without a session: no request.
    let before = requests().await.length();
    assert_descope_error(
        &err(d.select_tenant(s(&t1))).await,
        "unauthenticated",
        Some("noSession"),
    );
    assert_descope_error(
        &err(d.my_tenants(JsValue::TRUE)).await,
        "unauthenticated",
        Some("noSession"),
    );
    assert_descope_error(
        &err(d.history()).await,
        "unauthenticated",
        Some("noSession"),
    );
    assert_eq!(requests().await.length(), before);

    sign_in_email(&d, &login).await;
    assert_eq!(d.session().unwrap().current_tenant().as_string(), None);
    let none = ok(d.my_tenants(JsValue::TRUE)).await;
    assert_eq!(
        get(&none, "tenants").dyn_into::<Array>().unwrap().length(),
        0
    );
    let session = ok(d.select_tenant(s(&t1))).await;
    assert_eq!(get_str(&session, "currentTenant"), Some(t1.clone()));
    assert_eq!(
        d.session().unwrap().current_tenant().as_string(),
        Some(t1.clone())
    );
    assert_eq!(
        ls_get(&format!("{prefix}DS")),
        get_str(&session, "sessionJwt")
    );
    let cur = ok(d.my_tenants(JsValue::TRUE)).await;
    let tenants: Array = get(&cur, "tenants").dyn_into().unwrap();
    assert_eq!(tenants.length(), 1);
    assert_eq!(get_str(&tenants.get(0), "id"), Some(t1.clone()));
    assert_eq!(get_str(&tenants.get(0), "name").as_deref(), Some("One"));
    let ids = Array::of1(&s(&t2));
    let picked = ok(d.my_tenants(ids.into())).await;
    let tenants: Array = get(&picked, "tenants").dyn_into().unwrap();
    assert_eq!(tenants.length(), 1);
    assert_eq!(get_str(&tenants.get(0), "id"), Some(t2.clone()));
    // A tenant the user is not a member of.
    let e = err(d.select_tenant(s("T-not-mine"))).await;
    assert_descope_error(&e, "unauthenticated", Some("E062110"));
    assert_eq!(
        d.session().unwrap().current_tenant().as_string(),
        Some(t1.clone())
    );
    let hist: Array = ok(d.history()).await.dyn_into().unwrap();
    assert!(hist.length() >= 2);
    let first = hist.get(0);
    assert_eq!(get_str(&first, "selectedTenant"), Some(t1.clone()));
    assert!(get(&first, "loginTime").as_f64().is_some());
    for bad in [
        JsValue::FALSE,
        Array::of1(&JsValue::from(1)).into(),
        s("T1"),
    ] {
        let e = err(d.my_tenants(bad)).await;
        assert_descope_error(&e, "validation", Some("invalidArgument"));
    }
}

#[wasm_bindgen_test]
async fn family_promises_after_dispose_reject_as_disposed() {
    let (d, _) = client("").await;
    d.dispose();
    let ps: Vec<Promise> = vec![
        call(&d.magic_link(), "verify", &[&s("x")]),
        call(
            &d.enchanted_link(),
            "waitForSession",
            &[&s("x"), &JsValue::UNDEFINED],
        ),
        call(
            &d.oauth(),
            "start",
            &[&s("google"), &JsValue::UNDEFINED, &JsValue::UNDEFINED],
        ),
        call(&d.password(), "policy", &[]),
        d.history(),
    ];
    for p in ps {
        let e = JsFuture::from(p).await.unwrap_err();
        assert_descope_error(&e, "config", Some("disposed"));
    }
}

/// Each method of the family classes (src/families.js) reaches its own wire-table entry: the JS
/// methods number the rows of the dispatcher's table, so a method numbered wrong would send
/// another method's request. (The passkey methods are covered by tests/webauthn.rs and the
/// passkeys e2e tests.)
#[wasm_bindgen_test]
async fn every_family_method_sends_its_own_request() {
    let (d, _) = client(r#""autoRefresh":false"#).await;
    let login = unique_email();
    sign_in_email(&d, &login).await;
    let (id, email, phone) = (s(&login), s(&unique_email()), s(&unique_phone()));
    let (pw, method, sms) = (s("Passw0rd!x"), s("email"), s("sms"));
    let (el, ml, notp) = (d.enchanted_link(), d.magic_link(), d.notp());
    let (oauth, otp, password) = (d.oauth(), d.otp(), d.password());
    let (sso, totp) = (d.sso(), d.totp());
    let cases: &[(&JsValue, &str, &[&JsValue], &str)] = &[
        (&el, "signIn", &[&id], "/v1/auth/enchantedlink/signin/email"),
        (
            &el,
            "signUpOrIn",
            &[&id],
            "/v1/auth/enchantedlink/signup-in/email",
        ),
        (
            &el,
            "signUp",
            &[&email],
            "/v1/auth/enchantedlink/signup/email",
        ),
        (
            &el,
            "updateEmail",
            &[&id, &email],
            "/v1/auth/enchantedlink/update/email",
        ),
        (&el, "verify", &[&s("t")], "/v1/auth/enchantedlink/verify"),
        (
            &el,
            "waitForSession",
            &[&s("r")],
            "/v1/auth/enchantedlink/pending-session",
        ),
        (
            &ml,
            "signIn",
            &[&method, &id],
            "/v1/auth/magiclink/signin/email",
        ),
        (
            &ml,
            "signUpOrIn",
            &[&method, &id],
            "/v1/auth/magiclink/signup-in/email",
        ),
        (
            &ml,
            "signUp",
            &[&method, &email],
            "/v1/auth/magiclink/signup/email",
        ),
        (
            &ml,
            "updateEmail",
            &[&id, &email],
            "/v1/auth/magiclink/update/email",
        ),
        (
            &ml,
            "updatePhone",
            &[&sms, &id, &phone],
            "/v1/auth/magiclink/update/phone/sms",
        ),
        (&ml, "verify", &[&s("t")], "/v1/auth/magiclink/verify"),
        (&notp, "signIn", &[], "/v1/auth/notp/whatsapp/signin"),
        (&notp, "signUpOrIn", &[], "/v1/auth/notp/whatsapp/signup-in"),
        (&notp, "signUp", &[], "/v1/auth/notp/whatsapp/signup"),
        (
            &notp,
            "waitForSession",
            &[&s("r")],
            "/v1/auth/notp/pending-session",
        ),
        (&oauth, "exchange", &[&s("c")], "/v1/auth/oauth/exchange"),
        (&oauth, "start", &[&s("google")], "/v1/auth/oauth/authorize"),
        (&otp, "signIn", &[&method, &id], "/v1/auth/otp/signin/email"),
        (
            &otp,
            "signUpOrIn",
            &[&method, &id],
            "/v1/auth/otp/signup-in/email",
        ),
        (
            &otp,
            "signUp",
            &[&method, &email],
            "/v1/auth/otp/signup/email",
        ),
        (
            &otp,
            "updateEmail",
            &[&id, &email],
            "/v1/auth/otp/update/email",
        ),
        (
            &otp,
            "updatePhone",
            &[&sms, &id, &phone],
            "/v1/auth/otp/update/phone/sms",
        ),
        (
            &otp,
            "verify",
            &[&method, &id, &s("1")],
            "/v1/auth/otp/verify/email",
        ),
        (&password, "policy", &[], "/v1/auth/password/policy"),
        (
            &password,
            "replace",
            &[&id, &pw, &pw],
            "/v1/auth/password/replace",
        ),
        (&password, "sendReset", &[&id], "/v1/auth/password/reset"),
        (&password, "signIn", &[&id, &pw], "/v1/auth/password/signin"),
        (&password, "update", &[&id, &pw], "/v1/auth/password/update"),
        (
            &password,
            "signUp",
            &[&email, &pw],
            "/v1/auth/password/signup",
        ),
        (&sso, "exchange", &[&s("c")], "/v1/auth/saml/exchange"),
        (&sso, "start", &[&s("T1")], "/v1/auth/saml/authorize"),
        (
            &totp,
            "signUp",
            &[&s(&unique_email())],
            "/v1/auth/totp/signup",
        ),
        (&totp, "update", &[&id], "/v1/auth/totp/update"),
        (&totp, "verify", &[&id, &s("1")], "/v1/auth/totp/verify"),
    ];
    for (family, name, args, path) in cases {
        // Resolved or rejected by the server: either way its request is the newest in the log.
        let _ = JsFuture::from(call(family, name, args)).await;
        let log = requests().await;
        let newest = log.get(log.length() - 1);
        assert_eq!(get_str(&newest, "path").as_deref(), Some(*path), "{name}");
    }
}
