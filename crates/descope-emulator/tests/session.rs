//! Refresh (rotation on/off), try-refresh, logout, logout-all, me, JWKS and token verification.
mod common;
use common::*;
use serde_json::json;

fn s(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn tokens_verify_against_the_served_jwks() {
    let emu = start().await;
    let c = client(&emu);
    let b = c.sign_in("jwks@example.com", "email").await;
    let keys = c.get(&format!("/v2/keys/{PID}"), None).await;
    assert_eq!(keys.status, 200);
    let jwks = keys.json();
    let jwk = &jwks["keys"][0];
    assert_eq!(jwk["alg"], "RS256");
    assert_eq!(jwk["kty"], "RSA");
    assert_eq!(jwk["use"], "sig");
    for t in [s(&b["sessionJwt"]), s(&b["refreshJwt"])] {
        let h = header(&t);
        assert_eq!(h["alg"], "RS256");
        assert_eq!(h["typ"], "JWT");
        assert_eq!(h["kid"], jwk["kid"]);
        assert!(verify_with_jwk(&t, jwk), "signature must verify");
        let cl = claims(&t);
        assert!(cl["iss"]
            .as_str()
            .is_some_and(|i| i.ends_with(&format!("/{PID}"))));
        assert!(cl["iat"].is_i64() && cl["exp"].is_i64());
        assert!(
            cl["roles"].is_array() && cl["permissions"].is_array() && cl["tenants"].is_object()
        );
    }
    // A tampered token fails.
    let mut t = s(&b["sessionJwt"]);
    t.push('A');
    assert!(!verify_with_jwk(&t, jwk));
    // v1: bare array, same key; no Authorization needed.
    let r = raw(&emu.addr, "GET", &format!("/v1/keys/{PID}"), &[], None)
        .await
        .expect("answer");
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!([jwk]));
    // Wrong project id in the path → JSON error.
    let r = c.get("/v2/keys/Pother", None).await;
    assert_eq!(r.status, 400);
    assert!(r.json()["errorCode"].is_string());
}

