//! Tenant selection, my tenants, login history, and `/emulator/users` with tenants.
mod common;
use common::*;
use serde_json::json;

#[tokio::test]
async fn select_tenant_my_tenants_and_history() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .create_user(json!({"loginId": "tt@example.com", "userTenants": [
            {"tenantId": "T1", "tenantName": "One", "roleNames": ["admin"]},
            {"tenantId": "T2"}]}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["userTenants"][0]["tenantName"], "One");
    let s = c.sign_in("tt@example.com", "email").await;
    let rt = s["refreshJwt"].as_str().expect("rt").to_string();
    let r = c
        .post_tok("/v1/auth/tenant/select", &rt, json!({"tenant": "T9"}))
        .await;
    assert_eq!((r.status, r.code()), (403, "E062110".into()));
    let r = c
        .post("/v1/auth/tenant/select", json!({"tenant": "T1"}))
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
    let r = c.post_tok("/v1/auth/tenant/select", &rt, json!({})).await;
    assert_eq!((r.status, r.code()), (400, "E011002".into()));
    let r = c
        .post_tok("/v1/auth/tenant/select", &rt, json!({"tenant": "T1"}))
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    let st = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(st["dct"], "T1");
    assert_eq!(st["amr"], json!(["email"]));
    assert_eq!(st["tenants"]["T1"]["roles"], json!(["admin"]));
    let rt2 = b["refreshJwt"].as_str().expect("rt").to_string();
    assert_eq!(claims(&rt2)["dct"], "T1");
    // Refresh keeps dct.
    let r = c.post_tok("/v1/auth/refresh", &rt2, json!({})).await;
    assert_eq!(
        claims(r.json()["sessionJwt"].as_str().unwrap_or_default())["dct"],
        "T1"
    );

    let r = c
        .post_tok("/v1/auth/me/tenants", &rt2, json!({"dct": true}))
        .await;
    assert_eq!(
        r.json(),
        json!({"tenants": [{"id": "T1", "name": "One", "customAttributes": {}}]})
    );
    let r = c
        .post_tok("/v1/auth/me/tenants", &rt, json!({"dct": true}))
        .await;
    assert_eq!(r.json(), json!({"tenants": []}));
    let r = c
        .post_tok("/v1/auth/me/tenants", &rt, json!({"ids": ["T2", "T9"]}))
        .await;
    assert_eq!(
        r.json(),
        json!({"tenants": [{"id": "T2", "name": "T2", "customAttributes": {}}]})
    );
    let r = c
        .post_tok("/v1/auth/me/tenants", &rt, json!({"dct": false, "ids": []}))
        .await;
    assert_eq!(r.json()["tenants"].as_array().map(Vec::len), Some(2));
    let r = c
        .post_tok("/v1/auth/me/tenants", &rt, json!({"ids": "T1"}))
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".into()));
    let r = c.post("/v1/auth/me/tenants", json!({"dct": true})).await;
    assert_eq!(r.status, 401);

    let r = c.get("/v1/auth/me/history", Some(&rt)).await;
    assert_eq!(r.status, 200);
    let h = r.json();
    let h = h.as_array().expect("bare array");
    assert_eq!(h.len(), 2);
    assert_eq!(h[0]["selectedTenant"], "T1");
    assert_eq!(h[1]["selectedTenant"], "");
    assert_eq!(h[1]["ip"], "127.0.0.1");
    assert_eq!(h[1]["userId"], s["user"]["userId"]);
    for k in ["loginTime", "city", "country"] {
        assert!(h[1].get(k).is_some(), "{k}");
    }
    let r = c.get("/v1/auth/me/history", None).await;
    assert_eq!((r.status, r.code()), (401, "E061301".into()));
}

#[tokio::test]
async fn select_tenant_with_rotation_revokes_the_old_refresh_jwt() {
    let mut cfg = test_config();
    cfg.rotation = true;
    let emu = start_with(cfg).await;
    let c = client(&emu);
    c.create_user(json!({"loginId": "rot@example.com", "userTenants": [{"tenantId": "T1"}]}))
        .await;
    let s = c.sign_in("rot@example.com", "email").await;
    let rt = s["refreshJwt"].as_str().expect("rt").to_string();
    let r = c
        .post_tok("/v1/auth/tenant/select", &rt, json!({"tenant": "T1"}))
        .await;
    assert_eq!(r.status, 200);
    let r = c.post_tok("/v1/auth/refresh", &rt, json!({})).await;
    assert_eq!((r.status, r.code()), (401, "E064001".into()));
}
