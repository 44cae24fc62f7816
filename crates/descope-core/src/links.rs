//! Magic link (descope-api.md §2.2), enchanted link (§2.3) and NOTP (§2.9) requests, and the body
//! shape every sign-up / sign-in / sign-up-or-in of these families shares.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::json::ObjectWriter;
use crate::redirect::opt_redirect_url;
use crate::request::{
    is_valid_email, is_valid_phone, post, validate_login_id, write_login_options,
    write_update_options, write_user, Auth, DeliveryMethod, LoginOptions, OptsFlavor, Request,
    SignUpUser, UpdateOptions,
};

/// Which of the three sending operations; also the path segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SignOp {
    SignUp,
    SignIn,
    SignUpOrIn,
}

impl SignOp {
    pub fn segment(self) -> &'static str {
        match self {
            SignOp::SignUp => "signup",
            SignOp::SignIn => "signin",
            SignOp::SignUpOrIn => "signup-in",
        }
    }
}

/// Concatenates path pieces (no separators added).
pub(crate) fn path(parts: &[&str]) -> String {
    let mut p = String::new();
    for s in parts {
        p.push_str(s);
    }
    p
}

/// Adds `user` (sign-up only) and `loginOptions` to `w` and picks the credential: sign-in and
/// sign-up-or-in with `stepup`/`mfa` send the refresh JWT (as OTP does); sign-up sends only
/// `customClaims`/`templateOptions` (§2.0).
pub(crate) fn finish_sign(
    path: String,
    op: SignOp,
    mut w: ObjectWriter,
    user: Option<&SignUpUser>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    let flavor = if op == SignOp::SignUp {
        if let Some(u) = user {
            write_user(&mut w, u)?;
        }
        OptsFlavor::SignUp
    } else {
        OptsFlavor::SignIn
    };
    write_login_options(&mut w, opts, flavor)?;
    let auth = if flavor == OptsFlavor::SignIn && opts.needs_session() {
        Auth::Refresh
    } else {
        Auth::Project
    };
    Ok(post(path, w.finish(), auth))
}

/// A writer holding `loginId` (checked) and `URI` (checked, F39) when given.
fn login_and_uri(login_id: &str, uri: Option<&str>) -> Result<ObjectWriter, Error> {
    validate_login_id(login_id)?;
    let mut w = ObjectWriter::new();
    w.string("loginId", login_id);
    w.opt_string("URI", opt_redirect_url(uri)?);
    Ok(w)
}

/// Longest link token, pending reference or exchange code accepted.
pub const MAX_OPAQUE_BYTES: usize = 4096;

/// A one-member body `{key: value}` for an opaque server-issued string (token, code, pendingRef).
pub(crate) fn opaque(path: &str, key: &str, value: &str, code: &str) -> Result<Request, Error> {
    if value.is_empty() || value.len() > MAX_OPAQUE_BYTES {
        let mut d = String::from(key);
        d.push_str(" must be a non-empty string");
        return Err(Error::validation(code, &d));
    }
    let mut w = ObjectWriter::new();
    w.string(key, value);
    Ok(post(path.to_string(), w.finish(), Auth::Project))
}

impl DeliveryMethod {
    /// Magic-link methods: `email`, `sms`, `whatsapp`.
    pub fn parse_link(s: &str) -> Result<Self, Error> {
        match Self::parse(s) {
            Ok(m) if m != DeliveryMethod::Voice => Ok(m),
            _ => Err(Error::validation(
                "invalidMethod",
                "method must be \"email\", \"sms\" or \"whatsapp\"",
            )),
        }
    }
    /// Magic-link phone update methods: `sms`, `whatsapp`.
    pub fn parse_link_phone(s: &str) -> Result<Self, Error> {
        match Self::parse(s) {
            Ok(m @ (DeliveryMethod::Sms | DeliveryMethod::Whatsapp)) => Ok(m),
            _ => Err(Error::validation(
                "invalidMethod",
                "method must be \"sms\" or \"whatsapp\"",
            )),
        }
    }
}

/// `POST /v1/auth/magiclink/{signup|signin|signup-in}/{M}` with `loginId, URI?, user?, loginOptions?`.
pub fn magic_link_sign(
    op: SignOp,
    method: DeliveryMethod,
    login_id: &str,
    uri: Option<&str>,
    user: Option<&SignUpUser>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    let m = DeliveryMethod::parse_link(method.as_str())?;
    let w = login_and_uri(login_id, uri)?;
    let p = path(&["/v1/auth/magiclink/", op.segment(), "/", m.as_str()]);
    finish_sign(p, op, w, user, opts)
}

