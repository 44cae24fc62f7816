//! Host tests of the request builders and response shapes of the sign-in families of issue 3
//! (magic link, enchanted link, OAuth, SSO, TOTP, password, NOTP, tenants, history) and of the
//! `waitForSession` rules. Fault ids (F..) are named where a test covers one.

use descope_core::json::{self, Value};
use descope_core::poll::{self, PollTiming};
use descope_core::request::{
    Auth, DeliveryMethod, LoginOptions, Method, Request, SignUpUser, UpdateOptions,
};
use descope_core::shape::{self, reshape};
use descope_core::wire::{self, Spec, Value as Arg};
use descope_core::{Error, ErrorKind};

/// `spec`'s request for these argument values, as the glue would pass them.
fn call(spec: &Spec, args: &[Arg]) -> Result<Request, Error> {
    wire::request(spec, args)
}

fn t(s: &str) -> Arg {
    Arg::Text(s.to_string())
}

/// An optional string argument.
fn o(s: Option<&str>) -> Arg {
    s.map_or(Arg::Absent, t)
}

fn m(m: DeliveryMethod) -> Arg {
    Arg::Method(m)
}

fn lo(o: LoginOptions) -> Arg {
    Arg::LoginOptions(o)
}

fn up(o: UpdateOptions) -> Arg {
    Arg::UpdateOptions(o)
}

fn none() -> Arg {
    lo(LoginOptions::default())
}

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

fn user() -> Arg {
    Arg::User(SignUpUser {
        name: Some("Ada".into()),
        email: Some("ada@example.com".into()),
        ..Default::default()
    })
}

#[test]
fn otp_routes_and_bodies() {
    use DeliveryMethod::*;
    let r = call(&wire::OTP_SIGN_IN, &[m(Email), t("a@b.co"), none()]).unwrap();
    assert_eq!(
        (r.method, r.path.as_str(), r.auth),
        (Method::Post, "/v1/auth/otp/signin/email", Auth::Project)
    );
    assert_eq!(r.body.as_deref(), Some(r#"{"loginId":"a@b.co"}"#));
    let r = call(
        &wire::OTP_SIGN_UP_OR_IN,
        &[m(Sms), t("+15551234567"), none()],
    )
    .unwrap();
    assert_eq!(r.path, "/v1/auth/otp/signup-in/sms");
    let r = call(&wire::OTP_VERIFY, &[m(Whatsapp), t("x"), t("123456")]).unwrap();
    assert_eq!(r.path, "/v1/auth/otp/verify/whatsapp");
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"x","code":"123456"}"#)
    );
    let u = Arg::User(SignUpUser {
        name: Some("N \"q\"".into()),
        email: Some("a@b.co".into()),
        ..Default::default()
    });
    let opts = lo(LoginOptions {
        stepup: true,
        ..Default::default()
    });
    let r = call(&wire::OTP_SIGN_UP, &[m(Voice), t("x"), u, opts]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/otp/signup/voice", Auth::Project)
    );
    // Sign-up never sends stepup/mfa (so no loginOptions here).
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"x","user":{"name":"N \"q\"","email":"a@b.co"}}"#)
    );
}

#[test]
fn otp_stepup_and_mfa_need_the_refresh_token() {
    let o = LoginOptions {
        stepup: true,
        custom_claims: Some(r#"{"k":1}"#.into()),
        ..Default::default()
    };
    let r = call(
        &wire::OTP_SIGN_IN,
        &[m(DeliveryMethod::Email), t("x"), lo(o)],
    )
    .unwrap();
    assert_eq!(r.auth, Auth::Refresh);
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"x","loginOptions":{"stepup":true,"customClaims":{"k":1}}}"#)
    );
    let r = call(
        &wire::OTP_SIGN_UP_OR_IN,
        &[m(DeliveryMethod::Email), t("x"), lo(mfa())],
    )
    .unwrap();
    assert_eq!(r.auth, Auth::Refresh);
}