#[tokio::test]
async fn refresh_without_rotation_keeps_the_refresh_jwt() {
    let emu = start().await;
    let c = client(&emu);
    let b = c.sign_in("r@example.com", "email").await;
    let rt = s(&b["refreshJwt"]);
    // web-js sends dcs/dcr query params and its sdk headers.
    let auth = format!("Bearer {PID}:{rt}");
    let r = raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh?dcs=t&dcr=t",
        &[
            ("Authorization", &auth),
            ("Content-Type", "application/json"),
            ("x-descope-sdk-name", "web-js"),
            ("x-descope-sdk-version", "1.53.0"),
            ("x-descope-sdk-session-id", "2026-01-01-00:00:00:0-1234"),
            ("x-descope-project-id", PID),
            ("Origin", "http://localhost:8080"),
        ],
        Some("{}"),
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 200, "{}", r.body);
    let j = r.json();
    assert!(
        j.get("refreshJwt").is_none(),
        "no rotation → refreshJwt omitted"
    );
    assert!(j["sessionJwt"].is_string());
    assert_eq!(j["cookieExpiration"], b["cookieExpiration"]);
    assert_eq!(j["user"]["email"], "r@example.com");
    assert_eq!(claims(&s(&j["sessionJwt"]))["drn"], "DS");
    // The old refresh JWT keeps working; also from the DSR cookie.
    let r = c.post_tok("/v1/auth/refresh", &rt, json!({})).await;
    assert_eq!(r.status, 200);
    let cookie = format!("DSR={rt}; other=1");
    let auth = format!("Bearer {PID}");
    let r = raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh",
        &[("Authorization", &auth), ("Cookie", &cookie)],
        Some("{}"),
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 200);
    // Custom cookie name.
    let cookie = format!("MyRT={rt}");
    let r = raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh",
        &[
            ("Authorization", &auth),
            ("Cookie", &cookie),
            ("x-descope-refresh-cookie-name", "MyRT"),
        ],
        None,
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn bad_refresh_tokens_answer_401_and_try_refresh_answers_empty() {
    let emu = start().await;
    let c = client(&emu);
    let r = c.post("/v1/auth/refresh", json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c.post_tok("/v1/auth/refresh", "not.a.jwt", json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    // A session JWT is not a refresh JWT.
    let b = c.sign_in("bad@example.com", "email").await;
    let r = c
        .post_tok("/v1/auth/refresh", &s(&b["sessionJwt"]), json!({}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c.post("/v1/auth/try-refresh", json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({}));
    let r = c
        .post_tok("/v1/auth/try-refresh", &s(&b["refreshJwt"]), json!({}))
        .await;
    assert_eq!(r.status, 200);
    assert!(r.json()["sessionJwt"].is_string());
    let r = c
        .post_tok(
            "/v1/auth/refresh",
            &s(&b["refreshJwt"]),
            json!({"externalToken": ""}),
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn rotation_issues_a_new_refresh_jwt_and_revokes_the_old() {
    let mut cfg = test_config();
    cfg.rotation = true;
    let emu = start_with(cfg).await;
    let c = client(&emu);
    let b = c.sign_in("rot@example.com", "email").await;
    let rt1 = s(&b["refreshJwt"]);
    let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!(r.status, 200);
    let rt2 = s(&r.json()["refreshJwt"]);
    assert!(!rt2.is_empty() && rt2 != rt1);
    assert_ne!(claims(&rt2)["jti"], claims(&rt1)["jti"]);
    let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E064001".into()));
    let r = c.post_tok("/v1/auth/refresh", &rt2, json!({})).await;
    assert_eq!(r.status, 200);
    let rt3 = s(&r.json()["refreshJwt"]);
    // Turned off at run time through the control API.
    let r = c
        .control("POST", "/emulator/config", Some(json!({"rotation": false})))
        .await;
    assert_eq!(r.json()["rotation"], false);
    let r = c.post_tok("/v1/auth/refresh", &rt3, json!({})).await;
    assert_eq!(r.status, 200);
    assert!(r.json().get("refreshJwt").is_none());
    assert_eq!(
        c.post_tok("/v1/auth/refresh", &rt3, json!({})).await.status,
        200
    );
}

#[tokio::test]
async fn logout_revokes_the_token_everywhere() {
    let emu = start().await;
    let c = client(&emu);
    let b = c.sign_in("out@example.com", "email").await;
    let rt = s(&b["refreshJwt"]);
    let me = c.get("/v1/auth/me", Some(&rt)).await;
    assert_eq!(me.status, 200);
    assert_eq!(me.json()["email"], "out@example.com");
    assert!(me.json().get("user").is_none(), "me answers the bare user");
    let r = c.post_tok("/v1/auth/logout", &rt, json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["sessionJwt"], "");
    assert_eq!(r.json()["refreshJwt"], "");
    assert_eq!(r.json()["cookieMaxAge"], 0);
    for (m, p) in [
        ("POST", "/v1/auth/refresh"),
        ("GET", "/v1/auth/me"),
        ("POST", "/v1/auth/logout"),
        ("POST", "/v1/auth/logoutall"),
    ] {
        let r = if m == "GET" {
            c.get(p, Some(&rt)).await
        } else {
            c.post_tok(p, &rt, json!({})).await
        };
        assert_eq!((r.status, r.code()), (401, "E064001".into()), "{p}");
    }
    let r = c.post_tok("/v1/auth/try-refresh", &rt, json!({})).await;
    assert_eq!(r.json(), json!({}));
    let r = c.get("/v1/auth/me", None).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
}

#[tokio::test]
async fn logout_all_revokes_every_session_of_the_user_only() {
    let emu = start().await;
    let c = client(&emu);
    let a1 = s(&c.sign_in("all@example.com", "email").await["refreshJwt"]);
    let a2 = s(&c.sign_in("all@example.com", "email").await["refreshJwt"]);
    let other = s(&c.sign_in("keep@example.com", "email").await["refreshJwt"]);
    let r = c.post_tok("/v1/auth/logoutall", &a1, json!({})).await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["refreshJwt"], "");
    assert_eq!(c.get("/v1/auth/me", Some(&a2)).await.status, 401);
    assert_eq!(c.get("/v1/auth/me", Some(&a1)).await.status, 401);
    assert_eq!(c.get("/v1/auth/me", Some(&other)).await.status, 200);
}

#[tokio::test]
async fn clock_offset_moves_exp_and_expires_refresh_tokens() {
    let emu = start().await;
    let c = client(&emu);
    let b = c.sign_in("clock@example.com", "email").await;
    let s1 = claims(&s(&b["sessionJwt"]));
    assert_eq!(
        s1["exp"].as_i64().unwrap_or(0) - s1["iat"].as_i64().unwrap_or(0),
        600
    );
    let r = c
        .control(
            "POST",
            "/emulator/clock",
            Some(json!({"offsetSeconds": 3600})),
        )
        .await;
    assert_eq!(r.json()["offsetSeconds"], 3600);
    let rt = s(&b["refreshJwt"]);
    let r = c.post_tok("/v1/auth/refresh", &rt, json!({})).await;
    let s2 = claims(&s(&r.json()["sessionJwt"]));
    let moved = s2["exp"].as_i64().unwrap_or(0) - s1["exp"].as_i64().unwrap_or(0);
    assert!((3600..3700).contains(&moved), "exp moved by {moved}");
    assert_eq!(
        c.control("GET", "/emulator/config", None).await.json()["offsetSeconds"],
        3600
    );
    // Past the refresh TTL the refresh JWT is dead.
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 2_419_200 + 10})),
    )
    .await;
    let r = c.post_tok("/v1/auth/refresh", &rt, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    // TTLs from the control API.
    c.control("POST", "/emulator/clock", Some(json!({"offsetSeconds": 0})))
        .await;
    let cfg = c
        .control(
            "POST",
            "/emulator/config",
            Some(json!({"sessionTtlSeconds": 60, "refreshTtlSeconds": 120})),
        )
        .await
        .json();
    assert_eq!(cfg["sessionTtlSeconds"], 60);
    let b = c.sign_in("clock@example.com", "email").await;
    let st = claims(&s(&b["sessionJwt"]));
    assert_eq!(
        st["exp"].as_i64().unwrap_or(0) - st["iat"].as_i64().unwrap_or(0),
        60
    );
    assert_eq!(b["cookieMaxAge"], 120);
}

#[tokio::test]
async fn seeded_users_carry_roles_permissions_and_tenants() {
    let mut cfg = test_config();
    cfg.seed = Some(json!([
        {"roles": [{"name": "admin", "permissions": ["users.write"]}], "tenants": [{"id": "T1", "name": "Acme"}]},
        {"loginId": "boss@example.com", "name": "Boss", "roleNames": ["admin"],
         "userTenants": [{"tenantId": "T1", "roleNames": ["admin"]}], "customAttributes": {"team": "a"}}
    ]));
    let emu = start_with(cfg).await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/otp/signin/email",
            json!({"loginId": "boss@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let code = c.last_code("boss@example.com").await;
    let b = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "boss@example.com", "code": code}),
        )
        .await
        .json();
    let st = claims(&s(&b["sessionJwt"]));
    assert_eq!(st["roles"], json!(["admin"]));
    assert_eq!(st["permissions"], json!(["users.write"]));
    assert_eq!(
        st["tenants"],
        json!({"T1": {"roles": ["admin"], "permissions": ["users.write"]}})
    );
    assert_eq!(b["user"]["userTenants"][0]["tenantName"], "Acme");
    assert_eq!(b["user"]["customAttributes"], json!({"team": "a"}));
    assert_eq!(b["user"]["name"], "Boss");
}