/// `POST /v1/auth/magiclink/verify` with `{token}`.
pub fn magic_link_verify(token: &str) -> Result<Request, Error> {
    opaque("/v1/auth/magiclink/verify", "token", token, "invalidToken")
}

/// `POST /v1/auth/magiclink/update/email` (needs a session).
pub fn magic_link_update_email(
    login_id: &str,
    email: &str,
    uri: Option<&str>,
    opts: &UpdateOptions,
) -> Result<Request, Error> {
    link_update_email(false, login_id, email, uri, opts)
}

/// `POST /v1/auth/enchantedlink/update/email` (needs a session); answers a `PendingLink`.
pub fn enchanted_link_update_email(
    login_id: &str,
    email: &str,
    uri: Option<&str>,
    opts: &UpdateOptions,
) -> Result<Request, Error> {
    link_update_email(true, login_id, email, uri, opts)
}

/// `POST /v1/auth/{magiclink|enchantedlink}/update/email`: the body `{loginId, URI?, email,
/// …updateOptions}` both link families send, with the refresh JWT.
pub fn link_update_email(
    enchanted: bool,
    login_id: &str,
    email: &str,
    uri: Option<&str>,
    opts: &UpdateOptions,
) -> Result<Request, Error> {
    if !is_valid_email(email) {
        return Err(Error::validation(
            "invalidEmail",
            "email is not a valid email address",
        ));
    }
    let mut w = login_and_uri(login_id, uri)?;
    w.string("email", email);
    write_update_options(&mut w, opts)?;
    let p = if enchanted {
        "/v1/auth/enchantedlink/update/email"
    } else {
        "/v1/auth/magiclink/update/email"
    };
    Ok(post(p.to_string(), w.finish(), Auth::Refresh))
}

/// `POST /v1/auth/magiclink/update/phone/{sms|whatsapp}` (needs a session).
pub fn magic_link_update_phone(
    method: DeliveryMethod,
    login_id: &str,
    phone: &str,
    uri: Option<&str>,
    opts: &UpdateOptions,
) -> Result<Request, Error> {
    let m = DeliveryMethod::parse_link_phone(method.as_str())?;
    if !is_valid_phone(phone) {
        return Err(Error::validation(
            "invalidPhone",
            "phone must look like +15551234567",
        ));
    }
    let mut w = login_and_uri(login_id, uri)?;
    w.string("phone", phone);
    write_update_options(&mut w, opts)?;
    Ok(post(
        path(&["/v1/auth/magiclink/update/phone/", m.as_str()]),
        w.finish(),
        Auth::Refresh,
    ))
}

/// `POST /v1/auth/enchantedlink/{signup|signin|signup-in}/email`.
pub fn enchanted_link_sign(
    op: SignOp,
    login_id: &str,
    uri: Option<&str>,
    user: Option<&SignUpUser>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    let w = login_and_uri(login_id, uri)?;
    let p = path(&["/v1/auth/enchantedlink/", op.segment(), "/email"]);
    finish_sign(p, op, w, user, opts)
}

/// `POST /v1/auth/enchantedlink/verify` with `{token}` (the page the link opens).
pub fn enchanted_link_verify(token: &str) -> Result<Request, Error> {
    opaque(
        "/v1/auth/enchantedlink/verify",
        "token",
        token,
        "invalidToken",
    )
}

/// `POST /v1/auth/enchantedlink/pending-session` with `{pendingRef}`.
pub fn enchanted_link_pending(pending_ref: &str) -> Result<Request, Error> {
    opaque(
        "/v1/auth/enchantedlink/pending-session",
        "pendingRef",
        pending_ref,
        "invalidPendingRef",
    )
}

/// `POST /v1/auth/notp/whatsapp/{signup|signin|signup-in}`. `loginId` may be left out (the phone
/// then comes from the WhatsApp message); an empty one counts as left out.
pub fn notp_sign(
    op: SignOp,
    login_id: Option<&str>,
    user: Option<&SignUpUser>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    let w = match login_id.filter(|l| !l.is_empty()) {
        Some(id) => login_and_uri(id, None)?,
        None => ObjectWriter::new(),
    };
    let p = path(&["/v1/auth/notp/whatsapp/", op.segment()]);
    finish_sign(p, op, w, user, opts)
}

/// `POST /v1/auth/notp/pending-session` with `{pendingRef}`.
pub fn notp_pending(pending_ref: &str) -> Result<Request, Error> {
    opaque(
        "/v1/auth/notp/pending-session",
        "pendingRef",
        pending_ref,
        "invalidPendingRef",
    )
}