#[test]
fn otp_validation_before_network() {
    let email = || m(DeliveryMethod::Email);
    let e = call(&wire::OTP_SIGN_IN, &[email(), t(""), none()]).unwrap_err();
    validation(e, "emptyLoginId");
    let long = "a".repeat(1025);
    let e = call(&wire::OTP_SIGN_IN, &[email(), t(&long), none()]).unwrap_err();
    validation(e, "invalidLoginId");
    let e = call(
        &wire::OTP_UPDATE_EMAIL,
        &[t("x"), t("not-an-email"), up(Default::default())],
    );
    validation(e.unwrap_err(), "invalidEmail");
    let e = call(
        &wire::OTP_UPDATE_PHONE,
        &[
            m(DeliveryMethod::Sms),
            t("x"),
            t("5551234"),
            up(Default::default()),
        ],
    );
    validation(e.unwrap_err(), "invalidPhone");
    validation(
        call(&wire::OTP_VERIFY, &[email(), t("x"), t("")]).unwrap_err(),
        "invalidCode",
    );
    validation(
        call(&wire::OTP_VERIFY, &[email(), t("x"), t(&"1".repeat(65))]).unwrap_err(),
        "invalidCode",
    );
    let o = LoginOptions {
        custom_claims: Some("[1]".into()),
        ..Default::default()
    };
    let e = call(&wire::OTP_SIGN_IN, &[email(), t("x"), lo(o)]).unwrap_err();
    assert_eq!(
        (e.code.as_str(), e.description.as_str()),
        ("invalidOptions", "customClaims must be a JSON object")
    );
    let o = LoginOptions {
        template_options: Some(r#"{"a":1}"#.into()),
        ..Default::default()
    };
    let e = call(&wire::OTP_SIGN_IN, &[email(), t("x"), lo(o)]).unwrap_err();
    assert_eq!(
        e.description,
        "templateOptions must be an object of strings"
    );
}

#[test]
fn f38_unicode_login_ids_sent_byte_for_byte() {
    for id in [
        " lead",
        "e\u{301}",
        "\u{202e}x",
        "\u{1f600}@x.io",
        "a\u{200b}b",
    ] {
        let r = call(
            &wire::OTP_SIGN_IN,
            &[m(DeliveryMethod::Email), t(id), none()],
        )
        .unwrap();
        assert_eq!(body(&r).get("loginId").and_then(Value::as_str), Some(id));
    }
}

#[test]
fn otp_update_bodies() {
    let o = UpdateOptions {
        add_to_login_ids: Some(true),
        template_options: Some(r#"{"a":"b"}"#.into()),
        ..Default::default()
    };
    let r = call(&wire::OTP_UPDATE_EMAIL, &[t("x"), t("a.b+c@d-e.io"), up(o)]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/otp/update/email", Auth::Refresh)
    );
    assert_eq!(
        r.body.as_deref(),
        Some(
            r#"{"loginId":"x","email":"a.b+c@d-e.io","addToLoginIDs":true,"templateOptions":{"a":"b"}}"#
        )
    );
    let r = call(
        &wire::OTP_UPDATE_PHONE,
        &[
            m(DeliveryMethod::Whatsapp),
            t("x"),
            t("+972501234567"),
            up(Default::default()),
        ],
    )
    .unwrap();
    assert_eq!(r.path, "/v1/auth/otp/update/phone/whatsapp");
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"x","phone":"+972501234567"}"#)
    );
}

