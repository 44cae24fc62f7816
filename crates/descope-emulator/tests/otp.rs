//! OTP endpoints, validation and error codes, step-up / MFA / custom claims.
mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn email_signup_in_and_verify_answers_full_jwt_response() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/otp/signup-in/email",
            json!({"loginId": "jane@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json(), json!({"maskedEmail": "j***@example.com"}));
    let code = c.last_code("jane@example.com").await;
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|ch| ch.is_ascii_digit()));
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "jane@example.com", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200);
    let b = r.json();
    for k in [
        "sessionJwt",
        "refreshJwt",
        "sessionExpiration",
        "cookieExpiration",
        "cookieMaxAge",
        "cookiePath",
        "cookieDomain",
        "user",
        "firstSeen",
    ] {
        assert!(b.get(k).is_some(), "missing {k}");
    }
    assert_eq!(b["cookiePath"], "/");
    assert_eq!(b["cookieDomain"], "");
    assert_eq!(b["cookieMaxAge"], 2_419_200);
    assert_eq!(b["firstSeen"], true);
    let u = &b["user"];
    assert!(u["userId"].as_str().is_some_and(|s| s.starts_with('U')));
    assert_eq!(u["loginIds"], json!(["jane@example.com"]));
    assert_eq!(u["email"], "jane@example.com");
    assert_eq!(u["verifiedEmail"], true);
    assert_eq!(u["verifiedPhone"], false);
    assert_eq!(u["status"], "enabled");
    for k in [
        "name",
        "roleNames",
        "userTenants",
        "customAttributes",
        "createdTime",
        "TOTP",
        "SAML",
        "OAuth",
        "webauthn",
        "password",
    ] {
        assert!(u.get(k).is_some(), "user missing {k}");
    }
    let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["drn"], "DS");
    assert_eq!(s["amr"], json!(["email"]));
    assert_eq!(s["sub"], u["userId"]);
    assert_eq!(b["sessionExpiration"], s["exp"]);
    let rt = claims(b["refreshJwt"].as_str().unwrap_or_default());
    assert_eq!(rt["drn"], "DSR");
    assert!(rt["jti"].is_string());
    assert_eq!(b["cookieExpiration"], rt["exp"]);
    // A second sign-in is not a first sighting.
    let again = c.sign_in("jane@example.com", "email").await;
    assert_eq!(again["firstSeen"], false);
    assert_eq!(again["user"]["userId"], u["userId"]);
}

