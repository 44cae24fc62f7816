//! Passkey (WebAuthn) requests (descope-api.md §2.8, passkeys-cookies.md §1): the start bodies,
//! the start's answer, which finish it leads to, and what a failure of the browser's WebAuthn call
//! means to the caller. The browser calls themselves are the glue's.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Error, ErrorKind};
use crate::json::{self, ObjectWriter};
use crate::request::{
    post, validate_login_id, write_login_options, Auth, LoginOptions, OptsFlavor, Request,
};
use crate::response::invalid_response;
use crate::wire::MAX_OPAQUE_BYTES;

/// The four passkey calls; also the start path's segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ceremony {
    SignUp,
    SignIn,
    SignUpOrIn,
    /// Adds a passkey to the signed-in user.
    Update,
}

impl Ceremony {
    fn segment(self) -> &'static str {
        match self {
            Ceremony::SignUp => "signup",
            Ceremony::SignIn => "signin",
            Ceremony::SignUpOrIn => "signup-in",
            Ceremony::Update => "update",
        }
    }
}

/// A start's answer: `options` is the JSON text `{"publicKey":{…}}` for the browser; `create` says
/// whether the browser creates a passkey (`navigator.credentials.create`) or uses one (`get`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Start {
    pub transaction_id: String,
    pub options: String,
    pub create: bool,
}

/// `origin` is the page's `location.origin`, which the server compares with the one the browser
/// signs into `clientDataJSON`. An opaque origin (`"null"`: a sandboxed frame, `file:`) has no
/// relying party to sign for.
fn check_origin(origin: &str) -> Result<(), Error> {
    if origin.is_empty() || origin == "null" {
        return Err(Error::validation(
            "passkeysUnsupported",
            "passkeys need a page with an http(s) origin",
        ));
    }
    Ok(())
}

/// The start request of `ceremony` (`POST /v1/auth/webauthn/{signup|signin|signup-in|update}/start`):
/// - sign-up: `{user:{loginId, name}, origin, loginOptions?}` (web-js's shape); `name` defaults to
///   the login id (the server requires one);
/// - sign-in: `{loginId, origin, loginOptions?}`; without a login id (`None` or `""`) it sends
///   `loginId: ""`, and the browser then offers any passkey of this site (a discoverable passkey
///   also names its user);
/// - sign-up-or-in: `{loginId, origin, loginOptions?}`;
/// - update: `{loginId, origin}` with the refresh JWT (`opts` is not used).
///
/// Sign-up sends only `customClaims`/`templateOptions` of `opts` (§2.0); step-up and MFA send the
/// refresh JWT, as every other sign-in does.
pub fn start(
    ceremony: Ceremony,
    login_id: Option<&str>,
    name: Option<&str>,
    origin: &str,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    let login_id = match login_id {
        None | Some("") if ceremony == Ceremony::SignIn => "",
        None => {
            return Err(Error::validation(
                "invalidArgument",
                "loginId must be a string",
            ))
        }
        Some(id) => {
            validate_login_id(id)?;
            id
        }
    };
    check_origin(origin)?;
    let mut w = ObjectWriter::new();
    if ceremony == Ceremony::SignUp {
        let mut user = ObjectWriter::new();
        let name = name.filter(|n| !n.is_empty()).unwrap_or(login_id);
        user.string("loginId", login_id).string("name", name);
        w.raw("user", &user.finish());
    } else {
        w.string("loginId", login_id);
    }
    w.string("origin", origin);
    let auth = match ceremony {
        Ceremony::Update => Auth::Refresh,
        Ceremony::SignUp => {
            write_login_options(&mut w, opts, OptsFlavor::SignUp)?;
            Auth::Project
        }
        Ceremony::SignIn | Ceremony::SignUpOrIn => {
            write_login_options(&mut w, opts, OptsFlavor::SignIn)?;
            if opts.needs_session() {
                Auth::Refresh
            } else {
                Auth::Project
            }
        }
    };
    let p = path(ceremony.segment(), "/start");
    Ok(post(p, w.finish(), auth))
}

/// `/v1/auth/webauthn/<segment>/<step>`.
fn path(segment: &str, step: &str) -> String {
    let mut p = String::from("/v1/auth/webauthn/");
    p.push_str(segment);
    p.push_str(step);
    p
}

