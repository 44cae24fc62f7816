//! OTP address updates: `/v1/auth/otp/update/email` and `/v1/auth/otp/update/phone/{P}`,
//! confirmed by `/v1/auth/otp/verify/{M}`, over real HTTP.
mod common;
use common::*;
use serde_json::{json, Value};

/// Signs `login_id` in by email and returns (refresh JWT, user id).
async fn session(c: &Client, login_id: &str) -> (String, String) {
    let b = c.sign_in(login_id, "email").await;
    (
        b["refreshJwt"].as_str().unwrap_or_default().to_string(),
        b["user"]["userId"].as_str().unwrap_or_default().to_string(),
    )
}

async fn outbox(c: &Client, login_id: &str) -> Vec<Value> {
    let r = c
        .control(
            "GET",
            &format!("/emulator/outbox?loginId={}", enc(login_id)),
            None,
        )
        .await;
    r.json()["messages"].as_array().cloned().unwrap_or_default()
}

async fn me(c: &Client, rt: &str) -> Value {
    let r = c.get("/v1/auth/me", Some(rt)).await;
    assert_eq!(r.status, 200);
    r.json()
}

#[tokio::test]
async fn email_update_sends_a_code_and_verify_confirms_it() {
    let emu = start().await;
    let c = client(&emu);
    let (rt, uid) = session(&c, "jane@example.com").await;
    let r = c
        .post_tok(
            "/v1/auth/otp/update/email",
            &rt,
            json!({"loginId": "jane@example.com", "email": "new.jane@example.org",
                   "templateOptions": {"k": "v"}, "templateId": "t", "providerId": "p",
                   "onMergeUseExisting": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json(), json!({"maskedEmail": "n***@example.org"}));
    let msgs = outbox(&c, "jane@example.com").await;
    let last = msgs.last().expect("a message");
    assert_eq!(last["channel"], "email");
    assert_eq!(last["kind"], "otp");
    assert_eq!(last["loginId"], "jane@example.com");
    let code = c.last_code("jane@example.com").await;
    assert_eq!(code.len(), 6);
    assert!(code.chars().all(|ch| ch.is_ascii_digit()));
    // Not applied before the code is verified.
    assert_eq!(me(&c, &rt).await["email"], "jane@example.com");

    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "jane@example.com", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let b = r.json();
    assert_eq!(b["firstSeen"], false);
    assert_eq!(b["user"]["userId"], uid);
    assert_eq!(b["user"]["email"], "new.jane@example.org");
    assert_eq!(b["user"]["verifiedEmail"], true);
    // Without addToLoginIDs the login ids stay as they were.
    assert_eq!(b["user"]["loginIds"], json!(["jane@example.com"]));
    let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["sub"], uid);
    assert_eq!(s["amr"], json!(["email"]));
    let new_rt = b["refreshJwt"].as_str().unwrap_or_default();
    assert_eq!(me(&c, new_rt).await["email"], "new.jane@example.org");
    assert_eq!(me(&c, &rt).await["email"], "new.jane@example.org");
    // The code is single use.
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "jane@example.com", "code": code}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E061102".to_string()));
}

