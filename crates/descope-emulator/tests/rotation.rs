//! Refresh-token rotation modes: strict (`--rotation`: the old refresh JWT dies at once) and a grace
//! window (`rotationGraceSeconds` / `--rotation-grace`: the old one answers with the current pair
//! for that long), F21's server side (a refresh whose answer is lost), and config keys set to `null`.
mod common;
use common::*;
use serde_json::{json, Value};

fn s(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

async fn start_rotating(grace: u64) -> Emu {
    let mut cfg = test_config();
    cfg.rotation = true;
    cfg.rotation_grace = grace;
    start_with(cfg).await
}

async fn jwk(c: &Client) -> Value {
    c.get(&format!("/v2/keys/{PID}"), None).await.json()["keys"][0].clone()
}

#[tokio::test]
async fn strict_rotation_kills_the_old_refresh_jwt_at_once() {
    let emu = start_rotating(0).await;
    let c = client(&emu);
    let rt1 = s(&c.sign_in("strict@example.com", "email").await["refreshJwt"]);
    let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!(r.status, 200);
    let rt2 = s(&r.json()["refreshJwt"]);
    assert!(!rt2.is_empty() && rt2 != rt1);
    for (m, p) in [
        ("POST", "/v1/auth/refresh"),
        ("GET", "/v1/auth/me"),
        ("POST", "/v1/auth/logout"),
    ] {
        let r = if m == "GET" {
            c.get(p, Some(&rt1)).await
        } else {
            c.post_tok(p, &rt1, json!({})).await
        };
        assert_eq!((r.status, r.code()), (401, "E064001".into()), "{p}");
    }
    assert_eq!(
        c.post_tok("/v1/auth/try-refresh", &rt1, json!({}))
            .await
            .json(),
        json!({})
    );
    assert_eq!(c.get("/v1/auth/me", Some(&rt2)).await.status, 200);
}

#[tokio::test]
async fn grace_window_answers_the_old_refresh_jwt_with_the_current_pair() {
    let emu = start().await;
    let c = client(&emu);
    let cfg = c
        .control(
            "POST",
            "/emulator/config",
            Some(json!({"rotation": true, "rotationGraceSeconds": 30})),
        )
        .await
        .json();
    assert_eq!(
        (cfg["rotation"].clone(), cfg["rotationGraceSeconds"].clone()),
        (json!(true), json!(30))
    );
    let b = c.sign_in("grace@example.com", "email").await;
    let rt1 = s(&b["refreshJwt"]);
    let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!(r.status, 200);
    let rt2 = s(&r.json()["refreshJwt"]);
    assert!(!rt2.is_empty() && rt2 != rt1);

    // The old token again, within the window: the same new refresh JWT, a valid session JWT.
    let key = jwk(&c).await;
    for _ in 0..2 {
        let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
        assert_eq!(r.status, 200, "{}", r.body);
        let j = r.json();
        assert_eq!(
            s(&j["refreshJwt"]),
            rt2,
            "the current refresh JWT, no new branch"
        );
        let st = s(&j["sessionJwt"]);
        assert!(verify_with_jwk(&st, &key));
        assert_eq!(claims(&st)["drn"], "DS");
        assert_eq!(claims(&st)["sub"], b["user"]["userId"]);
        assert_eq!(
            j["cookieExpiration"],
            claims(&rt2)["exp"],
            "cookie fields describe the current refresh JWT"
        );
    }
    // The current one still rotates normally; the first one then follows to the newest.
    let r = c.post_tok("/v1/auth/refresh", &rt2, json!({})).await;
    let rt3 = s(&r.json()["refreshJwt"]);
    assert!(!rt3.is_empty() && rt3 != rt2);
    let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!(s(&r.json()["refreshJwt"]), rt3);
    let r = c.post_tok("/v1/auth/refresh", &rt2, json!({})).await;
    assert_eq!(s(&r.json()["refreshJwt"]), rt3);
    assert_eq!(c.get("/v1/auth/me", Some(&rt1)).await.status, 200);

    // After the window the old tokens answer like strict rotation; the current one lives on.
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 31})),
    )
    .await;
    for rt in [&rt1, &rt2] {
        let r = c.post_tok("/v1/auth/refresh", rt, json!({})).await;
        assert_eq!((r.status, r.code()), (401, "E064001".into()));
    }
    let r = c.post_tok("/v1/auth/refresh", &rt3, json!({})).await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn logout_with_a_token_in_its_grace_window_ends_the_current_session() {
    let emu = start_rotating(30).await;
    let c = client(&emu);
    let rt1 = s(&c.sign_in("gout@example.com", "email").await["refreshJwt"]);
    let rt2 = s(&c.post_tok("/v1/auth/refresh", &rt1, json!({})).await.json()["refreshJwt"]);
    let r = c.post_tok("/v1/auth/logout", &rt1, json!({})).await;
    assert_eq!(r.status, 200);
    for rt in [&rt1, &rt2] {
        let r = c.post_tok("/v1/auth/refresh", rt, json!({})).await;
        assert_eq!((r.status, r.code()), (401, "E064001".into()));
    }
}

