//! Magic link and enchanted link over HTTP: links in the outbox, single-use expiring tokens,
//! pending-session polling, login options, address updates.
mod common;
use common::*;
use serde_json::json;

fn amr(jwt_response: &serde_json::Value) -> serde_json::Value {
    claims(jwt_response["sessionJwt"].as_str().unwrap_or_default())["amr"].clone()
}

#[tokio::test]
async fn magic_link_email_signs_up_with_a_single_use_token() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/magiclink/signup-in/email",
            json!({"loginId": "ml@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"maskedEmail": "m***@example.com"}));
    let m = c.last_message("ml@example.com").await;
    assert_eq!(m["kind"], "magiclink");
    assert_eq!(m["channel"], "email");
    let token = m["token"].as_str().expect("token");
    // No URI: the link opens the emulator's own root.
    assert_eq!(m["link"], format!("http://{}/?t={token}", emu.addr));
    let r = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["firstSeen"], true);
    assert_eq!(b["user"]["verifiedEmail"], true);
    assert_eq!(amr(&b), json!(["email"]));
    // Used.
    let r = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061201".into()));
    // Unknown, missing.
    let r = c
        .post("/v1/auth/magiclink/verify", json!({"token": "nope"}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061201".into()));
    let r = c.post("/v1/auth/magiclink/verify", json!({})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
}

#[tokio::test]
async fn magic_link_uri_and_redirect_url_spellings_and_query_joining() {
    let emu = start().await;
    let c = client(&emu);
    c.post(
        "/v1/auth/magiclink/signup-in/email",
        json!({"loginId": "u1@example.com", "URI": "http://app.test/cb?x=1"}),
    )
    .await;
    let m = c.last_message("u1@example.com").await;
    assert_eq!(
        m["link"],
        format!(
            "http://app.test/cb?x=1&t={}",
            m["token"].as_str().unwrap_or_default()
        )
    );
    c.post(
        "/v1/auth/magiclink/signup-in/email",
        json!({"loginId": "u1@example.com", "redirectUrl": "http://app.test/land"}),
    )
    .await;
    let m = c.last_message("u1@example.com").await;
    assert_eq!(
        m["link"],
        format!(
            "http://app.test/land?t={}",
            m["token"].as_str().unwrap_or_default()
        )
    );
}

#[tokio::test]
async fn magic_link_phone_methods_and_errors() {
    let emu = start().await;
    let c = client(&emu);
    for m in ["sms", "whatsapp"] {
        let r = c
            .post(
                &format!("/v1/auth/magiclink/signup-in/{m}"),
                json!({"loginId": "+15551112222"}),
            )
            .await;
        assert_eq!(r.json(), json!({"maskedPhone": "+1******2222"}));
        let token = c.last_token("+15551112222").await;
        let b = c
            .post("/v1/auth/magiclink/verify", json!({"token": token}))
            .await
            .json();
        assert_eq!(amr(&b), json!([m]));
        assert_eq!(b["user"]["verifiedPhone"], true);
    }
    let r = c
        .post(
            "/v1/auth/magiclink/signup-in/voice",
            json!({"loginId": "+15551112222"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post(
            "/v1/auth/magiclink/signup/sms",
            json!({"loginId": "+15551112222"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".into()));
    let r = c
        .post(
            "/v1/auth/magiclink/signin/email",
            json!({"loginId": "nobody@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    let r = c.post("/v1/auth/magiclink/signup/email", json!({})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .post(
            "/v1/auth/magiclink/login/email",
            json!({"loginId": "a@b.co"}),
        )
        .await;
    assert_eq!(r.status, 404);
}

#[tokio::test]
async fn magic_link_tokens_expire_after_ten_minutes() {
    let emu = start().await;
    let c = client(&emu);
    c.post(
        "/v1/auth/magiclink/signup/email",
        json!({"loginId": "late@example.com"}),
    )
    .await;
    let token = c.last_token("late@example.com").await;
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 601})),
    )
    .await;
    let r = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061201".into()));
}

#[tokio::test]
async fn magic_link_step_up_mfa_and_custom_claims() {
    let emu = start().await;
    let c = client(&emu);
    let first = c.sign_in("su@example.com", "email").await;
    let rt = first["refreshJwt"].as_str().expect("rt");
    // Step-up without a session.
    let r = c
        .post(
            "/v1/auth/magiclink/signin/email",
            json!({"loginId": "su@example.com", "loginOptions": {"stepup": true}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/magiclink/signin/sms",
            rt,
            json!({"loginId": "su@example.com", "loginOptions": {"mfa": true}}),
        )
        .await;
    // The user has no phone.
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post_tok(
            "/v1/auth/magiclink/signin/email",
            rt,
            json!({"loginId": "su@example.com",
                   "loginOptions": {"stepup": true, "customClaims": {"k": "v"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let token = c.last_token("su@example.com").await;
    let b = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await
        .json();
    let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["su"], true);
    assert_eq!(s["nsec"], json!({"k": "v"}));
    assert_eq!(s["amr"], json!(["email"]));
    let r = c
        .post_tok(
            "/v1/auth/magiclink/signin/email",
            rt,
            json!({"loginId": "su@example.com", "loginOptions": {"mfa": true}}),
        )
        .await;
    assert_eq!(r.status, 200);
    let token = c.last_token("su@example.com").await;
    let b = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await
        .json();
    assert_eq!(amr(&b), json!(["email", "mfa"]));
}

#[tokio::test]
async fn magic_link_updates_email_and_phone() {
    let emu = start().await;
    let c = client(&emu);
    let first = c.sign_in("old@example.com", "email").await;
    let rt = first["refreshJwt"].as_str().expect("rt");
    let r = c
        .post(
            "/v1/auth/magiclink/update/email",
            json!({"loginId": "old@example.com", "email": "new@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/magiclink/update/email",
            rt,
            json!({"loginId": "old@example.com", "email": "new@example.com",
                   "addToLoginIDs": true, "redirectUrl": "http://app.test/"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"maskedEmail": "n***@example.com"}));
    let m = c.last_message("old@example.com").await;
    assert!(m["link"]
        .as_str()
        .unwrap_or_default()
        .starts_with("http://app.test/?t="));
    let b = c
        .post("/v1/auth/magiclink/verify", json!({"token": m["token"]}))
        .await
        .json();
    assert_eq!(b["user"]["email"], "new@example.com");
    assert_eq!(
        b["user"]["loginIds"],
        json!(["old@example.com", "new@example.com"])
    );
    let r = c
        .post_tok(
            "/v1/auth/magiclink/update/phone/whatsapp",
            rt,
            json!({"loginId": "old@example.com", "phone": "+15553334444"}),
        )
        .await;
    assert_eq!(r.json(), json!({"maskedPhone": "+1******4444"}));
    let token = c.last_token("old@example.com").await;
    let b = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await
        .json();
    assert_eq!(b["user"]["phone"], "+15553334444");
    assert_eq!(amr(&b), json!(["whatsapp"]));
    let r = c
        .post_tok(
            "/v1/auth/magiclink/update/phone/voice",
            rt,
            json!({"loginId": "old@example.com", "phone": "+15553334444"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post_tok(
            "/v1/auth/magiclink/update/phone/sms",
            rt,
            json!({"loginId": "old@example.com", "phone": "5553334444"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
}

#[tokio::test]
async fn enchanted_link_polls_pending_until_verified_then_answers_once() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/enchantedlink/signup-in/email",
            json!({"loginId": "el@example.com", "URI": "http://app.test/verify"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["maskedEmail"], "e***@example.com");
    let pending_ref = b["pendingRef"].as_str().expect("pendingRef").to_string();
    let link_id = b["linkId"].as_str().expect("linkId");
    assert_eq!(link_id.len(), 2);
    let m = c.last_message("el@example.com").await;
    assert_eq!(m["kind"], "enchantedlink");
    assert_eq!(m["pendingRef"], pending_ref.as_str());
    assert_eq!(m["linkId"], link_id);
    let token = m["token"].as_str().expect("token");
    assert_eq!(m["link"], format!("http://app.test/verify?t={token}"));
    let poll = || {
        c.post(
            "/v1/auth/enchantedlink/pending-session",
            json!({"pendingRef": pending_ref}),
        )
    };
    let r = poll().await;
    assert_eq!((r.status, r.code()), (401, "E062503".into()));
    // An enchanted token is not a magic-link token.
    let r = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061201".into()));
    let r = c
        .post("/v1/auth/enchantedlink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    let r = c
        .post("/v1/auth/enchantedlink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061201".into()));
    let r = poll().await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = r.json();
    assert_eq!(s["firstSeen"], true);
    assert_eq!(amr(&s), json!(["email"]));
    let r = poll().await;
    assert_eq!((r.status, r.code()), (400, "E011004".into()));
    let r = c
        .post("/v1/auth/enchantedlink/pending-session", json!({}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
}

#[tokio::test]
async fn enchanted_link_errors_and_email_update() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/enchantedlink/signup-in/whatsapp",
            json!({"loginId": "+15551112222"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post(
            "/v1/auth/enchantedlink/signin/email",
            json!({"loginId": "ghost@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    // A magic-link token is not an enchanted one.
    c.post(
        "/v1/auth/magiclink/signup-in/email",
        json!({"loginId": "eu@example.com"}),
    )
    .await;
    let token = c.last_token("eu@example.com").await;
    let r = c
        .post("/v1/auth/enchantedlink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061201".into()));
    let first = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await
        .json();
    let rt = first["refreshJwt"].as_str().expect("rt");
    let r = c
        .post_tok(
            "/v1/auth/enchantedlink/update/email",
            rt,
            json!({"loginId": "eu@example.com", "email": "eu2@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["maskedEmail"], "e***@example.com");
    let pending_ref = b["pendingRef"].as_str().expect("pendingRef");
    let token = c.last_token("eu@example.com").await;
    c.post("/v1/auth/enchantedlink/verify", json!({"token": token}))
        .await;
    let s = c
        .post(
            "/v1/auth/enchantedlink/pending-session",
            json!({"pendingRef": pending_ref}),
        )
        .await
        .json();
    assert_eq!(s["user"]["email"], "eu2@example.com");
    assert_eq!(s["firstSeen"], false);
}
