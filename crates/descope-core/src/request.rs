//! Requests: method, path, JSON body and which credential (descope-api.md §1.2, §2.0), the rules of
//! their common inputs (login ids, emails, phones, login / update options, the sign-up user) and
//! the session calls (refresh, logout). The sign-in methods' requests are declared in `wire`.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::ascii;

use crate::error::Error;
use crate::json::{self, ObjectWriter, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// Which credential goes into `Authorization`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth {
    /// `Bearer <projectId>`
    Project,
    /// `Bearer <projectId>:<refreshJwt>`; the call needs a session.
    Refresh,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    pub path: String,
    /// JSON text; `None` for GET.
    pub body: Option<String>,
    pub auth: Auth,
}

/// `Bearer <projectId>` or `Bearer <projectId>:<token>` (§1.2). The empty token is cookie mode's
/// refresh credential (`session::COOKIE_CREDENTIAL`): the browser sends the HttpOnly cookie, and
/// the header names the project only, as Descope's web SDK sends it.
pub fn authorization(project_id: &str, token: Option<&str>) -> String {
    let mut s = String::from("Bearer ");
    s.push_str(project_id);
    if let Some(t) = token.filter(|t| !t.is_empty()) {
        s.push(':');
        s.push_str(t);
    }
    s
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryMethod {
    Email,
    Sms,
    Voice,
    Whatsapp,
}

impl DeliveryMethod {
    /// `s` as one of the `allowed` methods, else `invalidMethod` naming them.
    pub fn parse(s: &str, allowed: &[DeliveryMethod]) -> Result<Self, Error> {
        if let Some(m) = allowed.iter().find(|m| m.as_str() == s) {
            return Ok(*m);
        }
        let mut d = String::from("method must be ");
        for (i, m) in allowed.iter().enumerate() {
            if i > 0 {
                d.push_str(if i + 1 == allowed.len() { " or " } else { ", " });
            }
            d.push('"');
            d.push_str(m.as_str());
            d.push('"');
        }
        Err(Error::validation("invalidMethod", &d))
    }
    pub fn as_str(self) -> &'static str {
        match self {
            DeliveryMethod::Email => "email",
            DeliveryMethod::Sms => "sms",
            DeliveryMethod::Voice => "voice",
            DeliveryMethod::Whatsapp => "whatsapp",
        }
    }
}

/// Longest login id we send, in UTF-8 bytes (F38: one unit for every length check).
pub const MAX_LOGIN_ID_BYTES: usize = 1024;
/// Largest `customClaims` / `templateOptions` JSON we send.
pub const MAX_OPTIONS_JSON_BYTES: usize = 16 * 1024;

/// Login ids are sent byte for byte (no trimming or normalisation); only empty and oversized ones
/// are refused.
pub fn validate_login_id(id: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Error::validation(
            "emptyLoginId",
            "loginId must not be empty",
        ));
    }
    if id.len() > MAX_LOGIN_ID_BYTES {
        return Err(Error::validation(
            "invalidLoginId",
            "loginId is longer than 1024 bytes",
        ));
    }
    Ok(())
}

fn email_local_char(b: u8) -> bool {
    // `matches!` rather than `b"…".contains(&b)`, which links a 300-byte memchr-style search.
    b.is_ascii_alphanumeric()
        || matches!(
            b,
            b'.' | b'!'
                | b'#'
                | b'$'
                | b'%'
                | b'&'
                | b'\''
                | b'*'
                | b'+'
                | b'/'
                | b'='
                | b'?'
                | b'^'
                | b'_'
                | b'`'
                | b'{'
                | b'|'
                | b'}'
                | b'~'
                | b'-'
        )
}

