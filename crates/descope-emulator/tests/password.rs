//! Password over HTTP: policy, sign-up, sign-in, replace, reset by magic link, update.
mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn password_policy_signup_signin_replace() {
    let emu = start().await;
    let c = client(&emu);
    let r = c.get("/v1/auth/password/policy", None).await;
    assert_eq!(
        r.json(),
        json!({"minLength": 8, "lowercase": true, "uppercase": true, "number": true, "nonAlphanumeric": false})
    );
    for weak in ["Short1", "alllower1", "ALLUPPER1", "NoDigitsHere"] {
        let r = c
            .post(
                "/v1/auth/password/signup",
                json!({"loginId": "p@example.com", "password": weak}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "E062905".into()), "{weak}");
    }
    let r = c
        .post(
            "/v1/auth/password/signup",
            json!({"loginId": "p@example.com", "password": "Secret123", "user": {"name": "P"},
                   "loginOptions": {"customClaims": {"c": 1}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["firstSeen"], true);
    assert_eq!(b["user"]["password"], true);
    let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["amr"], json!(["pwd"]));
    assert_eq!(s["nsec"], json!({"c": 1}));
    let r = c
        .post(
            "/v1/auth/password/signup",
            json!({"loginId": "p@example.com", "password": "Secret123"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".into()));
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "p@example.com", "password": "Wrong1234"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E062901".into()));
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "q@example.com", "password": "Secret123"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "p@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "p@example.com", "password": "Secret123"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let rt = r.json()["refreshJwt"].as_str().expect("rt").to_string();
    assert_eq!(r.json()["firstSeen"], false);
    // Step-up sign-in with a password.
    let r = c
        .post_tok(
            "/v1/auth/password/signin",
            &rt,
            json!({"loginId": "p@example.com", "password": "Secret123", "loginOptions": {"stepup": true}}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(
        claims(r.json()["sessionJwt"].as_str().unwrap_or_default())["su"],
        true
    );
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "p@example.com", "password": "Secret123", "loginOptions": {"mfa": true}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    // Replace.
    let r = c
        .post(
            "/v1/auth/password/replace",
            json!({"loginId": "p@example.com", "oldPassword": "Wrong1234", "newPassword": "Newer1234"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E062901".into()));
    let r = c
        .post(
            "/v1/auth/password/replace",
            json!({"loginId": "p@example.com", "oldPassword": "Secret123", "newPassword": "weak"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062905".into()));
    let r = c
        .post(
            "/v1/auth/password/replace",
            json!({"loginId": "p@example.com", "oldPassword": "Secret123", "newPassword": "Newer1234"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert!(r.json()["sessionJwt"].is_string());
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "p@example.com", "password": "Secret123"}),
        )
        .await;
    assert_eq!(r.status, 401);
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "p@example.com", "password": "Newer1234"}),
        )
        .await;
    assert_eq!(r.status, 200);
    // The password never reaches the request log.
    let log = c.control("GET", "/emulator/requests", None).await.body;
    assert!(!log.contains("Newer1234") && !log.contains("Secret123"));
}

#[tokio::test]
async fn password_reset_by_magic_link_then_update() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .create_user(json!({"loginId": "r@example.com", "password": "Initial12"}))
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["password"], true);
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "r@example.com", "password": "Initial12"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let r = c
        .post(
            "/v1/auth/password/reset",
            json!({"loginId": "nobody@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    let r = c
        .post(
            "/v1/auth/password/reset",
            json!({"loginId": "r@example.com", "redirectUrl": "http://app.test/reset",
                   "templateOptions": {"a": "b"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(
        r.json(),
        json!({"resetMethod": "magiclink", "maskedEmail": "r***@example.com"})
    );
    let m = c.last_message("r@example.com").await;
    assert_eq!(m["kind"], "magiclink");
    assert!(m["link"]
        .as_str()
        .unwrap_or_default()
        .starts_with("http://app.test/reset?t="));
    let r = c
        .post("/v1/auth/magiclink/verify", json!({"token": m["token"]}))
        .await;
    assert_eq!(r.status, 200);
    let rt = r.json()["refreshJwt"].as_str().expect("rt").to_string();
    let r = c
        .post(
            "/v1/auth/password/update",
            json!({"loginId": "r@example.com", "newPassword": "Updated12"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/password/update",
            &rt,
            json!({"loginId": "r@example.com", "newPassword": "weak"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062905".into()));
    c.create_user(json!({"loginId": "s@example.com"})).await;
    let r = c
        .post_tok(
            "/v1/auth/password/update",
            &rt,
            json!({"loginId": "s@example.com", "newPassword": "Updated12"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/password/update",
            &rt,
            json!({"loginId": "r@example.com", "newPassword": "Updated12"}),
        )
        .await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "r@example.com", "password": "Updated12"}),
        )
        .await;
    assert_eq!(r.status, 200);
    // A user without a password cannot sign in with one.
    let r = c
        .post(
            "/v1/auth/password/signin",
            json!({"loginId": "s@example.com", "password": "Updated12"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E062901".into()));
}