#[tokio::test]
async fn email_update_with_add_to_login_ids_adds_a_login_id() {
    let emu = start().await;
    let c = client(&emu);
    let r = c
        .create_user(json!({"loginId": "jane", "email": "jane@example.com"}))
        .await;
    assert_eq!(r.status, 200);
    let (rt, uid) = session(&c, "jane").await;
    let r = c
        .post_tok(
            "/v1/auth/otp/update/email",
            &rt,
            json!({"loginId": "jane", "email": "j2@example.org", "addToLoginIDs": true}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let code = c.last_code("jane").await;
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "jane", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    let u = &r.json()["user"];
    assert_eq!(u["loginIds"], json!(["jane", "j2@example.org"]));
    assert_eq!(u["email"], "j2@example.org");
    // The new address now signs in as the same user.
    let b = c.sign_in("j2@example.org", "email").await;
    assert_eq!(b["user"]["userId"], uid);
    assert_eq!(b["firstSeen"], false);
}

#[tokio::test]
async fn phone_update_on_each_method_is_confirmed_by_verify() {
    for (i, p) in ["sms", "voice", "whatsapp"].into_iter().enumerate() {
        let emu = start().await;
        let c = client(&emu);
        let (rt, uid) = session(&c, "jane@example.com").await;
        let phone = format!("+1555123456{i}");
        let add = p == "whatsapp";
        let r = c
            .post_tok(
                &format!("/v1/auth/otp/update/phone/{p}"),
                &rt,
                json!({"loginId": "jane@example.com", "phone": phone, "addToLoginIDs": add}),
            )
            .await;
        assert_eq!(r.status, 200, "{p}: {}", r.body);
        assert_eq!(
            r.json(),
            json!({"maskedPhone": format!("+1******456{i}")}),
            "{p}"
        );
        let last = outbox(&c, "jane@example.com").await.pop().expect("msg");
        assert_eq!(last["channel"], p);
        assert_eq!(last["kind"], "otp");
        let code = c.last_code("jane@example.com").await;
        // The code is bound to the method it was sent on.
        let r = c
            .post(
                "/v1/auth/otp/verify/email",
                json!({"loginId": "jane@example.com", "code": code}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "E061102".to_string()), "{p}");
        let r = c
            .post(
                &format!("/v1/auth/otp/verify/{p}"),
                json!({"loginId": "jane@example.com", "code": code}),
            )
            .await;
        assert_eq!(r.status, 200, "{p}: {}", r.body);
        let b = r.json();
        assert_eq!(b["user"]["userId"], uid);
        assert_eq!(b["user"]["phone"], phone.as_str());
        assert_eq!(b["user"]["verifiedPhone"], true);
        assert_eq!(b["user"]["email"], "jane@example.com");
        let s = claims(b["sessionJwt"].as_str().unwrap_or_default());
        assert_eq!(s["amr"], json!([p]));
        if add {
            assert_eq!(
                b["user"]["loginIds"],
                json!(["jane@example.com", phone.as_str()])
            );
            let again = c.sign_in(&phone, "sms").await;
            assert_eq!(again["user"]["userId"], uid);
        } else {
            assert_eq!(b["user"]["loginIds"], json!(["jane@example.com"]));
        }
    }
}

#[tokio::test]
async fn bad_email_or_phone_answers_e011003_and_sends_nothing() {
    let emu = start().await;
    let c = client(&emu);
    let (rt, _) = session(&c, "jane@example.com").await;
    let before = outbox(&c, "jane@example.com").await.len();
    for bad in [
        "plain",
        "a@b..c",
        "@example.com",
        "a b@example.com",
        "a@exa_mple.com",
        "a@example.com.",
    ] {
        let r = c
            .post_tok(
                "/v1/auth/otp/update/email",
                &rt,
                json!({"loginId": "jane@example.com", "email": bad}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "E011003".to_string()), "{bad}");
    }
    for bad in [
        "5551234567",
        "+0555123456",
        "+155",
        "+1 5551234",
        "+1555123456789012",
    ] {
        let r = c
            .post_tok(
                "/v1/auth/otp/update/phone/sms",
                &rt,
                json!({"loginId": "jane@example.com", "phone": bad}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "E011003".to_string()), "{bad}");
    }
    // Missing address → E011002; wrong types → E011003.
    let r = c
        .post_tok(
            "/v1/auth/otp/update/email",
            &rt,
            json!({"loginId": "jane@example.com"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011002".to_string()));
    let r = c
        .post_tok(
            "/v1/auth/otp/update/phone/sms",
            &rt,
            json!({"loginId": "jane@example.com", "phone": "+15551234567", "addToLoginIDs": "yes"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E011003".to_string()));
    assert_eq!(outbox(&c, "jane@example.com").await.len(), before);
}

#[tokio::test]
async fn update_without_a_live_session_answers_401() {
    let emu = start().await;
    let c = client(&emu);
    let (rt, _) = session(&c, "jane@example.com").await;
    let body = json!({"loginId": "jane@example.com", "email": "n@example.com"});
    let r = c.post("/v1/auth/otp/update/email", body.clone()).await;
    assert_eq!((r.status, r.code()), (401, "E061301".to_string()));
    let r = c
        .post_tok("/v1/auth/otp/update/email", "not.a.jwt", body.clone())
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".to_string()));
    // Project id only → the session check still fails (401), phone too.
    let r = c
        .post(
            "/v1/auth/otp/update/phone/sms",
            json!({"loginId": "jane@example.com", "phone": "+15551234567"}),
        )
        .await;
    assert_eq!((r.status, r.code()), (401, "E061301".to_string()));
    // The refresh cookie is accepted like the header.
    let cookie = format!("DSR={rt}");
    let auth = format!("Bearer {PID}");
    let r = raw(
        &emu.addr,
        "POST",
        "/v1/auth/otp/update/email",
        &[
            ("Authorization", &auth),
            ("Cookie", &cookie),
            ("Content-Type", "application/json"),
        ],
        Some(&body.to_string()),
    )
    .await
    .expect("answer");
    assert_eq!(r.status, 200, "{}", r.body);
    // A logged-out refresh JWT → 401 E064001.
    let r = c.post_tok("/v1/auth/logout", &rt, json!({})).await;
    assert_eq!(r.status, 200);
    let r = c.post_tok("/v1/auth/otp/update/email", &rt, body).await;
    assert_eq!((r.status, r.code()), (401, "E064001".to_string()));
}

#[tokio::test]
async fn update_for_another_user_answers_401_e061301() {
    let emu = start().await;
    let c = client(&emu);
    let (alice, _) = session(&c, "alice@example.com").await;
    let _ = session(&c, "bob@example.com").await;
    for login_id in ["bob@example.com", "nobody@example.com"] {
        let r = c
            .post_tok(
                "/v1/auth/otp/update/email",
                &alice,
                json!({"loginId": login_id, "email": "evil@example.com"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (401, "E061301".to_string()),
            "{login_id}"
        );
        let r = c
            .post_tok(
                "/v1/auth/otp/update/phone/sms",
                &alice,
                json!({"loginId": login_id, "phone": "+15551234567"}),
            )
            .await;
        assert_eq!(
            (r.status, r.code()),
            (401, "E061301".to_string()),
            "{login_id}"
        );
    }
    assert_eq!(outbox(&c, "bob@example.com").await.len(), 1);
}

#[tokio::test]
async fn add_to_login_ids_with_another_users_address_answers_e062107() {
    let emu = start().await;
    let c = client(&emu);
    let (alice, _) = session(&c, "alice@example.com").await;
    let _ = session(&c, "bob@example.com").await;
    let r = c
        .post_tok(
            "/v1/auth/otp/update/email",
            &alice,
            json!({"loginId": "alice@example.com", "email": "bob@example.com", "addToLoginIDs": true}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E062107".to_string()));
    // Without addToLoginIDs the address is only the user's email, which is allowed.
    let r = c
        .post_tok(
            "/v1/auth/otp/update/email",
            &alice,
            json!({"loginId": "alice@example.com", "email": "bob@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
}

#[tokio::test]
async fn unknown_update_methods_answer_400_or_404() {
    let emu = start().await;
    let c = client(&emu);
    let (rt, _) = session(&c, "jane@example.com").await;
    let body = json!({"loginId": "jane@example.com", "phone": "+15551234567"});
    for p in ["email", "fax", "im"] {
        let r = c
            .post_tok(&format!("/v1/auth/otp/update/phone/{p}"), &rt, body.clone())
            .await;
        assert_eq!((r.status, r.code()), (400, "E011003".to_string()), "{p}");
    }
    for path in [
        "/v1/auth/otp/update/sms",
        "/v1/auth/otp/update/phone",
        "/v1/auth/otp/update/phone/sms/x",
        "/v1/auth/otp/change/email",
    ] {
        let r = c.post_tok(path, &rt, body.clone()).await;
        assert_eq!(r.status, 404, "{path}");
        assert!(!r.code().is_empty(), "{path}");
    }
}

#[tokio::test]
async fn pending_update_and_sign_in_code_are_kept_apart() {
    let emu = start().await;
    let c = client(&emu);
    let (rt, uid) = session(&c, "jane@example.com").await;
    let r = c
        .post_tok(
            "/v1/auth/otp/update/email",
            &rt,
            json!({"loginId": "jane@example.com", "email": "new@example.org"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let update_code = c.last_code("jane@example.com").await;
    // A sign-in code sent afterwards does not replace the pending update.
    let r = c
        .post(
            "/v1/auth/otp/signin/email",
            json!({"loginId": "jane@example.com"}),
        )
        .await;
    assert_eq!(r.status, 200);
    let sign_in_code = c.last_code("jane@example.com").await;
    assert_ne!(update_code, sign_in_code);
    // The sign-in code signs in and leaves the email alone.
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "jane@example.com", "code": sign_in_code}),
        )
        .await;
    assert_eq!(r.status, 200);
    assert_eq!(r.json()["user"]["email"], "jane@example.com");
    // The update code still confirms the update afterwards.
    let r = c
        .post(
            "/v1/auth/otp/verify/email",
            json!({"loginId": "jane@example.com", "code": update_code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["user"]["email"], "new@example.org");
    assert_eq!(r.json()["user"]["userId"], uid);
}

#[tokio::test]
async fn wrong_update_codes_lock_after_five_and_a_new_send_unlocks() {
    let emu = start().await;
    let c = client(&emu);
    let (rt, _) = session(&c, "jane@example.com").await;
    let send = || {
        c.post_tok(
            "/v1/auth/otp/update/phone/sms",
            &rt,
            json!({"loginId": "jane@example.com", "phone": "+15551234567"}),
        )
    };
    assert_eq!(send().await.status, 200);
    let code = c.last_code("jane@example.com").await;
    let wrong = if code == "000000" { "111111" } else { "000000" };
    for _ in 0..5 {
        let r = c
            .post(
                "/v1/auth/otp/verify/sms",
                json!({"loginId": "jane@example.com", "code": wrong}),
            )
            .await;
        assert_eq!((r.status, r.code()), (400, "E061102".to_string()));
    }
    let r = c
        .post(
            "/v1/auth/otp/verify/sms",
            json!({"loginId": "jane@example.com", "code": code}),
        )
        .await;
    assert_eq!((r.status, r.code()), (400, "E061103".to_string()));
    assert_eq!(send().await.status, 200);
    let code = c.last_code("jane@example.com").await;
    let r = c
        .post(
            "/v1/auth/otp/verify/sms",
            json!({"loginId": "jane@example.com", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200, "{}", r.body);
    assert_eq!(r.json()["user"]["phone"], "+15551234567");
}

#[tokio::test]
async fn update_mfa_keeps_previous_factors() {
    let emu = start().await;
    let c = client(&emu);
    let (rt, _) = session(&c, "jane@example.com").await;
    let r = c
        .post_tok(
            "/v1/auth/otp/update/phone/sms",
            &rt,
            json!({"loginId": "jane@example.com", "phone": "+15551234567", "mfa": true}),
        )
        .await;
    assert_eq!(r.status, 200);
    let code = c.last_code("jane@example.com").await;
    let r = c
        .post(
            "/v1/auth/otp/verify/sms",
            json!({"loginId": "jane@example.com", "code": code}),
        )
        .await;
    assert_eq!(r.status, 200);
    let s = claims(r.json()["sessionJwt"].as_str().unwrap_or_default());
    assert_eq!(s["amr"], json!(["email", "sms", "mfa"]));
}
