//! Big inputs and broken bodies against the emulator, in headless Chromium (issue 6 item 6): big
//! tokens (F08), the body size cap and endless bodies (F13), truncated bodies (F12), trickling
//! bodies (F23). (Wasm memory after a 1 MiB response is measured on the release build:
//! tests/e2e/memory.test.mjs.) Tokens are asserted on, never printed.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use descope_wasm::Descope;
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
export function answerNextFetchWith(bytes) {
  const real = globalThis.fetch;
  globalThis.fetch = function () {
    globalThis.fetch = real;
    return Promise.resolve(new Response(new Uint8Array(bytes), { status: 200 }));
  };
}
"#)]
extern "C" {
    /// The page's next `fetch` (the SDK's) answers 200 with exactly these bytes, without a server.
    #[wasm_bindgen(js_name = answerNextFetchWith)]
    fn answer_next_fetch_with(bytes: &[u8]);
}

/// This module's linear memory in bytes (its `WebAssembly.Memory` buffer).
fn wasm_memory() -> f64 {
    let buffer = Reflect::get(&wasm_bindgen::memory(), &"buffer".into()).unwrap();
    get(&buffer, "byteLength").as_f64().unwrap()
}

/// Creates a user through the control API from the JSON members `extra`; returns its login id.
async fn create_user(extra: &str) -> String {
    let login = unique_email();
    let r = emu(
        "POST",
        "/emulator/users",
        Some(&format!(
            r#"{{"loginId":"{login}","email":"{login}",{extra}}}"#
        )),
    )
    .await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0), "user created");
    login
}

fn jwt_of(d: &Descope) -> String {
    d.session().unwrap().session_jwt().as_string().unwrap()
}

fn len_of(v: &JsValue) -> u32 {
    v.clone().dyn_into::<js_sys::Array>().unwrap().length()
}