/// core-js's email rule: `^[a-zA-Z0-9.!#$%&'*+/=?^_`{|}~-]+@[a-zA-Z0-9-]+(?:\.[a-zA-Z0-9-]+)*$`.
pub fn is_valid_email(s: &str) -> bool {
    let Some((local, domain)) = ascii::split_once(s, b'@') else {
        return false;
    };
    !local.is_empty()
        && local.bytes().all(email_local_char)
        && ascii::split(domain, b'.').all(|label| {
            !label.is_empty()
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// core-js's phone rule: `^\+[1-9]{1}[0-9]{3,14}$`.
pub fn is_valid_phone(s: &str) -> bool {
    let Some(rest) = s.strip_prefix("+") else {
        return false;
    };
    let b = rest.as_bytes();
    (4..=15).contains(&b.len())
        && b.first().is_some_and(|c| (b'1'..=b'9').contains(c))
        && b.iter().all(u8::is_ascii_digit)
}

/// `LoginOptions` as read from JS. `custom_claims` and `template_options` are JSON texts.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct LoginOptions {
    pub stepup: bool,
    pub mfa: bool,
    pub custom_claims: Option<String>,
    pub template_options: Option<String>,
}

impl LoginOptions {
    /// Step-up and MFA sign-ins send the refresh JWT and need a session.
    pub fn needs_session(&self) -> bool {
        self.stepup || self.mfa
    }
}

/// `templateOptions` must be an object of strings; `customClaims` any object.
pub(crate) fn check_options_json(text: &str, strings_only: bool, name: &str) -> Result<(), Error> {
    let bad = || {
        let mut d = String::from(name);
        d.push_str(if strings_only {
            " must be an object of strings"
        } else {
            " must be a JSON object"
        });
        Error::validation("invalidOptions", &d)
    };
    if text.len() > MAX_OPTIONS_JSON_BYTES {
        return Err(bad());
    }
    let v = json::parse(text).map_err(|_| bad())?;
    let obj = v.as_object().ok_or_else(bad)?;
    if strings_only && !obj.iter().all(|(_, v)| matches!(v, Value::String(_))) {
        return Err(bad());
    }
    Ok(())
}

/// Sign-up's `user` object.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SignUpUser {
    pub name: Option<String>,
    pub given_name: Option<String>,
    pub middle_name: Option<String>,
    pub family_name: Option<String>,
    pub email: Option<String>,
    pub phone: Option<String>,
}

/// Update options, spread at the top level of update bodies (§2.0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpdateOptions {
    pub add_to_login_ids: Option<bool>,
    pub on_merge_use_existing: Option<bool>,
    pub template_options: Option<String>,
}

#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum OptsFlavor {
    SignUp,
    SignIn,
}

/// Adds `loginOptions` to `w` unless there is nothing to send.
pub(crate) fn write_login_options(
    w: &mut ObjectWriter,
    o: &LoginOptions,
    flavor: OptsFlavor,
) -> Result<(), Error> {
    let mut lo = ObjectWriter::new();
    write_login_members(&mut lo, o, flavor)?;
    if !lo.is_empty() {
        w.raw("loginOptions", &lo.finish());
    }
    Ok(())
}

/// Writes the members of `o` into `w`: `stepup`/`mfa` when set (sign-ins only), then
/// `customClaims` and `templateOptions` (both checked).
pub(crate) fn write_login_members(
    w: &mut ObjectWriter,
    o: &LoginOptions,
    flavor: OptsFlavor,
) -> Result<(), Error> {
    let signin = flavor == OptsFlavor::SignIn;
    if signin && o.stepup {
        w.bool("stepup", true);
    }
    if signin && o.mfa {
        w.bool("mfa", true);
    }
    if let Some(c) = &o.custom_claims {
        check_options_json(c, false, "customClaims")?;
        w.raw("customClaims", c);
    }
    if let Some(t) = &o.template_options {
        check_options_json(t, true, "templateOptions")?;
        w.raw("templateOptions", t);
    }
    Ok(())
}

pub(crate) fn post(path: String, body: String, auth: Auth) -> Request {
    Request {
        method: Method::Post,
        path,
        body: Some(body),
        auth,
    }
}

/// Checks and writes sign-up's `user` object.
pub(crate) fn write_user(w: &mut ObjectWriter, u: &SignUpUser) -> Result<(), Error> {
    if let Some(e) = u.email.as_deref().filter(|e| !e.is_empty()) {
        if !is_valid_email(e) {
            return Err(Error::validation(
                "invalidEmail",
                "user.email is not a valid email address",
            ));
        }
    }
    if let Some(p) = u.phone.as_deref().filter(|p| !p.is_empty()) {
        if !is_valid_phone(p) {
            return Err(Error::validation(
                "invalidPhone",
                "user.phone must look like +15551234567",
            ));
        }
    }
    let mut uw = ObjectWriter::new();
    uw.opt_string("name", u.name.as_deref())
        .opt_string("givenName", u.given_name.as_deref())
        .opt_string("middleName", u.middle_name.as_deref())
        .opt_string("familyName", u.family_name.as_deref())
        .opt_string("email", u.email.as_deref())
        .opt_string("phone", u.phone.as_deref());
    w.raw("user", &uw.finish());
    Ok(())
}