#[test]
fn magic_link_paths_bodies_and_uri() {
    use DeliveryMethod::*;
    let r = call(
        &wire::MAGIC_LINK_SIGN_IN,
        &[m(Email), t("a@b.co"), t("https://app.io/verify"), none()],
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
    let r = call(
        &wire::MAGIC_LINK_SIGN_UP_OR_IN,
        &[m(Sms), t("+15551234567"), Arg::Absent, none()],
    )
    .unwrap();
    assert_eq!(r.path, "/v1/auth/magiclink/signup-in/sms");
    assert_eq!(r.body.as_deref(), Some(r#"{"loginId":"+15551234567"}"#));
    let r = call(
        &wire::MAGIC_LINK_SIGN_UP,
        &[m(Whatsapp), t("x"), t(""), user(), lo(stepup())],
    )
    .unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/magiclink/signup/whatsapp", Auth::Project)
    );
    // An empty redirect URL is left out; sign-up sends customClaims but never stepup/mfa.
    assert_eq!(
        r.body.as_deref(),
        Some(concat!(
            r#"{"loginId":"x","user":{"name":"Ada","email":"ada@example.com"},"#,
            r#""loginOptions":{"customClaims":{"plan":"pro"}}}"#
        ))
    );
    // Voice is not a link method.
    let wire::Kind::Method(set) = wire::MAGIC_LINK_SIGN_IN.args[0].kind else {
        panic!("the method comes first");
    };
    assert_eq!(set.allowed(), &[Email, Sms, Whatsapp]);
    validation(
        call(
            &wire::MAGIC_LINK_SIGN_IN,
            &[m(Email), t(""), Arg::Absent, none()],
        )
        .unwrap_err(),
        "emptyLoginId",
    );
}

#[test]
fn magic_link_stepup_and_mfa_send_the_refresh_jwt() {
    for spec in [&wire::MAGIC_LINK_SIGN_IN, &wire::MAGIC_LINK_SIGN_UP_OR_IN] {
        let r = call(
            spec,
            &[m(DeliveryMethod::Email), t("x"), Arg::Absent, lo(stepup())],
        )
        .unwrap();
        assert_eq!(r.auth, Auth::Refresh);
        assert_eq!(
            r.body.as_deref(),
            Some(r#"{"loginId":"x","loginOptions":{"stepup":true,"customClaims":{"plan":"pro"}}}"#)
        );
        let r = call(
            spec,
            &[m(DeliveryMethod::Email), t("x"), Arg::Absent, lo(mfa())],
        )
        .unwrap();
        assert_eq!(r.auth, Auth::Refresh);
    }
}

#[test]
fn magic_link_verify_and_updates() {
    let r = call(&wire::MAGIC_LINK_VERIFY, &[t("tok")]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/magiclink/verify", Auth::Project)
    );
    assert_eq!(r.body.as_deref(), Some(r#"{"token":"tok"}"#));
    validation(
        call(&wire::MAGIC_LINK_VERIFY, &[t("")]).unwrap_err(),
        "invalidToken",
    );
    validation(
        call(&wire::MAGIC_LINK_VERIFY, &[t(&"t".repeat(4097))]).unwrap_err(),
        "invalidToken",
    );
    let opts = || {
        up(UpdateOptions {
            add_to_login_ids: Some(true),
            ..Default::default()
        })
    };
    let r = call(
        &wire::MAGIC_LINK_UPDATE_EMAIL,
        &[t("x"), t("new@b.co"), t("http://localhost:3000/cb"), opts()],
    )
    .unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/magiclink/update/email", Auth::Refresh)
    );
    // `URI` follows the login id, whatever the argument order.
    assert_eq!(
        r.body.as_deref(),
        Some(concat!(
            r#"{"loginId":"x","URI":"http://localhost:3000/cb","email":"new@b.co","#,
            r#""addToLoginIDs":true}"#
        ))
    );
    validation(
        call(
            &wire::MAGIC_LINK_UPDATE_EMAIL,
            &[t("x"), t("nope"), Arg::Absent, opts()],
        )
        .unwrap_err(),
        "invalidEmail",
    );
    let phone = |method, number: &str| {
        call(
            &wire::MAGIC_LINK_UPDATE_PHONE,
            &[m(method), t("x"), t(number), Arg::Absent, opts()],
        )
    };
    let r = phone(DeliveryMethod::Whatsapp, "+15551234567").unwrap();
    assert_eq!(r.path, "/v1/auth/magiclink/update/phone/whatsapp");
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"x","phone":"+15551234567","addToLoginIDs":true}"#)
    );
    validation(
        phone(DeliveryMethod::Sms, "555").unwrap_err(),
        "invalidPhone",
    );
    let wire::Kind::Method(set) = wire::MAGIC_LINK_UPDATE_PHONE.args[0].kind else {
        panic!("the method comes first");
    };
    assert_eq!(
        set.allowed(),
        &[DeliveryMethod::Sms, DeliveryMethod::Whatsapp]
    );
}

#[test]
fn f39_redirect_urls_checked_before_any_request() {
    let email = || m(DeliveryMethod::Email);
    let update = || up(UpdateOptions::default());
    for bad in [
        "javascript:alert(1)",
        "data:text/html,x",
        "//evil.tld",
        "https://app.tld@evil.tld",
        "https:\\\\evil.tld",
        "http://evil.tld/cb",
    ] {
        for r in [
            call(
                &wire::MAGIC_LINK_SIGN_IN,
                &[email(), t("x"), t(bad), none()],
            ),
            call(
                &wire::ENCHANTED_LINK_SIGN_UP_OR_IN,
                &[t("x"), t(bad), none()],
            ),
            call(
                &wire::MAGIC_LINK_UPDATE_EMAIL,
                &[t("x"), t("a@b.co"), t(bad), update()],
            ),
            call(
                &wire::ENCHANTED_LINK_UPDATE_EMAIL,
                &[t("x"), t("a@b.co"), t(bad), update()],
            ),
            call(&wire::OAUTH_START, &[t("google"), t(bad), none()]),
            call(&wire::SSO_START, &[t("T1"), t(bad), none()]),
            call(&wire::PASSWORD_SEND_RESET, &[t("x"), t(bad)]),
        ] {
            validation(r.unwrap_err(), "invalidRedirectUrl");
        }
    }
}

#[test]
fn enchanted_link_routes() {
    let r = call(
        &wire::ENCHANTED_LINK_SIGN_UP,
        &[t("a@b.co"), t("https://app.io/el"), user(), none()],
    )
    .unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/enchantedlink/signup/email", Auth::Project)
    );
    assert_eq!(
        r.body.as_deref(),
        Some(concat!(
            r#"{"loginId":"a@b.co","URI":"https://app.io/el","#,
            r#""user":{"name":"Ada","email":"ada@example.com"}}"#
        ))
    );
    let r = call(
        &wire::ENCHANTED_LINK_SIGN_IN,
        &[t("x"), Arg::Absent, lo(mfa())],
    )
    .unwrap();
    assert_eq!(r.auth, Auth::Refresh);
    assert_eq!(
        call(
            &wire::ENCHANTED_LINK_SIGN_UP_OR_IN,
            &[t("x"), Arg::Absent, none()]
        )
        .unwrap()
        .path,
        "/v1/auth/enchantedlink/signup-in/email"
    );
    let r = call(&wire::ENCHANTED_LINK_VERIFY, &[t("tok")]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref()),
        ("/v1/auth/enchantedlink/verify", Some(r#"{"token":"tok"}"#))
    );
    assert_eq!(wire::ENCHANTED_LINK_VERIFY.answer, wire::Answer::Void);
    let r = call(&wire::ENCHANTED_LINK_WAIT, &[t("ref1")]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/enchantedlink/pending-session",
            Some(r#"{"pendingRef":"ref1"}"#),
            Auth::Project
        )
    );
    assert_eq!(
        wire::ENCHANTED_LINK_WAIT.answer,
        wire::Answer::Wait(wire::Pending::EnchantedLink)
    );
    assert_eq!(
        wire::Pending::EnchantedLink.code(),
        poll::ENCHANTED_LINK_PENDING
    );
    assert_eq!(wire::Pending::Notp.code(), poll::NOTP_PENDING);
    validation(
        call(&wire::ENCHANTED_LINK_WAIT, &[t("")]).unwrap_err(),
        "invalidPendingRef",
    );
}

#[test]
fn enchanted_link_update_email_sends_the_refresh_jwt() {
    let all = UpdateOptions {
        add_to_login_ids: Some(true),
        on_merge_use_existing: Some(false),
        template_options: Some(r#"{"app":"Ada's"}"#.into()),
    };
    let update = |id: &str, email: &str, uri: Option<&str>, opts: UpdateOptions| {
        call(
            &wire::ENCHANTED_LINK_UPDATE_EMAIL,
            &[t(id), t(email), o(uri), up(opts)],
        )
    };
    let r = update("a@b.co", "new@b.co", Some("http://localhost:3000/el"), all).unwrap();
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
    assert_eq!(
        wire::ENCHANTED_LINK_UPDATE_EMAIL.answer,
        wire::Answer::Shaped(&shape::PENDING_LINK)
    );
    // No redirect URL, no options: only the two strings.
    let r = update("a@b.co", "new@b.co", None, Default::default()).unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","email":"new@b.co"}"#)
    );
    // The same checks as the magic-link update, before any request.
    validation(
        update("", "new@b.co", None, Default::default()).unwrap_err(),
        "emptyLoginId",
    );
    validation(
        update("a@b.co", "nope", None, Default::default()).unwrap_err(),
        "invalidEmail",
    );
    let bad = UpdateOptions {
        template_options: Some(r#"{"n":1}"#.into()),
        ..Default::default()
    };
    validation(
        update("a@b.co", "new@b.co", None, bad).unwrap_err(),
        "invalidOptions",
    );
    // The magic-link update still goes to its own path.
    assert_eq!(
        call(
            &wire::MAGIC_LINK_UPDATE_EMAIL,
            &[
                t("a@b.co"),
                t("new@b.co"),
                Arg::Absent,
                up(Default::default())
            ]
        )
        .unwrap()
        .path,
        "/v1/auth/magiclink/update/email"
    );
}

/// With two bad arguments, the first in argument order is reported (the hand-written builders
/// checked the email, phone or code of four methods before the login id).
#[test]
fn the_first_bad_argument_is_the_error() {
    let update = || up(UpdateOptions::default());
    let e = call(
        &wire::MAGIC_LINK_UPDATE_EMAIL,
        &[t(""), t("nope"), Arg::Absent, update()],
    );
    validation(e.unwrap_err(), "emptyLoginId");
    let e = call(
        &wire::ENCHANTED_LINK_UPDATE_EMAIL,
        &[t("x"), t("nope"), t("http://evil.tld/cb"), update()],
    );
    validation(e.unwrap_err(), "invalidEmail");
    let e = call(
        &wire::MAGIC_LINK_UPDATE_PHONE,
        &[
            m(DeliveryMethod::Sms),
            t(""),
            t("555"),
            Arg::Absent,
            update(),
        ],
    );
    validation(e.unwrap_err(), "emptyLoginId");
    let e = call(&wire::TOTP_VERIFY, &[t(""), t(""), none()]);
    validation(e.unwrap_err(), "emptyLoginId");
    let e = call(&wire::OTP_UPDATE_EMAIL, &[t(""), t("nope"), update()]);
    validation(e.unwrap_err(), "emptyLoginId");
    let e = call(
        &wire::MAGIC_LINK_SIGN_IN,
        &[
            m(DeliveryMethod::Email),
            t("x"),
            t("javascript:x"),
            lo(mfa()),
        ],
    );
    validation(e.unwrap_err(), "invalidRedirectUrl");
}

#[test]
fn notp_routes_with_and_without_login_id() {
    let r = call(&wire::NOTP_SIGN_UP_OR_IN, &[Arg::Absent, none()]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref()),
        ("/v1/auth/notp/whatsapp/signup-in", Some("{}"))
    );
    let r = call(&wire::NOTP_SIGN_IN, &[t(""), none()]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref()),
        ("/v1/auth/notp/whatsapp/signin", Some("{}"))
    );
    let r = call(&wire::NOTP_SIGN_UP, &[t("+15551234567"), user(), none()]).unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"+15551234567","user":{"name":"Ada","email":"ada@example.com"}}"#)
    );
    assert_eq!(
        call(&wire::NOTP_SIGN_IN, &[Arg::Absent, lo(stepup())])
            .unwrap()
            .auth,
        Auth::Refresh
    );
    assert_eq!(
        call(&wire::NOTP_WAIT, &[t("p")]).unwrap().path,
        "/v1/auth/notp/pending-session"
    );
    validation(
        call(&wire::NOTP_SIGN_IN, &[t(&"a".repeat(1025)), none()]).unwrap_err(),
        "invalidLoginId",
    );
}