/// Reads a start's `{transactionId, options, create}`.
pub fn parse_start(status: u16, body: &str) -> Result<Start, Error> {
    let bad = || invalid_response(status);
    let v = json::parse(body).map_err(|_| bad())?;
    let text = |k: &str, max: usize| {
        v.get(k)
            .and_then(json::Value::as_str)
            .filter(|s| !s.is_empty() && s.len() <= max)
            .map(String::from)
            .ok_or_else(bad)
    };
    Ok(Start {
        transaction_id: text("transactionId", MAX_OPAQUE_BYTES)?,
        options: text("options", 64 * 1024)?,
        // Absent means a sign-in (Go's `omitempty` drops `false`).
        create: v
            .get("create")
            .and_then(json::Value::as_bool)
            .unwrap_or(false),
    })
}

/// The finish of `start`: `update/finish` for an update, else `signup/finish` when the browser
/// created a passkey and `signin/finish` when it used one (signUpOrIn learns which from `create`).
/// `response` is the credential as JSON text (`{id, rawId, type, response:{…}}`).
///
/// # Errors
/// `protocol` when an update's start did not ask for a new passkey.
pub fn finish(ceremony: Ceremony, start: &Start, response: &str) -> Result<Request, Error> {
    let segment = match (ceremony, start.create) {
        (Ceremony::Update, true) => "update",
        (Ceremony::Update, false) => {
            return Err(Error::protocol(
                "invalidResponse",
                "the server did not ask for a new passkey",
            ))
        }
        (_, true) => "signup",
        (_, false) => "signin",
    };
    let mut w = ObjectWriter::new();
    w.string("transactionId", &start.transaction_id)
        .string("response", response);
    Ok(post(path(segment, "/finish"), w.finish(), Auth::Project))
}

/// The rejection when the caller's `AbortSignal` fires (before the start request, during it, or
/// while the browser waits for the user).
pub fn aborted() -> Error {
    Error::new(
        ErrorKind::Aborted,
        "aborted",
        "the passkey request was aborted by its AbortSignal",
    )
}

/// Why passkeys cannot run on this page, before any request: `what` completes "this page …".
pub fn unsupported(what: &str) -> Error {
    let mut d = String::from("passkeys are not available: ");
    d.push_str(what);
    Error::validation("passkeysUnsupported", &d)
}