pub(crate) fn write_update_options(w: &mut ObjectWriter, o: &UpdateOptions) -> Result<(), Error> {
    if let Some(b) = o.add_to_login_ids {
        w.bool("addToLoginIDs", b);
    }
    if let Some(b) = o.on_merge_use_existing {
        w.bool("onMergeUseExisting", b);
    }
    if let Some(t) = &o.template_options {
        check_options_json(t, true, "templateOptions")?;
        w.raw("templateOptions", t);
    }
    Ok(())
}

/// `POST /v1/auth/refresh` with `{}`; `/v1/auth/try-refresh` when `restoring` a session this
/// client does not hold yet (after a reload: its answer without a session is 200, not 401).
pub fn refresh(restoring: bool) -> Request {
    let path = if restoring {
        "/v1/auth/try-refresh"
    } else {
        "/v1/auth/refresh"
    };
    post(path.to_string(), "{}".to_string(), Auth::Refresh)
}

/// `POST /v1/auth/logout` with `{}`.
pub fn logout() -> Request {
    post(
        "/v1/auth/logout".to_string(),
        "{}".to_string(),
        Auth::Refresh,
    )
}

/// `POST /v1/auth/logoutall` with `{}`.
pub fn logout_all() -> Request {
    post(
        "/v1/auth/logoutall".to_string(),
        "{}".to_string(),
        Auth::Refresh,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::ErrorKind;

    #[test]
    fn delivery_methods() {
        use DeliveryMethod::*;
        for (allowed, ok, bad, message) in [
            (
                &[Email, Sms, Voice, Whatsapp][..],
                "voice",
                "fax",
                r#"method must be "email", "sms", "voice" or "whatsapp""#,
            ),
            (
                &[Sms, Voice, Whatsapp],
                "sms",
                "email",
                r#"method must be "sms", "voice" or "whatsapp""#,
            ),
            (
                &[Email, Sms, Whatsapp],
                "whatsapp",
                "voice",
                r#"method must be "email", "sms" or "whatsapp""#,
            ),
            (
                &[Sms, Whatsapp],
                "sms",
                "Sms",
                r#"method must be "sms" or "whatsapp""#,
            ),
        ] {
            assert_eq!(DeliveryMethod::parse(ok, allowed).unwrap().as_str(), ok);
            for bad in [bad, ""] {
                let e = DeliveryMethod::parse(bad, allowed).unwrap_err();
                assert_eq!(
                    (e.kind, e.code.as_str(), e.description.as_str()),
                    (ErrorKind::Validation, "invalidMethod", message)
                );
            }
        }
    }

    #[test]
    fn email_and_phone_rules() {
        assert!(is_valid_email("a@b"));
        assert!(is_valid_email("a.b!#@x-y.z"));
        for bad in ["", "@b", "a@", "a@b.", "a@.b", "a b@c", "a@b@c", "a@b_c"] {
            assert!(!is_valid_email(bad), "{bad}");
        }
        assert!(is_valid_phone("+1555"));
        for bad in [
            "",
            "+",
            "+0555",
            "+123",
            "1555123",
            "+1234567890123456",
            "+1-555-1234",
        ] {
            assert!(!is_valid_phone(bad), "{bad}");
        }
    }

    #[test]
    fn session_routes() {
        assert_eq!(logout().path, "/v1/auth/logout");
        assert_eq!(logout_all().path, "/v1/auth/logoutall");
        assert_eq!(authorization("P1", Some("t")), "Bearer P1:t");
        assert_eq!(authorization("P1", None), "Bearer P1");
        // Cookie mode: the refresh JWT travels as an HttpOnly cookie, the header names the project.
        assert_eq!(authorization("P1", Some("")), "Bearer P1");
        assert_eq!(refresh(false).path, "/v1/auth/refresh");
        let r = refresh(true);
        assert_eq!(
            (r.path.as_str(), r.auth),
            ("/v1/auth/try-refresh", Auth::Refresh)
        );
        assert_eq!(r.body.as_deref(), Some("{}"));
    }
}
