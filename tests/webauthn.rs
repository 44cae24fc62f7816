//! Passkeys (`descope.webauthn`) through the SDK against a running emulator, in headless Chromium,
//! for everything that needs no authenticator: argument checks, step-up without a session, abort
//! signals, `isSupported` and the page checks, and how a browser failure becomes a `DescopeError`.
//! The runner's page is http://127.0.0.1:PORT: a secure context in which WebAuthn itself refuses to
//! run (an IP address is no relying-party id), which makes a real browser failure to convert.
//! Passkeys that are really created and used are in tests/e2e/passkeys.test.mjs.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn s(v: &str) -> JsValue {
    JsValue::from_str(v)
}

const U: JsValue = JsValue::UNDEFINED;

/// Requests the emulator logged on passkey routes so far.
async fn passkey_requests() -> usize {
    requests()
        .await
        .iter()
        .filter(|e| get_str(e, "path").is_some_and(|p| p.starts_with("/v1/auth/webauthn/")))
        .count()
}

fn signal_opts(signal: &web_sys::AbortSignal) -> JsValue {
    let o = Object::new();
    Reflect::set(&o, &s("signal"), signal).unwrap();
    o.into()
}

#[wasm_bindgen(inline_js = r#"
// Hides one thing passkeys need, as an older browser or an insecure page would lack it; returns
// the function that puts it back.
export function hidePasskeyFeature(what) {
  const [target, key, value] = {
    secure: [window, "isSecureContext", false],
    webauthn: [window, "PublicKeyCredential", undefined],
    json: [window.PublicKeyCredential, "parseRequestOptionsFromJSON", undefined],
    tojson: [window.PublicKeyCredential && window.PublicKeyCredential.prototype, "toJSON", undefined],
  }[what];
  const saved = Object.getOwnPropertyDescriptor(target, key);
  Object.defineProperty(target, key, { configurable: true, writable: true, value });
  return () => { if (saved) Object.defineProperty(target, key, saved); else delete target[key]; };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = hidePasskeyFeature)]
    fn hide_passkey_feature(what: &str) -> Function;
}

#[wasm_bindgen_test]
async fn is_supported_on_a_secure_page_of_a_current_browser() {
    let (d, _) = client("").await;
    assert!(supported(&d.webauthn()));
}