#[tokio::test]
async fn phone_methods_mask_and_require_a_phone() {
    let emu = start().await;
    let c = client(&emu);
    for m in ["sms", "voice", "whatsapp"] {
        let r = c
            .post(
                &format!("/v1/auth/otp/signup-in/{m}"),
                json!({"loginId": "+15551234567"}),
            )
            .await;
        assert_eq!(r.status, 200, "{m}");
        assert_eq!(r.json(), json!({"maskedPhone": "+1******4567"}));
        let code = c.last_code("+15551234567").await;
        let r = c
            .post(
                &format!("/v1/auth/otp/verify/{m}"),
                json!({"loginId": "+15551234567", "code": code}),
            )
            .await;
        assert_eq!(r.status, 200);
        let b = r.json();
        assert_eq!(b["user"]["verifiedPhone"], true);
        assert_eq!(b["user"]["phone"], "+15551234567");
        assert_eq!(
            claims(b["sessionJwt"].as_str().unwrap_or_default())["amr"],
            json!([m])
        );
    }
    let out = c
        .control("GET", "/emulator/outbox?loginId=%2B15551234567", None)
        .await
        .json();
    // An unencoded `+` (decoded as a space) finds the same messages.
    assert_eq!(
        c.control("GET", "/emulator/outbox?loginId=+15551234567", None)
            .await
            .json(),
        out
    );
    let channels: Vec<_> = out["messages"]
        .as_array()
        .unwrap_or(&vec![])
        .iter()
        .map(|m| m["channel"].clone())
        .collect();
    assert_eq!(
        channels,
        vec![json!("sms"), json!("voice"), json!("whatsapp")]
    );
    assert_eq!(out["messages"][0]["kind"], "otp");
    assert!(out["messages"][0]["at"].is_i64());

    // No phone anywhere → 400 E011003; a phone in `user` → ok.
    let r = c
        .post("/v1/auth/otp/signup/sms", json!({"loginId": "bob"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post(
            "/v1/auth/otp/signup/sms",
            json!({"loginId": "bob", "user": {"phone": "+4915112345678", "name": "Bob"}}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["maskedPhone"], "+4********5678");
    let code = c.last_code("bob").await;
    let b = c
        .post(
            "/v1/auth/otp/verify/sms",
            json!({"loginId": "bob", "code": code}),
        )
        .await
        .json();
    assert_eq!(b["user"]["name"], "Bob");
    assert_eq!(b["user"]["phone"], "+4915112345678");
    // Email method for a login id that is not an email and a user without one → E011003.
    let r = c
        .post("/v1/auth/otp/signin/email", json!({"loginId": "bob"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    // Unsupported method.
    let r = c
        .post("/v1/auth/otp/signin/im", json!({"loginId": "bob"}))
        .await;
    assert_eq!(r.status, 400);
}

#[tokio::test]
async fn signup_existing_and_signin_unknown_fail() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/otp/signin/email",
            json!({"loginId": "new@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    assert!(r.json()["errorDescription"].is_string());
    assert!(r.json()["errorMessage"].is_string());
    c.sign_in("new@example.com", "email").await;
    let r = c
        .post(
            "/v1/auth/otp/signup/email",
            json!({"loginId": "new@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".into()));
    let r = c
        .post(
            "/v1/auth/otp/signin/email",
            json!({"loginId": "new@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200);
}

#[tokio::test]
async fn body_validation_codes() {
    let emu = start().await;
    let c = client(&emu);
    let r = c.post("/v1/auth/otp/signin/email", json!({})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .post("/v1/auth/otp/signin/email", json!({"loginId": ""}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .post_with("/v1/auth/otp/signin/email", None, "{not json")
        .await;
    assert_eq!((r.status, r.code()), (400, "E011001".into()));
    let r = c
        .post_with("/v1/auth/otp/signin/email", None, "[1,2]")
        .await;
    assert_eq!((r.status, r.code()), (400, "E011001".into()));
    let r = c
        .post("/v1/auth/otp/signin/email", json!({"loginId": 5}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post(
            "/v1/auth/otp/signup-in/email",
            json!({"loginId": "a@b.co", "loginOptions": "x"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post("/v1/auth/otp/verify/email", json!({"loginId": "a@b.co"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "a@b.co", "code": 123456}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    // customClaims limits: key > 60 chars, value > 500 chars, > 100 keys.
    let long_key = "k".repeat(61);
    let r = c
        .post(
            "/v1/auth/otp/signup-in/email",
            json!({"loginId": "a@b.co", "loginOptions": {"customClaims": {long_key: 1}}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post(
            "/v1/auth/otp/signup-in/email",
            json!({"loginId": "a@b.co", "loginOptions": {"customClaims": {"k": "v".repeat(600)}}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let many: serde_json::Map<String, serde_json::Value> =
        (0..101).map(|i| (format!("k{i}"), json!(i))).collect();
    let r = c
        .post(
            "/v1/auth/otp/signup-in/email",
            json!({"loginId": "a@b.co", "loginOptions": {"customClaims": many}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
}

#[tokio::test]
async fn wrong_codes_lock_after_five_and_codes_are_single_use() {
    let emu = start().await;
    let c = client(&emu);
    let id = "lock@example.com";
    c.post("/v1/auth/otp/signup-in/email", json!({"loginId": id}))
        .await;
    let code = c.last_code(id).await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = c
            .post(
                "/v1/auth/otp/verify/email",
                json!({"loginId": id, "code": wrong}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "E061102".into()));
    }
    // Locked: even the right code is refused.
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": id, "code": code}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E061103".into()));
    // A new send unlocks with a new code; the old one no longer works.
    c.post("/v1/auth/otp/signup-in/email", json!({"loginId": id}))
        .await;
    let code2 = c.last_code(id).await;
    if code2 != code {
        let r = c
            .post(
                "/v1/auth/otp/verify/email",
                json!({"loginId": id, "code": code}),
            )
            .await;
        assert_eq!(r.code(), "E061102");
    }
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": id, "code": code2}),
        )
        .await;
    assert_eq!(r.status, 200);
    // Single use.
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": id, "code": code2}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E061102".into()));
    // Codes are per method: an email code does not verify sms.
    let r = c
        .post(
            "/v1/auth/otp/verify/sms",
            json!({"loginId": id, "code": code2}),
        )
        .await;
    assert_eq!(r.code(), "E061102");
}

#[tokio::test]
async fn codes_expire_on_the_emulator_clock() {
    let emu = start().await;
    let c = client(&emu);
    c.post(
        "/v1/auth/otp/signup-in/email",
        json!({"loginId": "exp@example.com"}),
    )
    .await;
    let code = c.last_code("exp@example.com").await;
    let r = c
        .control(
            "POST",
            "/emulator/clock",
            Some(json!({"offsetSeconds": 181})),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "exp@example.com", "code": code}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E061102".into()));
}

#[tokio::test]
async fn stepup_requires_a_live_session_of_the_same_user() {
    let emu = start().await;
    let c = client(&emu);
    let first = c.sign_in("su@example.com", "email").await;
    let rt = first["refreshJwt"].as_str().unwrap_or_default().to_string();
    let other = c.sign_in("other@example.com", "email").await;
    let other_rt = other["refreshJwt"].as_str().unwrap_or_default().to_string();
    let body = json!({"loginId": "su@example.com", "loginOptions": {"stepup": true}});

    let r = c.post("/v1/auth/otp/signin/email", body.clone()).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok("/v1/auth/otp/signin/email", "garbage", body.clone())
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok("/v1/auth/otp/signin/email", &other_rt, body.clone())
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));

    let r = c.post_tok("/v1/auth/otp/signin/email", &rt, body).await;
    assert_eq!(r.status, 200);
    let code = c.last_code("su@example.com").await;
    let b = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "su@example.com", "code": code}),
        )
        .await
        .json();
    let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["su"], true);
    assert_eq!(s["amr"], json!(["email"]));
    // A logged-out session no longer qualifies (E064001).
    c.post_tok("/v1/auth/logout", &rt, json!({})).await;
    let r = c
        .post_tok(
            "/v1/auth/otp/signin/email",
            &rt,
            json!({"loginId": "su@example.com", "loginOptions": {"stepup": true}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E064001".into()));
}

#[tokio::test]
async fn mfa_adds_the_factor_and_mfa_to_amr_and_custom_claims_go_to_nsec() {
    let emu = start().await;
    let c = client(&emu);
    c.create_user(json!({"loginId": "mfa@example.com", "phone": "+15550001111"}))
        .await;
    let first = c.sign_in("mfa@example.com", "email").await;
    let rt = first["refreshJwt"].as_str().unwrap_or_default().to_string();
    let r = c
        .post_tok(
            "/v1/auth/otp/signin/sms",
            &rt,
            json!({"loginId": "mfa@example.com", "loginOptions": {"mfa": true, "customClaims": {"plan": "pro", "n": {"a": 1}}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["maskedPhone"], "+1******1111");
    let code = c.last_code("mfa@example.com").await;
    let b = c
        .post(
            "/v1/auth/otp/verify/sms",
            json!({"loginId": "mfa@example.com", "code": code}),
        )
        .await
        .json();
    let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["amr"], json!(["email", "sms", "mfa"]));
    assert!(s.get("su").is_none());
    assert_eq!(s["nsec"], json!({"plan": "pro", "n": {"a": 1}}));
    // Refreshing keeps the factors and the custom claims.
    let nrt = b["refreshJwt"].as_str().unwrap_or_default();
    let r = c.post_tok("/v1/auth/refresh", nrt, json!({})).await;
    let s2 = claims(r.json()["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s2["amr"], s["amr"]);
    assert_eq!(s2["nsec"], s["nsec"]);
    // MFA without a session → 401.
    let r = c
        .post(
            "/v1/auth/otp/signin/sms",
            json!({"loginId": "mfa@example.com", "loginOptions": {"mfa": true}}),
        )
        .await;
    assert_eq!(r.status, 401);
}
