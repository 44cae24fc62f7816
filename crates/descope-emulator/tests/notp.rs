//! NOTP (WhatsApp) over HTTP: pending ref, approval url, QR image, polling.
mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn notp_polls_pending_until_the_link_is_opened() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/notp/whatsapp/signup-in",
            json!({"loginId": "+15557778888"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    let pending_ref = b["pendingRef"].as_str().expect("pendingRef").to_string();
    let url = b["redirectUrl"].as_str().expect("redirectUrl").to_string();
    assert!(url.starts_with(&format!("http://{}/emulator/notp/approve?t=", emu.addr)));
    assert!(!b["image"].as_str().unwrap_or_default().is_empty());
    let m = c.last_message("+15557778888").await;
    assert_eq!(
        (m["kind"].as_str(), m["channel"].as_str()),
        (Some("notp"), Some("whatsapp"))
    );
    assert_eq!(m["pendingRef"], pending_ref.as_str());
    assert_eq!(m["link"], url.as_str());
    let poll = || {
        c.post(
            "/v1/auth/notp/pending-session",
            json!({"pendingRef": pending_ref}),
        )
    };
    let r = poll().await;
    assert_eq!((r.status, r.code()), (401, "E066103".into()));
    let r = c.get_url(&url).await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"approved": true}));
    let r = c.get_url(&url).await;
    assert_eq!((r.status, r.code()), (400, "E011004".into()));
    let r = poll().await;
    assert_eq!(r.status, 200, "{}", r.body);
    let s = r.json();
    assert_eq!(s["firstSeen"], true);
    assert_eq!(s["user"]["phone"], "+15557778888");
    assert_eq!(
        claims(s["sessionJwt"].as_str().unwrap_or_default())["amr"],
        json!(["whatsapp"])
    );
    let r = poll().await;
    assert_eq!((r.status, r.code()), (400, "E011004".into()));
}

#[tokio::test]
async fn notp_modes_default_user_and_expiry() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/notp/whatsapp/signin",
            json!({"loginId": "+15550000001"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    c.create_user(json!({"loginId": "+15550000001"})).await;
    let r = c
        .post(
            "/v1/auth/notp/whatsapp/signup",
            json!({"loginId": "+15550000001"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".into()));
    let r = c
        .post(
            "/v1/auth/notp/whatsapp/signin",
            json!({"loginId": "+15550000001", "loginOptions": {"stepup": true}}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    // No loginId: the default user.
    let r = c.post("/v1/auth/notp/whatsapp/signin", json!({})).await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    c.get_url(b["redirectUrl"].as_str().expect("url")).await;
    let s = c
        .post(
            "/v1/auth/notp/pending-session",
            json!({"pendingRef": b["pendingRef"]}),
        )
        .await
        .json();
    assert_eq!(s["user"]["loginIds"], json!(["+15550100000"]));
    // Expired after 10 minutes.
    let r = c.post("/v1/auth/notp/whatsapp/signup-in", json!({})).await;
    let b = r.json();
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 601})),
    )
    .await;
    let r = c.get_url(b["redirectUrl"].as_str().expect("url")).await;
    assert_eq!((r.status, r.code()), (400, "E011004".into()));
    let r = c
        .post(
            "/v1/auth/notp/pending-session",
            json!({"pendingRef": b["pendingRef"]}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011004".into()));
    let r = c.post("/v1/auth/notp/whatsapp/login", json!({})).await;
    assert_eq!(r.status, 404);
}
