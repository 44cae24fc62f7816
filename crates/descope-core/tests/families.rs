//! Host tests of the request builders and response shapes of the sign-in families of issue 3
//! (magic link, enchanted link, OAuth, SSO, TOTP, password, NOTP, tenants, history) and of the
//! `waitForSession` rules. Fault ids (F..) are named where a test covers one.

use descope_core::json::{self, Value};
use descope_core::links::*;
use descope_core::oauth::*;
use descope_core::password::*;
use descope_core::poll::{self, PollTiming};
use descope_core::request::{
    Auth, DeliveryMethod, LoginOptions, Method, Request, SignUpUser, UpdateOptions,
};
use descope_core::shape::{self, reshape};
use descope_core::tenant::{self, TenantSelector};
use descope_core::totp::*;
use descope_core::{Error, ErrorKind};

fn body(r: &Request) -> Value {
    json::parse(r.body.as_deref().expect("a body")).expect("JSON body")
}

fn s<'a>(v: &'a Value, k: &str) -> Option<&'a str> {
    v.get(k).and_then(Value::as_str)
}

fn stepup() -> LoginOptions {
    LoginOptions {
        stepup: true,
        custom_claims: Some(r#"{"plan":"pro"}"#.into()),
        ..Default::default()
    }
}

fn mfa() -> LoginOptions {
    LoginOptions {
        mfa: true,
        ..Default::default()
    }
}

fn validation(e: Error, code: &str) {
    assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Validation, code));
}

fn user() -> SignUpUser {
    SignUpUser {
        name: Some("Ada".into()),
        email: Some("ada@example.com".into()),
        ..Default::default()
    }
}

#[test]
fn magic_link_paths_bodies_and_uri() {
    let none = LoginOptions::default();
    let r = magic_link_sign(
        SignOp::SignIn,
        DeliveryMethod::Email,
        "a@b.co",
        Some("https://app.io/verify"),
        None,
        &none,
    )
    .unwrap();
    assert_eq!(
        (r.method, r.path.as_str(), r.auth),
        (
            Method::Post,
            "/v1/auth/magiclink/signin/email",
            Auth::Project
        )
    );
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","URI":"https://app.io/verify"}"#)
    );
    let r = magic_link_sign(
        SignOp::SignUpOrIn,
        DeliveryMethod::Sms,
        "+15551234567",
        None,
        None,
        &none,
    )
    .unwrap();
    assert_eq!(r.path, "/v1/auth/magiclink/signup-in/sms");
    assert_eq!(r.body.as_deref(), Some(r#"{"loginId":"+15551234567"}"#));
    let r = magic_link_sign(
        SignOp::SignUp,
        DeliveryMethod::Whatsapp,
        "x",
        Some(""),
        Some(&user()),
        &stepup(),
    )
    .unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/magiclink/signup/whatsapp", Auth::Project)
    );
    let b = body(&r);
    assert_eq!(s(b.get("user").unwrap(), "name"), Some("Ada"));
    assert!(b.get("URI").is_none());
    // Sign-up sends customClaims but never stepup/mfa.
    let lo = b.get("loginOptions").unwrap();
    assert!(lo.get("stepup").is_none());
    assert!(lo.get("customClaims").is_some());
    // The user is not sent on sign-in.
    let r = magic_link_sign(
        SignOp::SignIn,
        DeliveryMethod::Email,
        "x",
        None,
        Some(&user()),
        &none,
    )
    .unwrap();
    assert!(body(&r).get("user").is_none());
    validation(
        magic_link_sign(
            SignOp::SignIn,
            DeliveryMethod::Voice,
            "x",
            None,
            None,
            &none,
        )
        .unwrap_err(),
        "invalidMethod",
    );
    assert!(DeliveryMethod::parse_link("voice").is_err());
    assert!(DeliveryMethod::parse_link("whatsapp").is_ok());
    assert!(DeliveryMethod::parse_link_phone("email").is_err());
    validation(
        magic_link_sign(SignOp::SignIn, DeliveryMethod::Email, "", None, None, &none).unwrap_err(),
        "emptyLoginId",
    );
}