#[tokio::test]
async fn tenant_selection_under_rotation_also_has_the_grace_window() {
    let emu = start_rotating(30).await;
    let c = client(&emu);
    c.create_user(json!({"loginId": "gt@example.com", "userTenants": [{"tenantId": "T1"}]}))
        .await;
    let rt1 = s(&c.sign_in("gt@example.com", "email").await["refreshJwt"]);
    let r = c
        .post_tok("/v1/auth/tenant/select", &rt1, json!({"tenant": "T1"}))
        .await;
    assert_eq!(r.status, 200);
    let rt2 = s(&r.json()["refreshJwt"]);
    let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!(s(&r.json()["refreshJwt"]), rt2);
    assert_eq!(claims(&s(&r.json()["sessionJwt"]))["dct"], "T1");
}

/// F21 (server side): the server commits the rotation and the answer is lost (`drop: true`).
#[tokio::test]
async fn f21_lost_refresh_answer_grace_mode_retry_gets_the_current_pair() {
    let emu = start_rotating(10).await;
    let c = client(&emu);
    let rt1 = s(&c.sign_in("f21g@example.com", "email").await["refreshJwt"]);
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/refresh", "drop": true})),
    )
    .await;
    let auth = format!("Bearer {PID}:{rt1}");
    let lost = raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh",
        &[("Authorization", &auth)],
        Some("{}"),
    )
    .await;
    assert!(lost.is_err(), "the answer is lost");
    let log = c.control("GET", "/emulator/requests", None).await.json();
    assert_eq!(
        log.as_array()
            .and_then(|a| a.last())
            .map(|e| e["status"].clone()),
        Some(Value::Null)
    );
    // The retry with the same (now rotated-away) token succeeds with the committed pair.
    let r1 = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!(r1.status, 200, "{}", r1.body);
    let current = s(&r1.json()["refreshJwt"]);
    assert!(!current.is_empty() && current != rt1);
    let r2 = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!(
        s(&r2.json()["refreshJwt"]),
        current,
        "always the same current pair"
    );
    let r = c.post_tok("/v1/auth/refresh", &current, json!({})).await;
    assert_eq!(r.status, 200);
}

