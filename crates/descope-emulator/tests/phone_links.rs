//! Links over the phone that Descope's other SDKs call: enchanted links by SMS (sign-up, sign-in,
//! sign-up-or-in, `update/phone/sms`; the Swift and Kotlin SDKs) and the magic-link phone update
//! without a method suffix (`/v1/auth/magiclink/update/phone`, the Python SDK), which is SMS.
mod common;
use common::*;
use serde_json::{json, Value};

fn amr(jwt_response: &Value) -> Value {
    claims(jwt_response["sessionJwt"].as_str().unwrap_or_default())["amr"].clone()
}

/// Verifies the newest enchanted link sent to `login_id` and polls `pending_ref` → JWTResponse.
async fn click_and_poll(c: &Client, login_id: &str, pending_ref: &str) -> Value {
    let token = c.last_token(login_id).await;
    let r = c
        .post("/v1/auth/enchantedlink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.body.as_str()), (200, "{}"));
    let r = c
        .post(
            "/v1/auth/enchantedlink/pending-session",
            json!({"pendingRef": pending_ref}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    r.json()
}

#[tokio::test]
async fn enchanted_link_by_sms_signs_up_then_in_with_a_pending_session() {
    let emu = start().await;
    let c = client(&emu);
    let phone = "+15557654321";
    let r = c
        .post(
            "/v1/auth/enchantedlink/signup/sms",
            json!({"loginId": phone, "redirectUrl": "http://app.test/verify",
                   "user": {"name": "Texter"}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["maskedPhone"], "+1******4321");
    assert!(b.get("maskedEmail").is_none(), "{b}");
    let pending_ref = b["pendingRef"].as_str().expect("pendingRef").to_string();
    let link_id = b["linkId"].as_str().expect("linkId").to_string();
    assert_eq!(link_id.len(), 2);

    let m = c.last_message(phone).await;
    assert_eq!(
        (&m["kind"], &m["channel"]),
        (&json!("enchantedlink"), &json!("sms"))
    );
    assert_eq!(m["pendingRef"], pending_ref.as_str());
    assert_eq!(m["linkId"], link_id.as_str());
    let token = m["token"].as_str().expect("token");
    assert_eq!(m["link"], format!("http://app.test/verify?t={token}"));

    // Pending until the link is opened, then the session once.
    let r = c
        .post(
            "/v1/auth/enchantedlink/pending-session",
            json!({"pendingRef": pending_ref}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E062503".into()));
    let s = click_and_poll(&c, phone, &pending_ref).await;
    assert_eq!(s["firstSeen"], true);
    assert_eq!(s["user"]["name"], "Texter");
    assert_eq!(s["user"]["phone"], phone);
    assert_eq!(s["user"]["verifiedPhone"], true);
    assert_eq!(amr(&s), json!(["sms"]));
    let user_id = s["user"]["userId"].clone();

    // Sign-up again: exists. Sign-in and sign-up-or-in by SMS work for the same user.
    let r = c
        .post(
            "/v1/auth/enchantedlink/signup/sms",
            json!({"loginId": phone}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".into()));
    for op in ["signin", "signup-in"] {
        let r = c
            .post(
                &format!("/v1/auth/enchantedlink/{op}/sms"),
                json!({"loginId": phone}),
            )
            .await;
        assert_eq!(r.status, 200, "{op}: {}", r.body);
        let pending_ref = r.json()["pendingRef"].as_str().expect("ref").to_string();
        let s = click_and_poll(&c, phone, &pending_ref).await;
        assert_eq!(s["firstSeen"], false, "{op}");
        assert_eq!(s["user"]["userId"], user_id, "{op}");
        assert_eq!(amr(&s), json!(["sms"]), "{op}");
    }
    // An SMS enchanted token is not a magic-link token.
    c.post(
        "/v1/auth/enchantedlink/signin/sms",
        json!({"loginId": phone}),
    )
    .await;
    let token = c.last_token(phone).await;
    let r = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061201".into()));
}

#[tokio::test]
async fn enchanted_link_by_sms_needs_a_phone_and_refuses_other_channels() {
    let emu = start().await;
    let c = client(&emu);
    // Unknown user on sign-in.
    let r = c
        .post(
            "/v1/auth/enchantedlink/signin/sms",
            json!({"loginId": "+15550009999"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    // A login id with no phone number to text.
    let r = c
        .post(
            "/v1/auth/enchantedlink/signup-in/sms",
            json!({"loginId": "nophone@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    // A user whose login id is an email but who has a phone gets the text on that phone.
    c.create_user(json!({"loginId": "both@example.com", "phone": "+15551230000"}))
        .await;
    let r = c
        .post(
            "/v1/auth/enchantedlink/signin/sms",
            json!({"loginId": "both@example.com"}),
        )
        .await;
    assert_eq!(r.json()["maskedPhone"], "+1******0000");
    // WhatsApp and voice are not enchanted-link channels.
    for m in ["whatsapp", "voice"] {
        let r = c
            .post(
                &format!("/v1/auth/enchantedlink/signup-in/{m}"),
                json!({"loginId": "+15551112222"}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "E011003".into()), "{m}");
    }
}

#[tokio::test]
async fn enchanted_link_sms_step_up_keeps_the_sessions_factors() {
    let emu = start().await;
    let c = client(&emu);
    let phone = "+15554443333";
    let first = c.sign_in(phone, "sms").await;
    let rt = first["refreshJwt"].as_str().expect("rt");
    // Step-up without the session's refresh JWT: 401.
    let r = c
        .post(
            "/v1/auth/enchantedlink/signin/sms",
            json!({"loginId": phone, "loginOptions": {"stepup": true}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/enchantedlink/signin/sms",
            rt,
            json!({"loginId": phone, "loginOptions": {"mfa": true, "customClaims": {"k": "v"}}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let pending_ref = r.json()["pendingRef"].as_str().expect("ref").to_string();
    let s = click_and_poll(&c, phone, &pending_ref).await;
    let cl = claims(s["sessionJwt"].as_str().expect("jwt"));
    assert_eq!(cl["amr"], json!(["sms", "mfa"]));
    assert_eq!(cl["nsec"], json!({"k": "v"}));
}

#[tokio::test]
async fn enchanted_link_updates_the_phone_by_sms() {
    let emu = start().await;
    let c = client(&emu);
    let first = c.sign_in("eup@example.com", "email").await;
    let rt = first["refreshJwt"].as_str().expect("rt");
    let path = "/v1/auth/enchantedlink/update/phone/sms";
    let body = json!({"loginId": "eup@example.com", "phone": "+15552221111",
                      "addToLoginIDs": true, "onMergeUseExisting": true,
                      "redirectUrl": "http://app.test/el"});
    // No session: 401, nothing sent.
    let r = c.post(path, body.clone()).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c.post_tok(path, rt, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["maskedPhone"], "+1******1111");
    let pending_ref = b["pendingRef"].as_str().expect("pendingRef").to_string();
    assert_eq!(b["linkId"].as_str().map(str::len), Some(2));
    let m = c.last_message("eup@example.com").await;
    assert_eq!(
        (&m["kind"], &m["channel"]),
        (&json!("enchantedlink"), &json!("sms"))
    );
    assert!(m["link"]
        .as_str()
        .unwrap_or_default()
        .starts_with("http://app.test/el?t="));
    let s = click_and_poll(&c, "eup@example.com", &pending_ref).await;
    assert_eq!(s["firstSeen"], false);
    assert_eq!(s["user"]["phone"], "+15552221111");
    assert_eq!(s["user"]["verifiedPhone"], true);
    assert_eq!(
        s["user"]["loginIds"],
        json!(["eup@example.com", "+15552221111"])
    );
    assert_eq!(amr(&s), json!(["sms"]));

    // Only SMS; a malformed phone is refused.
    let r = c
        .post_tok(
            "/v1/auth/enchantedlink/update/phone/whatsapp",
            rt,
            json!({"loginId": "eup@example.com", "phone": "+15552221111"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c
        .post_tok(
            path,
            rt,
            json!({"loginId": "eup@example.com", "phone": "5552221111"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
}

#[tokio::test]
async fn magic_link_phone_update_without_a_method_is_sms() {
    let emu = start().await;
    let c = client(&emu);
    let first = c.sign_in("mlp@example.com", "email").await;
    let rt = first["refreshJwt"].as_str().expect("rt");
    let path = "/v1/auth/magiclink/update/phone";
    // The Python SDK's body: URI, addToLoginIDs, onMergeUseExisting.
    let body = json!({"loginId": "mlp@example.com", "phone": "+15556667777",
                      "URI": "http://app.test/ml", "addToLoginIDs": false,
                      "onMergeUseExisting": false});
    let r = c.post(path, body.clone()).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c.post_tok(path, rt, body).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"maskedPhone": "+1******7777"}));
    let m = c.last_message("mlp@example.com").await;
    assert_eq!(
        (&m["kind"], &m["channel"]),
        (&json!("magiclink"), &json!("sms"))
    );
    let token = m["token"].as_str().expect("token");
    assert_eq!(m["link"], format!("http://app.test/ml?t={token}"));
    let b = c
        .post("/v1/auth/magiclink/verify", json!({"token": token}))
        .await
        .json();
    assert_eq!(b["user"]["phone"], "+15556667777");
    assert_eq!(b["user"]["verifiedPhone"], true);
    assert_eq!(b["user"]["loginIds"], json!(["mlp@example.com"]));
    assert_eq!(amr(&b), json!(["sms"]));
    // Same checks as the suffixed route.
    let r = c
        .post_tok(
            path,
            rt,
            json!({"loginId": "mlp@example.com", "phone": "not-a-phone"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c.post_tok(path, rt, json!({"phone": "+15556667777"})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
}