#[test]
fn magic_link_stepup_and_mfa_send_the_refresh_jwt() {
    for op in [SignOp::SignIn, SignOp::SignUpOrIn] {
        let r = magic_link_sign(op, DeliveryMethod::Email, "x", None, None, &stepup()).unwrap();
        assert_eq!(r.auth, Auth::Refresh);
        let lo = body(&r).get("loginOptions").cloned().unwrap();
        assert_eq!(lo.get("stepup").and_then(Value::as_bool), Some(true));
        assert_eq!(s(lo.get("customClaims").unwrap(), "plan"), Some("pro"));
        let r = magic_link_sign(op, DeliveryMethod::Email, "x", None, None, &mfa()).unwrap();
        assert_eq!(r.auth, Auth::Refresh);
    }
}

#[test]
fn magic_link_verify_and_updates() {
    let r = magic_link_verify("tok").unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/magiclink/verify", Auth::Project)
    );
    assert_eq!(r.body.as_deref(), Some(r#"{"token":"tok"}"#));
    validation(magic_link_verify("").unwrap_err(), "invalidToken");
    validation(
        magic_link_verify(&"t".repeat(4097)).unwrap_err(),
        "invalidToken",
    );
    let o = UpdateOptions {
        add_to_login_ids: Some(true),
        ..Default::default()
    };
    let r = magic_link_update_email("x", "new@b.co", Some("http://localhost:3000/cb"), &o).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/magiclink/update/email", Auth::Refresh)
    );
    let b = body(&r);
    assert_eq!(
        (s(&b, "email"), s(&b, "URI")),
        (Some("new@b.co"), Some("http://localhost:3000/cb"))
    );
    assert_eq!(b.get("addToLoginIDs").and_then(Value::as_bool), Some(true));
    validation(
        magic_link_update_email("x", "nope", None, &o).unwrap_err(),
        "invalidEmail",
    );
    let r =
        magic_link_update_phone(DeliveryMethod::Whatsapp, "x", "+15551234567", None, &o).unwrap();
    assert_eq!(r.path, "/v1/auth/magiclink/update/phone/whatsapp");
    validation(
        magic_link_update_phone(DeliveryMethod::Voice, "x", "+15551234567", None, &o).unwrap_err(),
        "invalidMethod",
    );
    validation(
        magic_link_update_phone(DeliveryMethod::Sms, "x", "555", None, &o).unwrap_err(),
        "invalidPhone",
    );
}

#[test]
fn f39_redirect_urls_checked_before_any_request() {
    let none = LoginOptions::default();
    for bad in [
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.tld",
        "https://app.tld@evil.tld",
        "https:\\\\evil.tld",
        "http://evil.tld/cb",
    ] {
        validation(
            magic_link_sign(
                SignOp::SignIn,
                DeliveryMethod::Email,
                "x",
                Some(bad),
                None,
                &none,
            )
            .unwrap_err(),
            "invalidRedirectUrl",
        );
        validation(
            enchanted_link_sign(SignOp::SignUpOrIn, "x", Some(bad), None, &none).unwrap_err(),
            "invalidRedirectUrl",
        );
        validation(
            magic_link_update_email("x", "a@b.co", Some(bad), &UpdateOptions::default())
                .unwrap_err(),
            "invalidRedirectUrl",
        );
        validation(
            enchanted_link_update_email("x", "a@b.co", Some(bad), &UpdateOptions::default())
                .unwrap_err(),
            "invalidRedirectUrl",
        );
        validation(
            oauth_start("google", Some(bad), &none).unwrap_err(),
            "invalidRedirectUrl",
        );
        validation(
            sso_start("T1", Some(bad), &none).unwrap_err(),
            "invalidRedirectUrl",
        );
        validation(
            password_send_reset("x", Some(bad)).unwrap_err(),
            "invalidRedirectUrl",
        );
    }
}

