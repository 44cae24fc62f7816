//! Access keys: `POST /emulator/accesskeys` makes one (cleartext handed out once), and
//! `POST /v1/auth/accesskey/exchange` with `Bearer <projectId>:<accessKey>` answers
//! `{keyId, sessionJwt, expiration}` with a verifiable session JWT for the key.
mod common;
use common::*;
use serde_json::{json, Value};

const EXCHANGE: &str = "/v1/auth/accesskey/exchange";

async fn create_key(c: &Client, body: Value) -> Value {
    let r = c.control("POST", "/emulator/accesskeys", Some(body)).await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[tokio::test]
async fn a_created_key_exchanges_for_a_session_jwt() {
    let emu = start().await;
    let c = client(&emu);
    let made = create_key(
        &c,
        json!({"name": "ci bot", "roleNames": ["reader"],
               "tenants": [{"tenantId": "T1", "roleNames": ["admin"]}]}),
    )
    .await;
    let cleartext = made["cleartext"].as_str().expect("cleartext").to_string();
    let key = &made["key"];
    let key_id = key["id"].as_str().expect("id").to_string();
    assert!(key_id.starts_with('K'), "{key_id}");
    assert_eq!(key["name"], "ci bot");
    assert_eq!(key["roleNames"], json!(["reader"]));
    assert_eq!(key["keyTenants"][0]["tenantId"], "T1");
    assert_eq!(key["status"], "active");
    assert_eq!(key["expireTime"], 0);
    // The key object never carries the cleartext.
    assert!(!key.to_string().contains(&cleartext));

    let r = c.post_tok(EXCHANGE, &cleartext, json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["keyId"], key_id.as_str());
    let jwt = b["sessionJwt"].as_str().expect("sessionJwt");
    let cl = claims(jwt);
    assert_eq!(cl["sub"], key_id.as_str());
    assert_eq!(cl["drn"], "DS");
    assert_eq!(cl["iss"], format!("https://api.descope.com/{PID}"));
    assert_eq!(b["expiration"], cl["exp"]);
    assert_eq!(
        cl["exp"].as_i64().unwrap_or(0) - cl["iat"].as_i64().unwrap_or(0),
        600
    );
    assert_eq!(cl["roles"], json!(["reader"]));
    assert_eq!(cl["tenants"]["T1"]["roles"], json!(["admin"]));
    assert!(cl.get("dct").is_none() && cl.get("nsec").is_none(), "{cl}");
    assert!(b.get("refreshJwt").is_none(), "no refresh JWT for a key");
    // RS256, signed by the key the JWKS publishes.
    let jwks = c.get(&format!("/v2/keys/{PID}"), None).await.json();
    assert!(verify_with_jwk(jwt, &jwks["keys"][0]));
    // Exchanging again works (a key is not single-use).
    let r = c.post_tok(EXCHANGE, &cleartext, json!({})).await;
    assert_eq!(r.status, 200);
    // The session JWT is not a refresh JWT.
    let r = c.post_tok("/v1/auth/refresh", jwt, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
}

#[tokio::test]
async fn login_options_custom_claims_and_selected_tenant() {
    let emu = start().await;
    let c = client(&emu);
    let made = create_key(
        &c,
        json!({"name": "tenant key", "keyTenants": [{"tenantId": "T7"}]}),
    )
    .await;
    let key = made["cleartext"].as_str().expect("cleartext");
    let r = c
        .post_tok(
            EXCHANGE,
            key,
            json!({"loginOptions": {"customClaims": {"team": "blue", "n": 3},
                                    "selectedTenant": "T7"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let cl = claims(r.json()["sessionJwt"].as_str().expect("jwt"));
    // Caller-supplied claims are untrusted: under nsec, as for sign-ins.
    assert_eq!(cl["nsec"], json!({"team": "blue", "n": 3}));
    assert_eq!(cl["dct"], "T7");
    assert!(cl.get("team").is_none());
    // A tenant the key does not have.
    let r = c
        .post_tok(
            EXCHANGE,
            key,
            json!({"loginOptions": {"selectedTenant": "T8"}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    // Wrong types and oversized claims.
    for bad in [
        json!({"loginOptions": "x"}),
        json!({"loginOptions": {"customClaims": []}}),
        json!({"loginOptions": {"selectedTenant": 5}}),
        json!({"loginOptions": {"customClaims": {"k": "v".repeat(600)}}}),
    ] {
        let r = c.post_tok(EXCHANGE, key, bad.clone()).await;
        assert_eq!((r.status, r.code()), (400, "E011003".into()), "{bad}");
    }
    let r = c.post_with(EXCHANGE, Some(key), "not json").await;
    assert_eq!((r.status, r.code()), (400, "E011001".into()));
}

#[tokio::test]
async fn missing_unknown_and_expired_keys_answer_401() {
    let emu = start().await;
    let c = client(&emu);
    let r = c.post(EXCHANGE, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E062802".into()));
    let r = c.post_tok(EXCHANGE, "no-such-key", json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E062803".into()));
    // Another project's id in front of a good key: the project check comes first.
    let made = create_key(&c, json!({"name": "k"})).await;
    let key = made["cleartext"].as_str().expect("cleartext").to_string();
    let other = Client {
        addr: c.addr.clone(),
        pid: "Pother".into(),
    };
    let r = other.post_tok(EXCHANGE, &key, json!({})).await;
    assert_eq!(r.status, 401);
    assert_ne!(r.code(), "E062803");

    // A key with an expiry works until then, on the emulator clock.
    let now = c
        .control("POST", "/emulator/clock", Some(json!({"offsetSeconds": 0})))
        .await
        .json()["now"]
        .as_i64()
        .expect("now");
    let made = create_key(&c, json!({"name": "short", "expireTime": now + 60})).await;
    let short = made["cleartext"].as_str().expect("cleartext").to_string();
    assert_eq!(made["key"]["expireTime"], now + 60);
    assert_eq!(c.post_tok(EXCHANGE, &short, json!({})).await.status, 200);
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 61})),
    )
    .await;
    let r = c.post_tok(EXCHANGE, &short, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E062803".into()));
    // The key without expiry still works.
    assert_eq!(c.post_tok(EXCHANGE, &key, json!({})).await.status, 200);

    // Reset forgets keys.
    c.control("POST", "/emulator/reset", None).await;
    let r = c.post_tok(EXCHANGE, &key, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E062803".into()));
}

#[tokio::test]
async fn the_key_never_reaches_the_request_log() {
    let emu = start().await;
    let c = client(&emu);
    let made = create_key(&c, json!({"name": "secret"})).await;
    let key = made["cleartext"].as_str().expect("cleartext");
    c.post_tok(EXCHANGE, key, json!({})).await;
    let log = c.control("GET", "/emulator/requests", None).await;
    assert!(log.body.contains(EXCHANGE), "{}", log.body);
    assert!(!log.body.contains(key));
}

#[tokio::test]
async fn create_checks_its_body() {
    let emu = start().await;
    let c = client(&emu);
    for (body, code) in [
        (json!({}), "E011002"),
        (json!({"name": ""}), "E011002"),
        (json!({"name": 3}), "E011003"),
        (json!({"name": "k", "roleNames": "admin"}), "E011003"),
        (json!({"name": "k", "tenants": {}}), "E011003"),
        (json!({"name": "k", "tenants": [{}]}), "E011002"),
        (json!({"name": "k", "expireTime": -1}), "E011003"),
    ] {
        let r = c
            .control("POST", "/emulator/accesskeys", Some(body.clone()))
            .await;
        assert_eq!((r.status, r.code()), (400, code.into()), "{body}");
    }
    // Two keys never share a cleartext.
    let a = create_key(&c, json!({"name": "a"})).await;
    let b = create_key(&c, json!({"name": "b"})).await;
    assert_ne!(a["cleartext"], b["cleartext"]);
    assert_ne!(a["key"]["id"], b["key"]["id"]);
}
