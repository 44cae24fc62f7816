//! `verifySession` against the emulator's real JWKS in headless Chromium (issue 9 item 5): the
//! happy path, every rejection, the key cache by `kid`, key rotation and the 30 s refetch limit,
//! and ES256/ES384 keys (the emulator signs RS256 only: an ES key set is served through a fault,
//! and the tokens are signed here with WebCrypto). Tokens are asserted on, never printed.
#![cfg(target_arch = "wasm32")]

mod common;

use common::*;
use descope_core::base64url;
use descope_wasm::Descope;
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen(inline_js = r#"
const b64url = (bytes) => btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
const text = (s) => new TextEncoder().encode(s);
// An ECDSA key pair made here, its public JWK (as the JWKS would list it) and a token signed with it.
export async function ecToken(alg, kid, payload) {
  const [curve, hash] = alg === "ES256" ? ["P-256", "SHA-256"] : ["P-384", "SHA-384"];
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.publicKey);
  delete jwk.key_ops; delete jwk.ext;
  Object.assign(jwk, { alg, kid, use: "sig" });
  const input = b64url(text(JSON.stringify({ alg, kid, typ: "JWT" }))) + "." + b64url(text(JSON.stringify(payload)));
  const sig = await crypto.subtle.sign({ name: "ECDSA", hash }, pair.privateKey, text(input));
  return { token: input + "." + b64url(new Uint8Array(sig)), jwks: JSON.stringify({ keys: [jwk] }) };
}
"#)]
extern "C" {
    #[wasm_bindgen(js_name = ecToken)]
    fn ec_token(alg: &str, kid: &str, payload: &JsValue) -> Promise;
}