#[test]
fn enchanted_link_routes() {
    let r = enchanted_link_sign(
        SignOp::SignUp,
        "a@b.co",
        Some("https://app.io/el"),
        Some(&user()),
        &LoginOptions::default(),
    )
    .unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/enchantedlink/signup/email", Auth::Project)
    );
    let b = body(&r);
    assert_eq!(s(&b, "URI"), Some("https://app.io/el"));
    assert!(b.get("user").is_some());
    assert_eq!(
        enchanted_link_sign(SignOp::SignIn, "x", None, None, &mfa())
            .unwrap()
            .auth,
        Auth::Refresh
    );
    assert_eq!(
        enchanted_link_sign(
            SignOp::SignUpOrIn,
            "x",
            None,
            None,
            &LoginOptions::default()
        )
        .unwrap()
        .path,
        "/v1/auth/enchantedlink/signup-in/email"
    );
    let r = enchanted_link_verify("tok").unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref()),
        ("/v1/auth/enchantedlink/verify", Some(r#"{"token":"tok"}"#))
    );
    let r = enchanted_link_pending("ref1").unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/enchantedlink/pending-session",
            Some(r#"{"pendingRef":"ref1"}"#),
            Auth::Project
        )
    );
    validation(enchanted_link_pending("").unwrap_err(), "invalidPendingRef");
}

#[test]
fn enchanted_link_update_email_sends_the_refresh_jwt() {
    let o = UpdateOptions {
        add_to_login_ids: Some(true),
        on_merge_use_existing: Some(false),
        template_options: Some(r#"{"app":"Ada's"}"#.into()),
    };
    let r = enchanted_link_update_email("a@b.co", "new@b.co", Some("http://localhost:3000/el"), &o)
        .unwrap();
    assert_eq!(
        (r.method, r.path.as_str(), r.auth),
        (
            Method::Post,
            "/v1/auth/enchantedlink/update/email",
            Auth::Refresh
        )
    );
    assert_eq!(
        r.body.as_deref(),
        Some(concat!(
            r#"{"loginId":"a@b.co","URI":"http://localhost:3000/el","email":"new@b.co","#,
            r#""addToLoginIDs":true,"onMergeUseExisting":false,"templateOptions":{"app":"Ada's"}}"#
        ))
    );
    // No redirect URL, no options: only the two strings.
    let r =
        enchanted_link_update_email("a@b.co", "new@b.co", None, &UpdateOptions::default()).unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","email":"new@b.co"}"#)
    );
    // The same checks as the magic-link update, before any request.
    let none = UpdateOptions::default();
    validation(
        enchanted_link_update_email("", "new@b.co", None, &none).unwrap_err(),
        "emptyLoginId",
    );
    validation(
        enchanted_link_update_email("a@b.co", "nope", None, &none).unwrap_err(),
        "invalidEmail",
    );
    let bad = UpdateOptions {
        template_options: Some(r#"{"n":1}"#.into()),
        ..Default::default()
    };
    assert_eq!(
        enchanted_link_update_email("a@b.co", "new@b.co", None, &bad)
            .unwrap_err()
            .kind,
        ErrorKind::Validation
    );
    // The magic-link update still goes to its own path.
    assert_eq!(
        magic_link_update_email("a@b.co", "new@b.co", None, &none)
            .unwrap()
            .path,
        "/v1/auth/magiclink/update/email"
    );
}

#[test]
fn notp_routes_with_and_without_login_id() {
    let none = LoginOptions::default();
    let r = notp_sign(SignOp::SignUpOrIn, None, None, &none).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref()),
        ("/v1/auth/notp/whatsapp/signup-in", Some("{}"))
    );
    let r = notp_sign(SignOp::SignIn, Some(""), None, &none).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref()),
        ("/v1/auth/notp/whatsapp/signin", Some("{}"))
    );
    let r = notp_sign(SignOp::SignUp, Some("+15551234567"), Some(&user()), &none).unwrap();
    let b = body(&r);
    assert_eq!(s(&b, "loginId"), Some("+15551234567"));
    assert!(b.get("user").is_some());
    assert_eq!(
        notp_sign(SignOp::SignIn, None, None, &stepup())
            .unwrap()
            .auth,
        Auth::Refresh
    );
    assert_eq!(
        notp_pending("p").unwrap().path,
        "/v1/auth/notp/pending-session"
    );
}

