//! Signing-key rotation (`POST /emulator/keys/rotate`): a new `kid` signs from then on, the old key
//! stays in the JWKS (v1 and v2) and keeps verifying until `{"revokeOld": true}`; tokens of a
//! revoked key are refused like any badly signed token (401 `E061301`).
mod common;
use common::*;
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

async fn jwks(c: &Client) -> Vec<Value> {
    let r = c.get(&format!("/v2/keys/{PID}"), None).await;
    assert_eq!(r.status, 200);
    let v2 = r.json()["keys"].as_array().cloned().unwrap_or_default();
    let v1 = c.get(&format!("/v1/keys/{PID}"), None).await.json();
    assert_eq!(v1, json!(v2), "v1 is the same set as a bare array");
    v2
}

fn kids(keys: &[Value]) -> Vec<String> {
    keys.iter().map(|k| s(&k["kid"])).collect()
}

fn key_for<'a>(keys: &'a [Value], jwt: &str) -> &'a Value {
    let kid = header(jwt)["kid"].clone();
    keys.iter()
        .find(|k| k["kid"] == kid)
        .unwrap_or_else(|| panic!("kid {kid} not in the JWKS"))
}

#[tokio::test]
async fn rotated_key_signs_new_tokens_and_the_old_one_stays_until_revoked() {
    let emu = start().await;
    let c = client(&emu);
    let before = jwks(&c).await;
    assert_eq!(before.len(), 1);
    let kid_a = s(&before[0]["kid"]);
    let b = c.sign_in("keys@example.com", "email").await;
    let (st_a, rt_a) = (s(&b["sessionJwt"]), s(&b["refreshJwt"]));
    assert_eq!(header(&st_a)["kid"], kid_a.as_str());

    // Rotate: a new kid signs; the old key stays published and keeps verifying.
    let r = c
        .control("POST", "/emulator/keys/rotate", Some(json!({})))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let kid_b = s(&r.json()["kid"]);
    assert!(kid_b.starts_with("SK") && kid_b != kid_a);
    assert_eq!(r.json()["kids"], json!([kid_b, kid_a]));
    assert_eq!(r.json()["revoked"], json!([]));
    let keys = jwks(&c).await;
    assert_eq!(
        kids(&keys),
        [kid_b.clone(), kid_a.clone()],
        "signing key first"
    );
    assert!(verify_with_jwk(&st_a, key_for(&keys, &st_a)));

    // A refresh JWT signed by the old key still refreshes; what it gets is signed by the new key.
    let r = c.post_tok("/v1/auth/refresh", &rt_a, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let st = s(&r.json()["sessionJwt"]);
    assert_eq!(header(&st)["kid"], kid_b.as_str());
    assert!(verify_with_jwk(&st, key_for(&keys, &st)));
    assert_eq!(c.get("/v1/auth/me", Some(&rt_a)).await.status, 200);
    let b = c.sign_in("keys@example.com", "email").await;
    let rt_b = s(&b["refreshJwt"]);
    assert_eq!(header(&rt_b)["kid"], kid_b.as_str());
    assert_eq!(header(&s(&b["sessionJwt"]))["kid"], kid_b.as_str());

    // Rotation of refresh JWTs moves a family onto the new key.
    c.control("POST", "/emulator/config", Some(json!({"rotation": true})))
        .await;
    let b2 = c.sign_in("keys2@example.com", "email").await;
    let r = c
        .control("POST", "/emulator/keys/rotate", Some(json!({})))
        .await;
    let kid_c = s(&r.json()["kid"]);
    assert_eq!(r.json()["kids"], json!([kid_c, kid_b, kid_a]));
    let r = c
        .post_tok("/v1/auth/refresh", &s(&b2["refreshJwt"]), json!({}))
        .await;
    let rt_c = s(&r.json()["refreshJwt"]);
    assert_eq!(header(&rt_c)["kid"], kid_c.as_str());
    c.control("POST", "/emulator/config", Some(json!({"rotation": null})))
        .await;

    // Rotate and revoke: only the newest key is left; tokens of the revoked keys are refused.
    let r = c
        .control(
            "POST",
            "/emulator/keys/rotate",
            Some(json!({"revokeOld": true})),
        )
        .await;
    assert_eq!(r.status, 200);
    let kid_d = s(&r.json()["kid"]);
    assert_eq!(r.json()["kids"], json!([kid_d]));
    assert_eq!(r.json()["revoked"], json!([kid_c, kid_b, kid_a]));
    assert_eq!(kids(&jwks(&c).await), std::slice::from_ref(&kid_d));
    for rt in [&rt_a, &rt_b, &rt_c] {
        let r = c.post_tok("/v1/auth/refresh", rt, json!({})).await;
        assert_eq!((r.status, r.code()), (401, "E061301".into()));
        let r = c.get("/v1/auth/me", Some(rt)).await;
        assert_eq!(r.status, 401);
        let r = c.post_tok("/v1/auth/try-refresh", rt, json!({})).await;
        assert_eq!(r.json(), json!({}));
    }
    let b = c.sign_in("keys@example.com", "email").await;
    let st = s(&b["sessionJwt"]);
    assert_eq!(header(&st)["kid"], kid_d.as_str());
    let keys = jwks(&c).await;
    assert!(verify_with_jwk(&st, key_for(&keys, &st)));
    let r = c
        .post_tok("/v1/auth/refresh", &s(&b["refreshJwt"]), json!({}))
        .await;
    assert_eq!(r.status, 200);

    // Reset keeps the key set.
    c.control("POST", "/emulator/reset", None).await;
    assert_eq!(kids(&jwks(&c).await), [kid_d]);
}

#[tokio::test]
async fn rotate_takes_an_empty_body_and_refuses_bad_ones() {
    let emu = start().await;
    let c = client(&emu);
    let r = c.control("POST", "/emulator/keys/rotate", None).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["kids"].as_array().map(Vec::len), Some(2));
    let r = c
        .control(
            "POST",
            "/emulator/keys/rotate",
            Some(json!({"revokeOld": "yes"})),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    assert_eq!(jwks(&c).await.len(), 2, "a refused call changes nothing");
    let r = c.control("GET", "/emulator/keys/rotate", None).await;
    assert_eq!(r.status, 405);
}