/// What a rejection of `navigator.credentials.create/get` (or of the options' parsing) means,
/// by the exception's `name` (WebAuthn §5.1.3, §5.1.4). The browser's message is not kept: it
/// is not ours to promise stable, and callers branch on `kind`/`code`.
pub fn browser_error(name: &str) -> Error {
    let (kind, code, description) = match name {
        // The user dismissed the prompt, picked nothing, or the request timed out.
        "NotAllowedError" => (
            ErrorKind::Aborted,
            "notAllowed",
            "the passkey prompt was dismissed or timed out",
        ),
        "AbortError" => (
            ErrorKind::Aborted,
            "aborted",
            "the passkey request was aborted",
        ),
        // `excludeCredentials` matched: this authenticator already holds a passkey of the user.
        "InvalidStateError" => (
            ErrorKind::Validation,
            "passkeyExists",
            "this authenticator already holds a passkey for this user",
        ),
        // The page's host is not a valid relying party id (an IP address, or not the rpId's domain).
        "SecurityError" => (
            ErrorKind::Config,
            "invalidDomain",
            "this page's domain cannot use the project's passkeys (IP addresses never can)",
        ),
        "NotSupportedError" | "ConstraintError" => (
            ErrorKind::Validation,
            "passkeyUnsupported",
            "no authenticator here supports the requested passkey options",
        ),
        "TypeError" | "EncodingError" | "SyntaxError" => (
            ErrorKind::Protocol,
            "invalidOptions",
            "the browser could not read the server's passkey options",
        ),
        _ => (
            ErrorKind::Protocol,
            "passkeyFailed",
            "the browser's passkey request failed",
        ),
    };
    Error::new(kind, code, description)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::Value;

    fn body(r: &Request) -> Value {
        json::parse(r.body.as_deref().unwrap()).unwrap()
    }

    fn sign_up_start(
        id: &str,
        name: Option<&str>,
        origin: &str,
        o: &LoginOptions,
    ) -> Result<Request, Error> {
        start(Ceremony::SignUp, Some(id), name, origin, o)
    }
    fn sign_in_start(id: Option<&str>, origin: &str, o: &LoginOptions) -> Result<Request, Error> {
        start(Ceremony::SignIn, id, None, origin, o)
    }
    fn sign_up_or_in_start(id: &str, origin: &str, o: &LoginOptions) -> Result<Request, Error> {
        start(Ceremony::SignUpOrIn, Some(id), None, origin, o)
    }
    fn update_start(id: &str, origin: &str) -> Result<Request, Error> {
        // The options are not used by an update.
        let o = LoginOptions {
            stepup: true,
            ..Default::default()
        };
        start(Ceremony::Update, Some(id), None, origin, &o)
    }

    const ORIGIN: &str = "http://localhost:4317";

    #[test]
    fn sign_up_sends_the_user_and_origin_and_defaults_the_name() {
        let r = sign_up_start("a@b.co", None, ORIGIN, &LoginOptions::default()).unwrap();
        assert_eq!(
            (r.path.as_str(), r.auth),
            ("/v1/auth/webauthn/signup/start", Auth::Project)
        );
        assert_eq!(
            r.body.as_deref(),
            Some(
                r#"{"user":{"loginId":"a@b.co","name":"a@b.co"},"origin":"http://localhost:4317"}"#
            )
        );
        let r = sign_up_start("a@b.co", Some("Ada"), ORIGIN, &LoginOptions::default()).unwrap();
        let b = body(&r);
        let user = b.get("user").unwrap();
        assert_eq!(user.get("name").and_then(Value::as_str), Some("Ada"));
        // An empty name is no name.
        let r = sign_up_start("a@b.co", Some(""), ORIGIN, &LoginOptions::default()).unwrap();
        assert_eq!(
            body(&r)
                .get("user")
                .and_then(|u| u.get("name"))
                .and_then(Value::as_str),
            Some("a@b.co")
        );
        // Sign-up keeps only the claims of LoginOptions and never sends the refresh JWT.
        let o = LoginOptions {
            stepup: true,
            custom_claims: Some(r#"{"k":1}"#.into()),
            ..Default::default()
        };
        let r = sign_up_start("a@b.co", None, ORIGIN, &o).unwrap();
        assert_eq!(r.auth, Auth::Project);
        let lo = body(&r).get("loginOptions").cloned().unwrap();
        assert!(lo.get("stepup").is_none());
        assert!(lo.get("customClaims").is_some());
    }

    #[test]
    fn sign_in_without_a_login_id_is_discoverable() {
        for id in [None, Some("")] {
            let r = sign_in_start(id, ORIGIN, &LoginOptions::default()).unwrap();
            assert_eq!(r.path, "/v1/auth/webauthn/signin/start");
            assert_eq!(
                r.body.as_deref(),
                Some(r#"{"loginId":"","origin":"http://localhost:4317"}"#)
            );
        }
        let r = sign_in_start(Some("x"), ORIGIN, &LoginOptions::default()).unwrap();
        assert_eq!(body(&r).get("loginId").and_then(Value::as_str), Some("x"));
        assert_eq!(r.auth, Auth::Project);
    }

    #[test]
    fn stepup_and_mfa_send_the_refresh_jwt() {
        for o in [
            LoginOptions {
                stepup: true,
                ..Default::default()
            },
            LoginOptions {
                mfa: true,
                ..Default::default()
            },
        ] {
            let r = sign_in_start(Some("x"), ORIGIN, &o).unwrap();
            assert_eq!(r.auth, Auth::Refresh);
            assert!(body(&r).get("loginOptions").is_some());
            assert_eq!(sign_in_start(None, ORIGIN, &o).unwrap().auth, Auth::Refresh);
            let r = sign_up_or_in_start("x", ORIGIN, &o).unwrap();
            assert_eq!(
                (r.path.as_str(), r.auth),
                ("/v1/auth/webauthn/signup-in/start", Auth::Refresh)
            );
        }
        let r = update_start("x", ORIGIN).unwrap();
        assert_eq!(
            (r.path.as_str(), r.auth),
            ("/v1/auth/webauthn/update/start", Auth::Refresh)
        );
        assert_eq!(
            r.body.as_deref(),
            Some(r#"{"loginId":"x","origin":"http://localhost:4317"}"#)
        );
    }

    #[test]
    fn bad_input_is_refused_before_the_network() {
        let o = LoginOptions::default();
        let code = |r: Result<Request, Error>| r.unwrap_err().code.clone();
        assert_eq!(code(sign_up_start("", None, ORIGIN, &o)), "emptyLoginId");
        assert_eq!(code(sign_up_or_in_start("", ORIGIN, &o)), "emptyLoginId");
        assert_eq!(code(update_start("", ORIGIN)), "emptyLoginId");
        for c in [Ceremony::SignUp, Ceremony::SignUpOrIn, Ceremony::Update] {
            assert_eq!(code(start(c, None, None, ORIGIN, &o)), "invalidArgument");
        }
        let long = "a".repeat(1025);
        assert_eq!(
            code(sign_in_start(Some(&long), ORIGIN, &o)),
            "invalidLoginId"
        );
        for origin in ["", "null"] {
            let e = sign_in_start(None, origin, &o).unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_str()),
                (ErrorKind::Validation, "passkeysUnsupported")
            );
        }
        let bad = LoginOptions {
            custom_claims: Some("[1]".into()),
            ..Default::default()
        };
        assert_eq!(code(sign_in_start(None, ORIGIN, &bad)), "invalidOptions");
    }

    #[test]
    fn start_answers_and_which_finish_follows() {
        let s = parse_start(
            200,
            r#"{"transactionId":"T1","options":"{\"publicKey\":{}}","create":true}"#,
        )
        .unwrap();
        assert_eq!(
            s,
            Start {
                transaction_id: "T1".into(),
                options: r#"{"publicKey":{}}"#.into(),
                create: true
            }
        );
        let f = |c, create| {
            let s = Start {
                create,
                ..s.clone()
            };
            finish(c, &s, r#"{"id":"x"}"#).map(|r| r.path)
        };
        assert_eq!(
            f(Ceremony::SignUp, true).unwrap(),
            "/v1/auth/webauthn/signup/finish"
        );
        assert_eq!(
            f(Ceremony::SignIn, false).unwrap(),
            "/v1/auth/webauthn/signin/finish"
        );
        assert_eq!(
            f(Ceremony::SignUpOrIn, true).unwrap(),
            "/v1/auth/webauthn/signup/finish"
        );
        assert_eq!(
            f(Ceremony::SignUpOrIn, false).unwrap(),
            "/v1/auth/webauthn/signin/finish"
        );
        assert_eq!(
            f(Ceremony::Update, true).unwrap(),
            "/v1/auth/webauthn/update/finish"
        );
        assert_eq!(
            f(Ceremony::Update, false).unwrap_err().kind,
            ErrorKind::Protocol
        );
        let r = finish(Ceremony::SignIn, &s, r#"{"id":"x"}"#).unwrap();
        assert_eq!(r.auth, Auth::Project);
        assert_eq!(
            r.body.as_deref(),
            Some(r#"{"transactionId":"T1","response":"{\"id\":\"x\"}"}"#)
        );
        // `create` left out (Go's omitempty) is a sign-in.
        let s = parse_start(200, r#"{"transactionId":"T","options":"{}"}"#).unwrap();
        assert!(!s.create);
        for bad in [
            "",
            "[]",
            r#"{"options":"{}"}"#,
            r#"{"transactionId":"","options":"{}"}"#,
            r#"{"transactionId":"T","options":{}}"#,
            r#"{"transactionId":7,"options":"{}"}"#,
        ] {
            let e = parse_start(200, bad).unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_str()),
                (ErrorKind::Protocol, "invalidResponse")
            );
        }
        // A transaction id longer than any opaque server string is refused; one at the limit is kept.
        let tx = |n: usize| {
            let mut b = String::from(r#"{"options":"{}","transactionId":""#);
            b.push_str(&"T".repeat(n));
            b.push_str("\"}");
            parse_start(200, &b)
        };
        assert!(tx(MAX_OPAQUE_BYTES).is_ok());
        assert_eq!(
            tx(MAX_OPAQUE_BYTES + 1).unwrap_err().kind,
            ErrorKind::Protocol
        );
    }

    #[test]
    fn browser_failures_by_name() {
        let k = |n: &str| {
            let e = browser_error(n);
            (e.kind, e.code.clone())
        };
        assert_eq!(
            k("NotAllowedError"),
            (ErrorKind::Aborted, "notAllowed".into())
        );
        assert_eq!(k("AbortError"), (ErrorKind::Aborted, "aborted".into()));
        assert_eq!(
            k("InvalidStateError"),
            (ErrorKind::Validation, "passkeyExists".into())
        );
        assert_eq!(
            k("SecurityError"),
            (ErrorKind::Config, "invalidDomain".into())
        );
        assert_eq!(k("NotSupportedError").1, "passkeyUnsupported");
        assert_eq!(
            k("TypeError"),
            (ErrorKind::Protocol, "invalidOptions".into())
        );
        assert_eq!(k(""), (ErrorKind::Protocol, "passkeyFailed".into()));
        assert!(!browser_error("NotAllowedError").retryable);
        assert_eq!(aborted().kind.as_str(), "aborted");
        assert_eq!(unsupported("x").kind, ErrorKind::Validation);
    }
}