#[test]
fn oauth_and_sso_query_encoding_and_body() {
    // A space is refused (F39) before encoding matters.
    let r = oauth_start(
        "google",
        Some("https://app.io/cb?x=1&y=a b"),
        &LoginOptions::default(),
    );
    validation(r.unwrap_err(), "invalidRedirectUrl");
    let r = oauth_start(
        "my provider&x=1",
        Some("https://app.io/cb?x=1&y=%20#f"),
        &LoginOptions::default(),
    )
    .unwrap();
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.path,
        "/v1/auth/oauth/authorize?provider=my%20provider%26x%3D1&redirectURL=https%3A%2F%2Fapp.io%2Fcb%3Fx%3D1%26y%3D%2520%23f"
    );
    assert_eq!((r.body.as_deref(), r.auth), (Some("{}"), Auth::Project));
    let r = oauth_start("github", None, &stepup()).unwrap();
    assert_eq!(r.path, "/v1/auth/oauth/authorize?provider=github");
    assert_eq!(r.auth, Auth::Refresh);
    // loginOptions are the whole body, not wrapped.
    let b = body(&r);
    assert_eq!(b.get("stepup").and_then(Value::as_bool), Some(true));
    assert!(b.get("customClaims").is_some());
    assert!(b.get("loginOptions").is_none());
    validation(
        oauth_start("", None, &LoginOptions::default()).unwrap_err(),
        "invalidArgument",
    );
    let bad = LoginOptions {
        template_options: Some(r#"{"a":1}"#.into()),
        ..Default::default()
    };
    validation(
        oauth_start("google", None, &bad).unwrap_err(),
        "invalidOptions",
    );
    let r = sso_start("user@acme.io", Some("http://127.0.0.1:4317/"), &mfa()).unwrap();
    assert_eq!(
        r.path,
        "/v1/auth/saml/authorize?tenant=user%40acme.io&redirectURL=http%3A%2F%2F127.0.0.1%3A4317%2F"
    );
    assert_eq!(
        (r.body.as_deref(), r.auth),
        (Some(r#"{"mfa":true}"#), Auth::Refresh)
    );
    let r = oauth_exchange("c0de").unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/oauth/exchange",
            Some(r#"{"code":"c0de"}"#),
            Auth::Project
        )
    );
    assert_eq!(sso_exchange("c").unwrap().path, "/v1/auth/saml/exchange");
    validation(sso_exchange("").unwrap_err(), "invalidCode");
}

#[test]
fn totp_routes() {
    let r = totp_sign_up("a@b.co", Some(&user())).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/totp/signup", Auth::Project)
    );
    assert!(body(&r).get("user").is_some());
    let r = totp_verify("a@b.co", "123456", &LoginOptions::default()).unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","code":"123456"}"#)
    );
    let r = totp_verify("a@b.co", "123456", &stepup()).unwrap();
    assert_eq!(r.auth, Auth::Refresh);
    assert!(body(&r).get("loginOptions").is_some());
    validation(
        totp_verify("a@b.co", "", &LoginOptions::default()).unwrap_err(),
        "invalidCode",
    );
    let r = totp_update("a@b.co").unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth, r.body.as_deref()),
        (
            "/v1/auth/totp/update",
            Auth::Refresh,
            Some(r#"{"loginId":"a@b.co"}"#)
        )
    );
}