#[wasm_bindgen_test]
async fn f08_a_user_with_1000_roles_signs_in() {
    let roles: Vec<String> = (0..1000)
        .map(|i| format!(r#""project-role-{i:04}""#))
        .collect();
    let login = create_user(&format!(r#""roleNames":[{}]"#, roles.join(","))).await;
    let (d, prefix) = client("").await;
    sign_in_email(&d, &login).await;
    let jwt = jwt_of(&d);
    // Over the old 16 KiB limit, and every role readable.
    assert!(jwt.len() > 16 * 1024, "token of {} bytes", jwt.len());
    let r = descope_wasm::get_jwt_roles(JsValue::from_str(&jwt), JsValue::UNDEFINED).unwrap();
    assert_eq!(len_of(&r), 1000);
    // Stored, restored by a new instance, and refreshed.
    assert!(ls_get(&format!("{prefix}DSR")).is_some_and(|t| t.len() > 16 * 1024));
    let pid = project_id().await;
    let again = Descope::new(config(&pid, &prefix, "")).unwrap();
    assert_eq!(jwt_of(&again), jwt);
    ok(again.refresh()).await;
    assert_eq!(
        len_of(
            &descope_wasm::get_jwt_roles(JsValue::from_str(&jwt_of(&again)), JsValue::UNDEFINED)
                .unwrap()
        ),
        1000
    );
}

#[wasm_bindgen_test]
async fn f08_a_user_with_1000_tenants_signs_in() {
    let tenants: Vec<String> = (0..1000)
        .map(|i| format!(r#"{{"tenantId":"tenant-{i:04}","roleNames":["member"]}}"#))
        .collect();
    let login = create_user(&format!(r#""userTenants":[{}]"#, tenants.join(","))).await;
    let (d, _) = client("").await;
    let session = sign_in_email(&d, &login).await;
    let jwt = jwt_of(&d);
    assert!(jwt.len() > 48 * 1024, "token of {} bytes", jwt.len());
    assert_eq!(
        len_of(&descope_wasm::get_tenants(JsValue::from_str(&jwt)).unwrap()),
        1000
    );
    let r = descope_wasm::get_jwt_roles(JsValue::from_str(&jwt), JsValue::from_str("tenant-0999"))
        .unwrap();
    assert_eq!(len_of(&r), 1);
    // The user object of the answer came through as well.
    let user_tenants = get(&get(&session, "user"), "userTenants");
    assert_eq!(len_of(&user_tenants), 1000);
    let me = ok(d.me()).await;
    assert_eq!(len_of(&get(&me, "userTenants")), 1000);
}

#[wasm_bindgen_test]
async fn f08_a_250_kib_token_is_read_and_one_over_256_kib_is_a_typed_size_error() {
    let pid = project_id().await;
    let (d, prefix) = client("").await;
    let login = unique_email();
    ok(call(
        &d.otp(),
        "signUpOrIn",
        &[
            &method("email"),
            &JsValue::from_str(&login),
            &JsValue::UNDEFINED,
        ],
    ))
    .await;
    let code = latest_code(&login).await;
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let claims = |drn: &str, pad: usize| {
        json(&format!(
            r#"{{"iss":"{pid}","sub":"U1","drn":"{drn}","iat":{now},"exp":{},"pad":"{}"}}"#,
            now + 600,
            "x".repeat(pad)
        ))
    };
    // 250 KiB is read: signed in, stored.
    let large = fake_jwt(&claims("DS", 190 * 1024));
    assert!(
        (250 * 1024..256 * 1024).contains(&large.len()),
        "{}",
        large.len()
    );
    let (d2, prefix2) = client("").await;
    fault(&format!(
        r#"{{"path":"/v1/auth/otp/verify/email","status":200,"body":{{"sessionJwt":"{large}","refreshJwt":"{}"}}}}"#,
        fake_jwt(&claims("DSR", 0))
    ))
    .await;
    ok(call(
        &d2.otp(),
        "verify",
        &[
            &method("email"),
            &JsValue::from_str(&login),
            &JsValue::from_str("000000"),
        ],
    ))
    .await;
    assert_eq!(jwt_of(&d2), large);
    assert_eq!(
        ls_get(&format!("{prefix2}DS")).as_deref(),
        Some(large.as_str())
    );
    // Over 256 KiB: the size error.
    let big = fake_jwt(&claims("DS", 200 * 1024));
    assert!(big.len() > 256 * 1024);
    fault(&format!(
        r#"{{"path":"/v1/auth/otp/verify/email","status":200,"body":{{"sessionJwt":"{big}","refreshJwt":"{}"}}}}"#,
        fake_jwt(&claims("DSR", 0))
    ))
    .await;
    let e = err(call(
        &d.otp(),
        "verify",
        &[
            &method("email"),
            &JsValue::from_str(&login),
            &JsValue::from_str(&code),
        ],
    ))
    .await;
    assert_descope_error(&e, "protocol", Some("tokenTooLarge"));
    assert!(!has_jwt(&get_str(&e, "message").unwrap_or_default()));
    // Nothing adopted, nothing stored.
    assert!(d.session().is_none());
    assert!(ls_get(&format!("{prefix}DSR")).is_none());
}

/// A client signed in by email OTP, with `extra` config members.
async fn signed_in(extra: &str) -> Descope {
    let (d, _) = client(extra).await;
    sign_in_email(&d, &unique_email()).await;
    d
}

#[wasm_bindgen_test]
async fn f13_a_body_over_1_mib_is_response_too_large_and_the_session_is_kept() {
    let d = signed_in("").await;
    let jwt = jwt_of(&d);
    // Just over the cap, in one piece (the `content-length` is known) ...
    fault(&format!(
        r#"{{"path":"/v1/auth/me","status":200,"body":"{}"}}"#,
        "x".repeat(1024 * 1024 + 1)
    ))
    .await;
    let e = err(d.me()).await;
    assert_descope_error(&e, "protocol", Some("responseTooLarge"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    assert_eq!(get(&e, "status").as_f64(), Some(200.0));
    // An error status over the cap is judged by its status, as any error page (F10).
    fault(&format!(
        r#"{{"path":"/v1/auth/me","status":502,"body":"<html>{}</html>"}}"#,
        "p".repeat(3 * 512 * 1024)
    ))
    .await;
    let e = err(d.me()).await;
    assert_descope_error(&e, "api", Some("serverError"));
    assert_eq!(get(&e, "status").as_f64(), Some(502.0));
    // ... and exactly at the cap it is read (and then judged as JSON).
    let mut user = String::from(r#"{"userId":"U1","name":""#);
    user.push_str(&"y".repeat(1024 * 1024 - user.len() - 2));
    user.push_str(r#""}"#);
    assert_eq!(user.len(), 1024 * 1024);
    fault(&format!(
        r#"{{"path":"/v1/auth/me","status":200,"body":{user}}}"#
    ))
    .await;
    let me = ok(d.me()).await;
    assert_eq!(
        get_str(&me, "name").map(|n| n.len()),
        Some(1024 * 1024 - 25)
    );
    assert_eq!(jwt_of(&d), jwt);
}

#[wasm_bindgen_test]
async fn f13_an_endless_body_is_stopped_at_the_cap_with_bounded_memory() {
    let d = signed_in("").await;
    let before = wasm_memory();
    fault(r#"{"path":"/v1/auth/me","status":200,"stream":"endless"}"#).await;
    let e = err(d.me()).await;
    assert_descope_error(&e, "protocol", Some("responseTooLarge"));
    // The cap bounds what was read: a few MiB at most, however fast the server sends.
    assert!(
        wasm_memory() - before <= 4.0 * 1048576.0,
        "grew by {}",
        wasm_memory() - before
    );
    assert!(d.session().is_some());
    // The next call works.
    ok(d.me()).await;
}

#[wasm_bindgen_test]
async fn f23_a_trickling_body_is_stopped_by_the_request_deadline() {
    let d = signed_in(r#""timeoutMs":1500"#).await;
    // Headers at once, then one byte a second: 40 s for the whole body.
    let body = format!(r#"{{"userId":"U1","name":"{}"}}"#, "z".repeat(15));
    assert_eq!(body.len(), 40);
    fault(&format!(
        r#"{{"path":"/v1/auth/me","status":200,"stream":"trickle","body":{body}}}"#
    ))
    .await;
    let t = js_sys::Date::now();
    let e = err(d.me()).await;
    let took = js_sys::Date::now() - t;
    assert_descope_error(&e, "timeout", Some("timeout"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    // Stopped by the deadline that also covered the headers, long before the body would end.
    wasm_bindgen_test::console_log!("G11 F23: timeoutMs 1500, settled after {took} ms");
    assert!((1_400.0..20_000.0).contains(&took), "took {took} ms");
    assert!(d.session().is_some());
}

#[wasm_bindgen_test]
async fn f12_a_truncated_body_is_a_retryable_network_error() {
    let d = signed_in("").await;
    // A complete HTTP answer whose JSON stops early ...
    fault(r#"{"path":"/v1/auth/me","status":200,"body":"{\"userId\":\"U1\",\"name\":\"Ad"}"#).await;
    let e = err(d.me()).await;
    assert_descope_error(&e, "network", Some("truncatedResponse"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    // ... and a connection reset halfway through the announced body.
    fault(r#"{"path":"/v1/auth/me","status":200,"stream":"truncate","body":{"userId":"U1","name":"Ada Lovelace"}}"#).await;
    let e = err(d.me()).await;
    assert_descope_error(&e, "network", Some("network"));
    assert_eq!(get(&e, "retryable").as_bool(), Some(true));
    // Not JSON at all stays a protocol error (F10), and the session is kept throughout.
    fault(r#"{"path":"/v1/auth/me","status":200,"body":"<html>portal</html>"}"#).await;
    assert_descope_error(&err(d.me()).await, "protocol", Some("invalidResponse"));
    assert!(d.session().is_some());
    ok(d.me()).await;
}

/// F10/F03: a 200 body that is not UTF-8, or JSON behind a byte-order mark, is a `protocol`
/// error like any other non-JSON answer (not a network failure, no panic), and the session stays.
#[wasm_bindgen_test]
async fn f10_a_body_that_is_not_utf8_or_starts_with_a_bom_is_not_json() {
    let d = signed_in("").await;
    let jwt = jwt_of(&d);
    let bom_json = [&[0xef, 0xbb, 0xbf][..], br#"{"sessionJwt":"x"}"#].concat();
    for body in [&[0x7b, 0xff, 0xfe, 0x7d][..], &bom_json] {
        answer_next_fetch_with(body);
        let e = err(d.refresh()).await;
        assert_descope_error(&e, "protocol", Some("invalidResponse"));
        assert_eq!(jwt_of(&d), jwt, "session kept");
    }
    ok(d.refresh()).await;
}
