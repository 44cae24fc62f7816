//! OAuth and SSO over HTTP: authorize → emulator url → 302 with code → exchange.
mod common;
use common::*;
use serde_json::{json, Value};

/// Follows the authorize url once (no redirect following) and returns the Location.
async fn provider_redirect(c: &Client, url: &str) -> String {
    let r = c.get_url(url).await;
    assert_eq!(r.status, 302, "{}", r.body);
    r.header("location").expect("location").to_string()
}

fn code_of(location: &str) -> String {
    location
        .split(['?', '&'])
        .find_map(|kv| kv.strip_prefix("code="))
        .expect("code")
        .to_string()
}

async fn oauth(c: &Client, query: &str, body: Value) -> (String, Value) {
    let r = c
        .post(&format!("/v1/auth/oauth/authorize?{query}"), body)
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let url = r.json()["url"].as_str().expect("url").to_string();
    let loc = provider_redirect(c, &url).await;
    let r = c
        .post("/v1/auth/oauth/exchange", json!({"code": code_of(&loc)}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    (loc, r.json())
}

#[tokio::test]
async fn oauth_signs_in_the_default_provider_user_and_codes_are_single_use() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .post(
            "/v1/auth/oauth/authorize?provider=google&redirectURL=http%3A%2F%2Fapp.test%2Fcb%3Fx%3D1",
            json!({}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let url = r.json()["url"].as_str().expect("url").to_string();
    assert!(url.starts_with(&format!(
        "http://{}/emulator/oauth/authorize?state=",
        emu.addr
    )));
    let loc = provider_redirect(&c, &url).await;
    assert!(loc.starts_with("http://app.test/cb?x=1&code="), "{loc}");
    // The state is used up.
    let r = c.get_url(&url).await;
    assert_eq!((r.status, r.code()), (400, "E011004".into()));
    let code = code_of(&loc);
    let r = c
        .post("/v1/auth/oauth/exchange", json!({"code": code}))
        .await;
    assert_eq!(r.status, 200);
    let b = r.json();
    assert_eq!(b["firstSeen"], true);
    assert_eq!(b["user"]["email"], "google-user@example.com");
    assert_eq!(b["user"]["OAuth"], json!({"google": true}));
    assert_eq!(
        claims(b["sessionJwt"].as_str().unwrap_or_default())["amr"],
        json!(["oauth"])
    );
    let r = c
        .post("/v1/auth/oauth/exchange", json!({"code": code}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061401".into()));
    let r = c.post("/v1/auth/oauth/exchange", json!({})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    // Second time: the same user, not first seen; redirectUrl spelling and loginHint.
    let (_, b2) = oauth(
        &c,
        "provider=google&redirectUrl=http%3A%2F%2Fapp.test%2F",
        json!({}),
    )
    .await;
    assert_eq!(b2["firstSeen"], false);
    assert_eq!(b2["user"]["userId"], b["user"]["userId"]);
    let (loc, b3) = oauth(
        &c,
        "provider=github&loginHint=hint%40example.com",
        json!({}),
    )
    .await;
    assert!(
        loc.starts_with(&format!("http://{}/?code=", emu.addr)),
        "{loc}"
    );
    assert_eq!(b3["user"]["loginIds"], json!(["hint@example.com"]));
}

#[tokio::test]
async fn oauth_errors_modes_and_expiry() {
    let emu = start().await;
    let c = client(&emu);
    let r = c.post("/v1/auth/oauth/authorize", json!({})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .post("/v1/auth/oauth/authorize/signin?provider=apple", json!({}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E062108".into()));
    let r = c
        .post("/v1/auth/oauth/authorize/signup?provider=apple", json!({}))
        .await;
    assert_eq!(r.status, 200);
    let url = r.json()["url"].as_str().expect("url").to_string();
    let code = code_of(&provider_redirect(&c, &url).await);
    let r = c
        .post("/v1/auth/oauth/authorize/signup?provider=apple", json!({}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".into()));
    let r = c
        .post("/v1/auth/oauth/authorize/link?provider=apple", json!({}))
        .await;
    assert_eq!(r.status, 404);
    // Codes expire after 5 minutes.
    c.control(
        "POST",
        "/emulator/clock",
        Some(json!({"offsetSeconds": 301})),
    )
    .await;
    let r = c
        .post("/v1/auth/oauth/exchange", json!({"code": code}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061401".into()));
    // An SSO route does not take an OAuth code.
    c.control("POST", "/emulator/clock", Some(json!({"offsetSeconds": 0})))
        .await;
    let r = c
        .post("/v1/auth/oauth/authorize/signin?provider=apple", json!({}))
        .await;
    let url = r.json()["url"].as_str().expect("url").to_string();
    let code = code_of(&provider_redirect(&c, &url).await);
    let r = c.post("/v1/auth/sso/exchange", json!({"code": code})).await;
    assert_eq!((r.status, r.code()), (401, "E061401".into()));
}

#[tokio::test]
async fn oauth_step_up_uses_the_session_user() {
    let emu = start().await;
    let c = client(&emu);
    let first = c.sign_in("me@example.com", "email").await;
    let rt = first["refreshJwt"].as_str().expect("rt");
    let r = c
        .post(
            "/v1/auth/oauth/authorize?provider=google",
            json!({"stepup": true}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/oauth/authorize?provider=google&loginHint=other%40example.com",
            rt,
            json!({"mfa": true}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c
        .post_tok(
            "/v1/auth/oauth/authorize?provider=google",
            rt,
            json!({"stepup": true, "customClaims": {"a": 1}}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let url = r.json()["url"].as_str().expect("url").to_string();
    let code = code_of(&provider_redirect(&c, &url).await);
    let b = c
        .post("/v1/auth/oauth/exchange", json!({"code": code}))
        .await
        .json();
    assert_eq!(b["user"]["userId"], first["user"]["userId"]);
    let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["su"], true);
    assert_eq!(s["amr"], json!(["email", "oauth"]));
    assert_eq!(s["nsec"], json!({"a": 1}));
}

#[tokio::test]
async fn sso_by_tenant_id_or_email_on_saml_and_sso_paths() {
    let emu = start().await;
    let c = client(&emu);
    for family in ["saml", "sso"] {
        let r = c
            .post(
                &format!("/v1/auth/{family}/authorize?tenant=T2acme&redirectURL=http%3A%2F%2Fapp.test%2F"),
                json!({}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let url = r.json()["url"].as_str().expect("url").to_string();
        assert!(url.contains("/emulator/sso/authorize?state="));
        let code = code_of(&provider_redirect(&c, &url).await);
        let r = c
            .post(
                &format!("/v1/auth/{family}/exchange"),
                json!({"code": code}),
            )
            .await;
        assert_eq!(r.status, 200, "{}", r.body);
        let b = r.json();
        assert_eq!(b["user"]["email"], "sso-user@t2acme.example.com");
        assert_eq!(b["user"]["SAML"], true);
        assert_eq!(b["user"]["userTenants"][0]["tenantId"], "T2acme");
        let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
        assert_eq!(s["amr"], json!(["fed"]));
        assert!(s["tenants"]["T2acme"].is_object());
    }
    // An email names its domain's tenant (created on first use); the user is that email.
    let r = c
        .post("/v1/auth/sso/authorize?tenant=jane%40corp.test", json!({}))
        .await;
    let url = r.json()["url"].as_str().expect("url").to_string();
    let code = code_of(&provider_redirect(&c, &url).await);
    let b = c
        .post("/v1/auth/saml/exchange", json!({"code": code}))
        .await
        .json();
    assert_eq!(b["user"]["email"], "jane@corp.test");
    assert_eq!(b["user"]["userTenants"][0]["tenantId"], "corp.test");
    let r = c.post("/v1/auth/sso/authorize", json!({})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c.post("/v1/auth/saml/exchange", json!({"code": "x"})).await;
    assert_eq!((r.status, r.code()), (401, "E061401".into()));
}