#[test]
fn password_routes_never_echo_the_password() {
    let secret = "S3cret!pass";
    let r = password_sign_up("a@b.co", secret, Some(&user()), &LoginOptions::default()).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/password/signup", Auth::Project)
    );
    assert_eq!(s(&body(&r), "password"), Some(secret));
    let r = password_sign_in("a@b.co", secret, &mfa()).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/password/signin", Auth::Refresh)
    );
    let r = password_replace("a@b.co", "old", "new").unwrap();
    let b = body(&r);
    assert_eq!(
        (s(&b, "oldPassword"), s(&b, "newPassword")),
        (Some("old"), Some("new"))
    );
    let r = password_send_reset("a@b.co", Some("https://app.io/reset")).unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","redirectUrl":"https://app.io/reset"}"#)
    );
    assert_eq!(
        password_send_reset("a@b.co", None).unwrap().body.as_deref(),
        Some(r#"{"loginId":"a@b.co"}"#)
    );
    let r = password_update("a@b.co", "N3w!pass").unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/password/update", Auth::Refresh)
    );
    let p = password_policy();
    assert_eq!(
        (p.method, p.path.as_str(), p.body, p.auth),
        (Method::Get, "/v1/auth/password/policy", None, Auth::Project)
    );
    let long = "p".repeat(1025);
    for e in [
        password_sign_in("a@b.co", "", &LoginOptions::default()).unwrap_err(),
        password_sign_in("a@b.co", &long, &LoginOptions::default()).unwrap_err(),
        password_replace("a@b.co", secret, "").unwrap_err(),
        password_update("a@b.co", "").unwrap_err(),
    ] {
        assert!(!e.description.contains(secret));
        validation(e, "invalidPassword");
    }
    validation(
        password_sign_up("", secret, None, &LoginOptions::default()).unwrap_err(),
        "emptyLoginId",
    );
}