#[wasm_bindgen_test]
async fn bad_arguments_are_refused_before_any_request() {
    let (d, _) = client("").await;
    let w = d.webauthn();
    let before = passkey_requests().await;
    let cases: Vec<(Promise, &str)> = vec![
        (
            call(&w, "signUp", &[&JsValue::from(42), &U, &U]),
            "invalidArgument",
        ),
        (call(&w, "signUp", &[&U, &U, &U]), "invalidArgument"),
        (call(&w, "signUp", &[&s(""), &U, &U]), "emptyLoginId"),
        (
            call(&w, "signUp", &[&s("a@b.co"), &JsValue::from(7), &U]),
            "invalidArgument",
        ),
        (
            call(&w, "signUp", &[&s("a@b.co"), &U, &s("stepup")]),
            "invalidArgument",
        ),
        (
            call(&w, "signIn", &[&JsValue::from(true), &U]),
            "invalidArgument",
        ),
        (
            call(&w, "signIn", &[&s(&"a".repeat(1025)), &U]),
            "invalidLoginId",
        ),
        (
            call(&w, "signIn", &[&U, &options(r#"{"stepup":"yes"}"#)]),
            "invalidArgument",
        ),
        (
            call(&w, "signIn", &[&U, &options(r#"{"customClaims":[1]}"#)]),
            "invalidArgument",
        ),
        (call(&w, "signUpOrIn", &[&s(""), &U]), "emptyLoginId"),
        (call(&w, "update", &[&JsValue::NULL]), "invalidArgument"),
        (call(&w, "update", &[&s("")]), "emptyLoginId"),
        (call(&w, "autofill", &[&s("now")]), "invalidArgument"),
        (
            call(&w, "autofill", &[&options(r#"{"signal":true}"#)]),
            "invalidArgument",
        ),
    ];
    for (p, code) in cases {
        assert_descope_error(&err(p).await, "validation", Some(code));
    }
    assert_eq!(passkey_requests().await, before, "no request was sent");
}

#[wasm_bindgen_test]
async fn stepup_mfa_and_update_without_a_session_reject_unauthenticated_with_no_request() {
    let (d, _) = client("").await;
    let w = d.webauthn();
    let before = passkey_requests().await;
    let stepup = || options(r#"{"stepup":true}"#);
    let mfa = || options(r#"{"mfa":true}"#);
    for p in [
        call(&w, "signIn", &[&s("a@b.co"), &stepup()]),
        call(&w, "signIn", &[&U, &stepup()]),
        call(&w, "signIn", &[&s("a@b.co"), &mfa()]),
        call(&w, "signUpOrIn", &[&s("a@b.co"), &stepup()]),
        call(&w, "update", &[&s("a@b.co")]),
    ] {
        assert_descope_error(&err(p).await, "unauthenticated", Some("noSession"));
    }
    assert_eq!(passkey_requests().await, before, "no request was sent");
    assert!(d.session().is_none());
}

#[wasm_bindgen_test]
async fn autofill_with_an_already_aborted_signal_rejects_at_once_with_no_request() {
    let (d, _) = client("").await;
    let ctl = web_sys::AbortController::new().unwrap();
    ctl.abort();
    let before = passkey_requests().await;
    let e = err(call(
        &d.webauthn(),
        "autofill",
        &[&signal_opts(&ctl.signal())],
    ))
    .await;
    assert_descope_error(&e, "aborted", Some("aborted"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(false));
    assert_eq!(passkey_requests().await, before, "no request was sent");
}

/// The start request is not raced (the signal goes to the browser): once it is answered the
/// browser refuses the already-aborted request at once, nothing is shown and nothing is finished.
#[wasm_bindgen_test]
async fn autofill_aborted_while_its_start_request_is_in_flight_rejects_aborted_with_no_finish() {
    let (d, _) = client("").await;
    fault(r#"{"path":"/v1/auth/webauthn/signin/start","delayMs":1000,"times":1}"#).await;
    let ctl = web_sys::AbortController::new().unwrap();
    let before = count_path(&requests().await, "/v1/auth/webauthn/signin/finish");
    let p = call(&d.webauthn(), "autofill", &[&signal_opts(&ctl.signal())]);
    pause(300).await;
    ctl.abort();
    let e = err(p).await;
    assert_descope_error(&e, "aborted", Some("aborted"));
    assert!(d.session().is_none());
    let after = count_path(&requests().await, "/v1/auth/webauthn/signin/finish");
    assert_eq!(after, before, "nothing is finished");
}

#[wasm_bindgen_test]
async fn a_page_that_cannot_use_passkeys_is_told_why_before_any_request() {
    let (d, _) = client("").await;
    let w = d.webauthn();
    for (what, names) in [
        ("secure", "secure context"),
        ("webauthn", "PublicKeyCredential"),
        ("json", "parseRequestOptionsFromJSON"),
        ("tojson", "toJSON"),
    ] {
        let restore = hide_passkey_feature(what);
        let supported = supported(&w);
        let before = passkey_requests().await;
        let up = err(call(&w, "signUp", &[&s(&unique_email()), &U, &U])).await;
        let auto = err(call(&w, "autofill", &[&U])).await;
        restore.call0(&JsValue::NULL).unwrap();
        assert!(!supported, "isSupported() without {what}");
        for e in [&up, &auto] {
            assert_descope_error(e, "validation", Some("passkeysUnsupported"));
            let desc = get_str(e, "description").unwrap();
            assert!(desc.contains(names), "{what}: {desc}");
        }
        assert_eq!(
            passkey_requests().await,
            before,
            "{what}: no request was sent"
        );
    }
    assert!(supported(&w), "restored");
}

/// The emulator answers the start (its rpId is the page's host, 127.0.0.1), then the browser
/// refuses an IP address as relying party: a real WebAuthn failure, converted by its name.
#[wasm_bindgen_test]
async fn a_browser_refusal_becomes_a_typed_error_and_nothing_is_finished() {
    let (d, _) = client("").await;
    let rec = recorder();
    d.on_session_change(listener(&rec)).unwrap();
    let login = unique_email();
    let e = err(call(&d.webauthn(), "signUp", &[&s(&login), &s("Ada"), &U])).await;
    assert_descope_error(&e, "config", Some("invalidDomain"));
    let e = err(call(&d.webauthn(), "signIn", &[&U, &U])).await;
    assert_descope_error(&e, "config", Some("invalidDomain"));
    let log = requests().await;
    assert_eq!(count_path(&log, "/v1/auth/webauthn/signup/start"), 1);
    assert_eq!(count_path(&log, "/v1/auth/webauthn/signup/finish"), 0);
    assert_eq!(count_path(&log, "/v1/auth/webauthn/signin/finish"), 0);
    // What the start sent: web-js's body, with the page's origin.
    let start = log
        .iter()
        .find(|r| {
            get_str(r, "path").as_deref() == Some("/v1/auth/webauthn/signup/start")
                && get_str(&get(&get(r, "body"), "user"), "loginId").as_deref() == Some(&login)
        })
        .expect("the sign-up start is logged");
    let body = get(&start, "body");
    let origin = get_str(&get(&js_sys::global(), "location"), "origin");
    assert!(origin
        .as_deref()
        .is_some_and(|o| o.starts_with("http://127.0.0.1:")));
    assert_eq!(get_str(&body, "origin"), origin);
    assert_eq!(get_str(&get(&body, "user"), "name").as_deref(), Some("Ada"));
    assert!(d.session().is_none());
    assert!(event_types(&rec).is_empty(), "no session event");
}

#[wasm_bindgen_test]
async fn a_start_answer_that_is_not_a_transaction_is_a_protocol_error() {
    let (d, _) = client("").await;
    fault(r#"{"path":"/v1/auth/webauthn/signin/start","status":200,"body":{"options":"{}"},"times":1}"#).await;
    let e = err(call(&d.webauthn(), "signIn", &[&U, &U])).await;
    assert_descope_error(&e, "protocol", Some("invalidResponse"));
}

#[wasm_bindgen_test]
async fn passkey_calls_after_dispose_reject_as_disposed() {
    let (d, _) = client("").await;
    let w = d.webauthn();
    d.dispose();
    for p in [
        call(&w, "signIn", &[&U, &U]),
        call(&w, "signUp", &[&s(""), &U, &U]),
        call(&w, "autofill", &[&U]),
        call(&w, "update", &[&s("x")]),
    ] {
        assert_descope_error(
            &JsFuture::from(p).await.unwrap_err(),
            "config",
            Some("disposed"),
        );
    }
}