#[test]
fn oauth_and_sso_query_encoding_and_body() {
    let start = |provider: &str, uri: Option<&str>, opts: LoginOptions| {
        call(&wire::OAUTH_START, &[t(provider), o(uri), lo(opts)])
    };
    // A space is refused (F39) before encoding matters.
    let r = start(
        "google",
        Some("https://app.io/cb?x=1&y=a b"),
        Default::default(),
    );
    validation(r.unwrap_err(), "invalidRedirectUrl");
    let r = start(
        "my provider&x=1",
        Some("https://app.io/cb?x=1&y=%20#f"),
        Default::default(),
    )
    .unwrap();
    assert_eq!(r.method, Method::Post);
    assert_eq!(
        r.path,
        "/v1/auth/oauth/authorize?provider=my%20provider%26x%3D1&redirectURL=https%3A%2F%2Fapp.io%2Fcb%3Fx%3D1%26y%3D%2520%23f"
    );
    assert_eq!((r.body.as_deref(), r.auth), (Some("{}"), Auth::Project));
    let r = start("github", None, stepup()).unwrap();
    assert_eq!(r.path, "/v1/auth/oauth/authorize?provider=github");
    assert_eq!(r.auth, Auth::Refresh);
    // loginOptions are the whole body, not wrapped.
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"stepup":true,"customClaims":{"plan":"pro"}}"#)
    );
    let e = start("", None, Default::default()).unwrap_err();
    assert_eq!(
        e.description,
        "provider must be a non-empty string of at most 256 bytes"
    );
    validation(e, "invalidArgument");
    let bad = LoginOptions {
        template_options: Some(r#"{"a":1}"#.into()),
        ..Default::default()
    };
    validation(start("google", None, bad).unwrap_err(), "invalidOptions");
    let r = call(
        &wire::SSO_START,
        &[t("user@acme.io"), t("http://127.0.0.1:4317/"), lo(mfa())],
    )
    .unwrap();
    assert_eq!(
        r.path,
        "/v1/auth/saml/authorize?tenant=user%40acme.io&redirectURL=http%3A%2F%2F127.0.0.1%3A4317%2F"
    );
    assert_eq!(
        (r.body.as_deref(), r.auth),
        (Some(r#"{"mfa":true}"#), Auth::Refresh)
    );
    let r = call(&wire::OAUTH_EXCHANGE, &[t("c0de")]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/oauth/exchange",
            Some(r#"{"code":"c0de"}"#),
            Auth::Project
        )
    );
    assert_eq!(
        call(&wire::SSO_EXCHANGE, &[t("c")]).unwrap().path,
        "/v1/auth/saml/exchange"
    );
    validation(
        call(&wire::SSO_EXCHANGE, &[t("")]).unwrap_err(),
        "invalidCode",
    );
}

#[test]
fn totp_routes() {
    let r = call(&wire::TOTP_SIGN_UP, &[t("a@b.co"), user()]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/totp/signup", Auth::Project)
    );
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","user":{"name":"Ada","email":"ada@example.com"}}"#)
    );
    let r = call(&wire::TOTP_VERIFY, &[t("a@b.co"), t("123456"), none()]).unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","code":"123456"}"#)
    );
    let r = call(
        &wire::TOTP_VERIFY,
        &[t("a@b.co"), t("123456"), lo(stepup())],
    )
    .unwrap();
    assert_eq!(r.auth, Auth::Refresh);
    assert!(body(&r).get("loginOptions").is_some());
    validation(
        call(&wire::TOTP_VERIFY, &[t("a@b.co"), t(""), none()]).unwrap_err(),
        "invalidCode",
    );
    let r = call(&wire::TOTP_UPDATE, &[t("a@b.co")]).unwrap();
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
    let r = call(
        &wire::PASSWORD_SIGN_UP,
        &[t("a@b.co"), t(secret), user(), none()],
    )
    .unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/password/signup", Auth::Project)
    );
    assert_eq!(s(&body(&r), "password"), Some(secret));
    let r = call(
        &wire::PASSWORD_SIGN_IN,
        &[t("a@b.co"), t(secret), lo(mfa())],
    )
    .unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/password/signin", Auth::Refresh)
    );
    let r = call(&wire::PASSWORD_REPLACE, &[t("a@b.co"), t("old"), t("new")]).unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","oldPassword":"old","newPassword":"new"}"#)
    );
    let r = call(
        &wire::PASSWORD_SEND_RESET,
        &[t("a@b.co"), t("https://app.io/reset")],
    )
    .unwrap();
    assert_eq!(
        r.body.as_deref(),
        Some(r#"{"loginId":"a@b.co","redirectUrl":"https://app.io/reset"}"#)
    );
    assert_eq!(
        call(&wire::PASSWORD_SEND_RESET, &[t("a@b.co"), Arg::Absent])
            .unwrap()
            .body
            .as_deref(),
        Some(r#"{"loginId":"a@b.co"}"#)
    );
    let r = call(&wire::PASSWORD_UPDATE, &[t("a@b.co"), t("N3w!pass")]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.auth),
        ("/v1/auth/password/update", Auth::Refresh)
    );
    let p = call(&wire::PASSWORD_POLICY, &[]).unwrap();
    assert_eq!(
        (p.method, p.path.as_str(), p.body, p.auth),
        (Method::Get, "/v1/auth/password/policy", None, Auth::Project)
    );
    let long = "p".repeat(1025);
    for e in [
        call(&wire::PASSWORD_SIGN_IN, &[t("a@b.co"), t(""), none()]).unwrap_err(),
        call(&wire::PASSWORD_SIGN_IN, &[t("a@b.co"), t(&long), none()]).unwrap_err(),
        call(&wire::PASSWORD_REPLACE, &[t("a@b.co"), t(secret), t("")]).unwrap_err(),
        call(&wire::PASSWORD_UPDATE, &[t("a@b.co"), t("")]).unwrap_err(),
    ] {
        assert!(!e.description.contains(secret));
        validation(e, "invalidPassword");
    }
    validation(
        call(
            &wire::PASSWORD_SIGN_UP,
            &[t(""), t(secret), Arg::Absent, none()],
        )
        .unwrap_err(),
        "emptyLoginId",
    );
}

#[test]
fn tenant_routes() {
    let r = call(&wire::SELECT_TENANT, &[t("T1")]).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/tenant/select",
            Some(r#"{"tenant":"T1"}"#),
            Auth::Refresh
        )
    );
    validation(
        call(&wire::SELECT_TENANT, &[t("")]).unwrap_err(),
        "invalidTenant",
    );
    let tenants = |sel: Option<&[&str]>| {
        let ids = sel.map(|ids| ids.iter().map(|s| s.to_string()).collect());
        call(&wire::MY_TENANTS, &[Arg::Tenants(ids)])
    };
    let r = tenants(None).unwrap();
    assert_eq!(
        (r.path.as_str(), r.body.as_deref(), r.auth),
        (
            "/v1/auth/me/tenants",
            Some(r#"{"dct":true}"#),
            Auth::Refresh
        )
    );
    let r = tenants(Some(&["T1", "T\"2"])).unwrap();
    assert_eq!(r.body.as_deref(), Some(r#"{"ids":["T1","T\"2"]}"#));
    validation(tenants(Some(&["T1", ""])).unwrap_err(), "invalidTenant");
    let h = call(&wire::HISTORY, &[]).unwrap();
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