/// F21 (server side) with grace 0: the rotation was committed, so the retry is refused.
#[tokio::test]
async fn f21_lost_refresh_answer_strict_mode_retry_is_401() {
    let emu = start_rotating(0).await;
    let c = client(&emu);
    let rt1 = s(&c.sign_in("f21s@example.com", "email").await["refreshJwt"]);
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/refresh", "drop": true})),
    )
    .await;
    let auth = format!("Bearer {PID}:{rt1}");
    let lost = raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh",
        &[("Authorization", &auth)],
        Some("{}"),
    )
    .await;
    assert!(lost.is_err());
    let r = c.post_tok("/v1/auth/refresh", &rt1, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E064001".into()));

    // `drop: "before"` loses the request itself: nothing was committed, the token still works.
    let rt = s(&c.sign_in("f21s@example.com", "email").await["refreshJwt"]);
    c.control(
        "POST",
        "/emulator/faults",
        Some(json!({"path": "/v1/auth/refresh", "drop": "before"})),
    )
    .await;
    let auth = format!("Bearer {PID}:{rt}");
    let lost = raw(
        &emu.addr,
        "POST",
        "/v1/auth/refresh",
        &[("Authorization", &auth)],
        Some("{}"),
    )
    .await;
    assert!(lost.is_err());
    let r = c.post_tok("/v1/auth/refresh", &rt, json!({})).await;
    assert_eq!(r.status, 200);
    let r = c
        .control(
            "POST",
            "/emulator/faults",
            Some(json!({"path": "/x", "drop": "sometimes"})),
        )
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn config_keys_set_to_null_return_to_their_command_line_values() {
    let mut cfg = test_config();
    cfg.session_ttl = 300;
    cfg.refresh_ttl = 9000;
    cfg.rotation = true;
    cfg.rotation_grace = 5;
    cfg.rate_limit = 100;
    let emu = start_with(cfg).await;
    let c = client(&emu);
    let initial = c.control("GET", "/emulator/config", None).await.json();
    assert_eq!(
        initial,
        json!({"projectId": PID, "sessionTtlSeconds": 300, "refreshTtlSeconds": 9000,
               "rotation": true, "rotationGraceSeconds": 5, "rateLimitPerMinute": 100,
               "offsetSeconds": 0, "tokenResponseMethod": "body", "cookieSameSite": "Strict",
               "cookieSecure": true, "cookieDomain": null, "refreshCookieName": null})
    );
    let changed = json!({"sessionTtlSeconds": 60, "refreshTtlSeconds": 120, "rotation": false,
                         "rotationGraceSeconds": 9, "rateLimitPerMinute": 0});
    let r = c
        .control("POST", "/emulator/config", Some(changed.clone()))
        .await
        .json();
    for (k, v) in changed.as_object().into_iter().flatten() {
        assert_eq!(&r[k], v, "{k}");
    }
    // Absent keys are kept; a bad value changes nothing.
    let r = c
        .control(
            "POST",
            "/emulator/config",
            Some(json!({"sessionTtlSeconds": null, "rotationGraceSeconds": -1})),
        )
        .await;
    assert_eq!(r.status, 400);
    assert_eq!(
        c.control("GET", "/emulator/config", None).await.json()["sessionTtlSeconds"],
        60
    );
    let nulls: serde_json::Map<String, Value> = changed
        .as_object()
        .into_iter()
        .flatten()
        .map(|(k, _)| (k.clone(), Value::Null))
        .collect();
    let r = c
        .control("POST", "/emulator/config", Some(Value::Object(nulls)))
        .await;
    assert_eq!(r.json(), initial);
    // Reset returns the config to the command line too (and the clock to zero).
    c.control("POST", "/emulator/config", Some(changed)).await;
    c.control("POST", "/emulator/clock", Some(json!({"offsetSeconds": 7})))
        .await;
    c.control("POST", "/emulator/reset", None).await;
    assert_eq!(
        c.control("GET", "/emulator/config", None).await.json(),
        initial
    );
}

#[test]
fn rotation_grace_flag_turns_rotation_on() {
    let args = |v: &[&str]| descope_emulator::parse_args(v.iter().map(|s| s.to_string()));
    let cfg = args(&["--rotation-grace", "7"]).expect("parses");
    assert!(cfg.rotation);
    assert_eq!(cfg.rotation_grace, 7);
    let cfg = args(&["--rotation-grace=0"]).expect("parses");
    assert!(cfg.rotation);
    assert_eq!(cfg.rotation_grace, 0);
    let cfg = args(&["--rotation"]).expect("parses");
    assert_eq!((cfg.rotation, cfg.rotation_grace), (true, 0));
    assert!(args(&["--rotation-grace", "soon"]).is_err());
    assert!(args(&["--rotation-grace"]).is_err());
}