/// A client of the emulator's project that does not refresh on its own.
async fn quiet_client() -> Descope {
    client(r#""autoRefresh":false"#).await.0
}

async fn signed_in() -> (Descope, String) {
    let d = quiet_client().await;
    sign_in_email(&d, &unique_email()).await;
    let jwt = d.session().unwrap().session_jwt().as_string().unwrap();
    (d, jwt)
}

fn verify(d: &Descope, jwt: Option<&str>) -> Promise {
    d.verify_session(jwt.map_or(JsValue::UNDEFINED, JsValue::from_str))
}

async fn keys_path() -> String {
    format!("/v2/keys/{}", project_id().await)
}

/// How many JWKS requests the emulator has answered.
async fn key_fetches() -> usize {
    count_path(&requests().await, &keys_path().await)
}

async fn assert_invalid(p: Promise, what: &str) {
    let e = err(p).await;
    assert_descope_error(&e, "unauthenticated", Some("invalidToken"));
    let description = get_str(&e, "description").unwrap();
    assert!(description.contains(what), "{what}: {description}");
    assert!(!has_jwt(&description), "no token in the description");
}

fn segments(jwt: &str) -> Vec<String> {
    jwt.split('.').map(str::to_string).collect()
}

fn decoded(segment: &str) -> String {
    String::from_utf8(base64url::decode(segment).unwrap()).unwrap()
}

fn encoded(json: &str) -> String {
    base64url::encode(json.as_bytes())
}

/// `jwt` with the header's `kid` replaced (the signature left as it was).
fn with_kid(jwt: &str, kid: &str) -> String {
    let s = segments(jwt);
    let header = decoded(&s[0]);
    let old = get_str(&json(&header), "kid").unwrap();
    let header = header.replace(&old, kid);
    format!("{}.{}.{}", encoded(&header), s[1], s[2])
}

async fn rotate(revoke_old: bool) {
    let body = format!(r#"{{"revokeOld":{revoke_old}}}"#);
    let r = emu("POST", "/emulator/keys/rotate", Some(&body)).await;
    assert_eq!(get(&r, "status").as_f64(), Some(200.0), "keys rotated");
}

#[wasm_bindgen_test]
async fn the_current_session_verifies_and_resolves_to_its_claims() {
    let (d, jwt) = signed_in().await;
    let claims = ok(verify(&d, None)).await;
    let session = d.session().unwrap();
    assert_eq!(get_str(&claims, "sub"), session.user_id().as_string());
    assert_eq!(get_str(&claims, "drn").as_deref(), Some("DS"));
    assert!(get(&claims, "exp").as_f64().is_some());
    // A plain object, equal to the decoded claims.
    assert_eq!(
        js_sys::JSON::stringify(&claims).unwrap(),
        js_sys::JSON::stringify(&session.claims()).unwrap()
    );
    // The same token given explicitly, to a client that never signed in.
    let other = quiet_client().await;
    let claims = ok(verify(&other, Some(&jwt))).await;
    assert_eq!(get_str(&claims, "sub"), session.user_id().as_string());
}

#[wasm_bindgen_test]
async fn keys_are_cached_by_kid() {
    let (d, jwt) = signed_in().await;
    let before = key_fetches().await;
    ok(verify(&d, None)).await;
    assert_eq!(
        key_fetches().await,
        before + 1,
        "the first verify fetches the JWKS"
    );
    ok(verify(&d, None)).await;
    ok(verify(&d, Some(&jwt))).await;
    assert_eq!(
        key_fetches().await,
        before + 1,
        "later verifies use the cached key"
    );
    // Each client has its own cache.
    ok(verify(&quiet_client().await, Some(&jwt))).await;
    assert_eq!(key_fetches().await, before + 2);
}

#[wasm_bindgen_test]
async fn a_tampered_token_is_rejected() {
    let (d, jwt) = signed_in().await;
    let s = segments(&jwt);
    // The payload with one more claim: its claims still pass, its signature does not.
    let payload = decoded(&s[1]).replacen('{', r#"{"admin":true,"#, 1);
    let tampered = format!("{}.{}.{}", s[0], encoded(&payload), s[2]);
    assert_invalid(verify(&d, Some(&tampered)), "signature").await;
    // A flipped signature byte.
    let mut sig = base64url::decode(&s[2]).unwrap();
    sig[10] ^= 1;
    let flipped = format!("{}.{}.{}", s[0], s[1], base64url::encode(&sig));
    assert_invalid(verify(&d, Some(&flipped)), "signature").await;
    // The genuine token still verifies.
    ok(verify(&d, Some(&jwt))).await;
}

#[wasm_bindgen_test]
async fn a_token_signed_by_another_key_is_rejected_and_rotation_refetches_once() {
    let (d, old_jwt) = signed_in().await;
    ok(verify(&d, None)).await;
    let before = key_fetches().await;
    // A new key signs from now on; the old one stays in the JWKS.
    rotate(false).await;
    let new_login = unique_email();
    sign_in_email(&d, &new_login).await;
    let new_jwt = d.session().unwrap().session_jwt().as_string().unwrap();
    assert_ne!(segments(&new_jwt)[0], segments(&old_jwt)[0], "a new kid");
    // Its kid is unknown to the cache: one refetch, then cached.
    ok(verify(&d, None)).await;
    assert_eq!(
        key_fetches().await,
        before + 1,
        "one refetch for the new kid"
    );
    ok(verify(&d, None)).await;
    ok(verify(&d, Some(&old_jwt))).await;
    assert_eq!(key_fetches().await, before + 1, "both keys cached");
    // The new key's signature under the old key's kid.
    let old_kid = get_str(&json(&decoded(&segments(&old_jwt)[0])), "kid").unwrap();
    let forged = with_kid(&new_jwt, &old_kid);
    assert_invalid(verify(&d, Some(&forged)), "signature").await;
}

#[wasm_bindgen_test]
async fn an_unknown_kid_refetches_at_most_once_per_30_seconds() {
    let (d, jwt) = signed_in().await;
    ok(verify(&d, None)).await;
    let before = key_fetches().await;
    assert_invalid(verify(&d, Some(&with_kid(&jwt, "SKunknown1"))), "kid").await;
    assert_eq!(
        key_fetches().await,
        before + 1,
        "the first unknown kid refetches"
    );
    assert_invalid(verify(&d, Some(&with_kid(&jwt, "SKunknown2"))), "kid").await;
    assert_invalid(verify(&d, Some(&with_kid(&jwt, "SKunknown3"))), "kid").await;
    assert_eq!(
        key_fetches().await,
        before + 1,
        "the next ones within 30 s do not"
    );
    // Known kids still verify from the cache.
    ok(verify(&d, None)).await;
    assert_eq!(key_fetches().await, before + 1);
}

#[wasm_bindgen_test]
async fn a_revoked_key_stops_verifying_once_the_keys_are_fetched_again() {
    let (d, old_jwt) = signed_in().await;
    let other = quiet_client().await;
    rotate(true).await;
    // A client that fetches the keys now never sees the revoked one.
    assert_invalid(verify(&other, Some(&old_jwt)), "kid").await;
    // Nor does one whose cache is refreshed by a new kid.
    sign_in_email(&d, &unique_email()).await;
    ok(verify(&d, None)).await;
    assert_invalid(verify(&d, Some(&old_jwt)), "kid").await;
}

#[wasm_bindgen_test]
async fn an_expired_token_is_rejected_on_the_servers_clock() {
    // Signed in while the server's clock is an hour behind: the token expired in real time.
    emu(
        "POST",
        "/emulator/clock",
        Some(r#"{"offsetSeconds":-3600}"#),
    )
    .await;
    let d = quiet_client().await;
    sign_in_email(&d, &unique_email()).await;
    emu("POST", "/emulator/clock", Some(r#"{"offsetSeconds":0}"#)).await;
    let jwt = d.session().unwrap().session_jwt().as_string().unwrap();
    // A client with no skew estimate judges it on this device's clock: expired, and no request.
    let other = quiet_client().await;
    let before = key_fetches().await;
    assert_invalid(verify(&other, Some(&jwt)), "expired").await;
    assert_eq!(
        key_fetches().await,
        before,
        "an expired token costs no request"
    );
    // Its own client estimated the server's clock from the token: current there.
    ok(verify(&d, None)).await;
}

#[wasm_bindgen_test]
async fn a_refresh_token_is_rejected() {
    let (d, _) = signed_in().await;
    let refresh = d.session().unwrap().refresh_jwt().as_string().unwrap();
    assert_invalid(verify(&d, Some(&refresh)), "not a session token").await;
}

#[wasm_bindgen_test]
async fn another_projects_token_is_rejected() {
    let (_, jwt) = signed_in().await;
    let other_project = "P2zzzzzzzzzzzzzzzzzzzzzzzzzz";
    assert_ne!(other_project, project_id().await);
    let d = Descope::new(config(other_project, &format!("t{}.", uid()), "")).unwrap();
    assert_invalid(
        verify(&d, Some(&jwt)),
        "not a session token of this project",
    )
    .await;
}

#[wasm_bindgen_test]
async fn no_session_and_no_argument_is_no_session() {
    let d = quiet_client().await;
    let e = err(verify(&d, None)).await;
    assert_descope_error(&e, "unauthenticated", Some("noSession"));
}

#[wasm_bindgen_test]
async fn a_malformed_argument_is_a_validation_error() {
    let d = quiet_client().await;
    let before = key_fetches().await;
    for bad in ["", "abc", "a.b.c", "eyJhbGciOiJub25lIn0.e30."] {
        let e = err(verify(&d, Some(bad))).await;
        assert_descope_error(&e, "validation", Some("invalidJwt"));
    }
    for bad in [JsValue::NULL, JsValue::from(42), json("{}")] {
        let e = err(d.verify_session(bad)).await;
        assert_descope_error(&e, "validation", Some("invalidJwt"));
    }
    assert_eq!(
        key_fetches().await,
        before,
        "no request for malformed input"
    );
}

#[wasm_bindgen_test]
async fn key_fetch_failures_are_the_requests_errors_and_the_next_call_retries() {
    let (_, jwt) = signed_in().await;
    let path = keys_path().await;
    // (A dropped connection would not do: Chromium retries an idempotent GET on its own.)
    let d = client(r#""autoRefresh":false,"timeoutMs":300"#).await.0;
    fault(&format!(r#"{{"path":"{path}","delayMs":1500,"times":1}}"#)).await;
    let e = err(verify(&d, Some(&jwt))).await;
    assert_descope_error(&e, "timeout", Some("timeout"));
    fault(&format!(r#"{{"path":"{path}","status":503,"times":1}}"#)).await;
    let e = err(verify(&d, Some(&jwt))).await;
    assert_eq!(get(&e, "status").as_f64(), Some(503.0));
    assert!(get(&e, "retryable").as_bool().unwrap());
    // Nothing was loaded, so the next call fetches again.
    ok(verify(&d, Some(&jwt))).await;
    // A JWKS that is not JSON.
    let other = quiet_client().await;
    fault(&format!(
        r#"{{"path":"{path}","status":200,"body":"<html>","times":1}}"#
    ))
    .await;
    let e = err(verify(&other, Some(&jwt))).await;
    assert_descope_error(&e, "protocol", Some("invalidResponse"));
}

/// A token signed here with a fresh ECDSA key, and a client whose JWKS fetch answers with it.
async fn ec_signed(alg: &str) -> (Descope, String) {
    let pid = project_id().await;
    let kid = format!("EC{}", uid());
    let now = (js_sys::Date::now() / 1000.0) as u64;
    let payload = json(&format!(
        r#"{{"iss":"https://api.descope.com/v1/apps/{pid}","sub":"U2ec","drn":"DS","iat":{now},"exp":{}}}"#,
        now + 600
    ));
    let r = JsFuture::from(ec_token(alg, &kid, &payload)).await.unwrap();
    let (token, jwks) = (get_str(&r, "token").unwrap(), get_str(&r, "jwks").unwrap());
    let fault_body = format!(
        r#"{{"path":"{}","status":200,"body":{jwks},"times":1}}"#,
        keys_path().await
    );
    fault(&fault_body).await;
    (quiet_client().await, token)
}

#[wasm_bindgen_test]
async fn es256_and_es384_keys_verify() {
    for alg in ["ES256", "ES384"] {
        let (d, token) = ec_signed(alg).await;
        let claims = ok(verify(&d, Some(&token))).await;
        assert_eq!(get_str(&claims, "sub").as_deref(), Some("U2ec"), "{alg}");
        // The same key refuses a changed payload.
        let s = segments(&token);
        let payload = decoded(&s[1]).replace("U2ec", "U2xx");
        let tampered = format!("{}.{}.{}", s[0], encoded(&payload), s[2]);
        assert_invalid(verify(&d, Some(&tampered)), "signature").await;
    }
}

#[wasm_bindgen_test]
async fn a_token_cannot_choose_its_keys_algorithm() {
    let (d, token) = ec_signed("ES256").await;
    ok(verify(&d, Some(&token))).await;
    // The ES256 key's kid, with the header claiming ES384 or RS256.
    for alg in ["ES384", "RS256"] {
        let s = segments(&token);
        let header = decoded(&s[0]).replace("ES256", alg);
        let confused = format!("{}.{}.{}", encoded(&header), s[1], s[2]);
        assert_invalid(verify(&d, Some(&confused)), "kid and alg").await;
    }
    // An algorithm WebCrypto is not asked about at all.
    let s = segments(&token);
    let header = decoded(&s[0]).replace("ES256", "HS256");
    let hs = format!("{}.{}.{}", encoded(&header), s[1], s[2]);
    assert_invalid(verify(&d, Some(&hs)), "alg").await;
}

#[wasm_bindgen_test]
async fn a_disposed_client_rejects() {
    let (d, _) = signed_in().await;
    d.dispose();
    let e = err(verify(&d, None)).await;
    assert_descope_error(&e, "config", Some("disposed"));
}