#[test]
fn tenant_routes() {
    let r = tenant::select_tenant("T1").unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/tenant/select",
            Some(r#"{"tenant":"T1"}"#),
            Auth::Refresh
        )
    );
    validation(tenant::select_tenant("").unwrap_err(), "invalidTenant");
    let r = tenant::my_tenants(TenantSelector::Current).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/me/tenants",
            Some(r#"{"dct":true}"#),
            Auth::Refresh
        )
    );
    let r = tenant::my_tenants(TenantSelector::Ids(&["T1", "T\"2"])).unwrap();
    assert_eq!(r.body.as_deref(), Some(r#"{"ids":["T1","T\"2"]}"#));
    validation(
        tenant::my_tenants(TenantSelector::Ids(&["T1", ""])).unwrap_err(),
        "invalidTenant",
    );
    let h = tenant::history();
    assert_eq!(
        (h.method, h.path.as_str(), h.body, h.auth),
        (Method::Get, "/v1/auth/me/history", None, Auth::Refresh)
    );
}

#[test]
fn shapes_copy_and_rename_fields() {
    let t = reshape(
        200,
        r#"{"provisioningURL":"otpauth://x","image":"iVBOR","key":"ABC","extra":1}"#,
        shape::TOTP,
    )
    .unwrap();
    assert_eq!(
        t,
        r#"{"provisioningUrl":"otpauth://x","image":"iVBOR","key":"ABC"}"#
    );
    let p = reshape(
        200,
        r#"{"pendingRef":"r","linkId":"42","maskedEmail":"a***@b.co"}"#,
        shape::PENDING_LINK,
    )
    .unwrap();
    assert_eq!(
        p,
        r#"{"pendingRef":"r","linkId":"42","maskedEmail":"a***@b.co"}"#
    );
    assert_eq!(
        reshape(
            200,
            r#"{"resetMethod":"magiclink","maskedEmail":""}"#,
            shape::RESET
        )
        .unwrap(),
        r#"{"resetMethod":"magiclink"}"#
    );
    let pol = r#"{"minLength":8,"lowercase":true,"uppercase":true,"number":true,"nonAlphanumeric":false}"#;
    assert_eq!(reshape(200, pol, shape::POLICY).unwrap(), pol);
    assert_eq!(
        reshape(200, r#"{"url":"http://x/"}"#, shape::URL).unwrap(),
        r#"{"url":"http://x/"}"#
    );
    let ten = r#"{"tenants":[{"id":"T1","name":"One","customAttributes":{}}]}"#;
    assert_eq!(reshape(200, ten, shape::TENANTS).unwrap(), ten);
    let hist = r#"[{"userId":"U1","loginTime":1700000000,"city":"","country":"","ip":"127.0.0.1","selectedTenant":""}]"#;
    assert_eq!(reshape(200, hist, shape::HISTORY).unwrap(), hist);
    assert_eq!(reshape(200, "[]", shape::HISTORY).unwrap(), "[]");
}

#[test]
fn f10_unexpected_success_bodies_are_protocol_errors() {
    for (b, sh) in [
        ("<html>captive</html>", shape::URL),
        ("{}", shape::URL),
        (r#"{"url":5}"#, shape::URL),
        (r#"{"pendingRef":"r"}"#, shape::PENDING_LINK),
        (r#"{"provisioningURL":"x","image":"y"}"#, shape::TOTP),
        (
            r#"{"minLength":8.5,"lowercase":true,"uppercase":true,"number":true,"nonAlphanumeric":false}"#,
            shape::POLICY,
        ),
        (
            r#"{"minLength":8,"lowercase":"yes","uppercase":true,"number":true,"nonAlphanumeric":false}"#,
            shape::POLICY,
        ),
        (r#"{"tenants":{}}"#, shape::TENANTS),
        (r#"{"tenants":[1]}"#, shape::TENANTS),
        (r#"{"authHistory":[]}"#, shape::HISTORY),
        ("[1,2]", shape::HISTORY),
        ("[]", shape::PENDING_NOTP),
    ] {
        let e = reshape(200, b, sh).unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_str(), e.status),
            (ErrorKind::Protocol, "invalidResponse", Some(200)),
            "{b}"
        );
        assert!(!e.description.contains("captive"));
    }
}

#[test]
fn poll_timing_bounds() {
    assert_eq!(
        poll::timing(None, None).unwrap(),
        PollTiming {
            interval_ms: 1000,
            timeout_ms: 600_000
        }
    );
    // Below the minimum interval is raised (never a tight loop); above the maximum timeout is lowered.
    assert_eq!(
        poll::timing(Some(1.0), Some(1e9)).unwrap(),
        PollTiming {
            interval_ms: 1000,
            timeout_ms: 600_000
        }
    );
    assert_eq!(
        poll::timing(Some(2500.0), Some(1500.0)).unwrap(),
        PollTiming {
            interval_ms: 2500,
            timeout_ms: 1500
        }
    );
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        validation(
            poll::timing(Some(bad), None).unwrap_err(),
            "invalidArgument",
        );
        validation(
            poll::timing(None, Some(bad)).unwrap_err(),
            "invalidArgument",
        );
    }
}

#[test]
fn poll_outcomes() {
    use descope_core::response::error_from_response;
    let pending = error_from_response(401, r#"{"errorCode":"E062503"}"#, None, 0);
    assert!(poll::keeps_polling(&pending, poll::ENCHANTED_LINK_PENDING));
    assert!(!poll::keeps_polling(&pending, poll::NOTP_PENDING));
    let notp = error_from_response(401, r#"{"errorCode":"E066103"}"#, None, 0);
    assert!(poll::keeps_polling(&notp, poll::NOTP_PENDING));
    assert!(poll::keeps_polling(&Error::network(), poll::NOTP_PENDING));
    assert!(poll::keeps_polling(
        &error_from_response(503, "", None, 0),
        poll::NOTP_PENDING
    ));
    assert!(poll::keeps_polling(
        &error_from_response(429, "", Some("3"), 0),
        poll::NOTP_PENDING
    ));
    let gone = error_from_response(400, r#"{"errorCode":"E011004"}"#, None, 0);
    assert!(!poll::keeps_polling(&gone, poll::ENCHANTED_LINK_PENDING));
    let t = PollTiming {
        interval_ms: 1000,
        timeout_ms: 5000,
    };
    assert_eq!(poll::next_wait_ms(&t, None, 60_000), 1000);
    assert_eq!(poll::next_wait_ms(&t, Some(3000), 60_000), 3000);
    assert_eq!(poll::next_wait_ms(&t, None, 400), 400);
    let e = poll::polling_timeout();
    assert_eq!(
        (e.kind, e.code.as_str()),
        (ErrorKind::Timeout, "pollingTimeout")
    );
    // An AbortSignal ends the wait with kind "aborted" (api.md), not a validation error.
    let e = poll::aborted();
    assert_eq!((e.kind, e.code.as_str()), (ErrorKind::Aborted, "aborted"));
}
