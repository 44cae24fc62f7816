//! Password requests (descope-api.md §2.7). A password never appears in an error.

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::json::ObjectWriter;
use crate::links::{finish_sign, SignOp};
use crate::redirect::opt_redirect_url;
use crate::request::{post, validate_login_id, Auth, LoginOptions, Method, Request, SignUpUser};

/// Longest password sent, in UTF-8 bytes (the server enforces its own policy; this only bounds input).
pub const MAX_PASSWORD_BYTES: usize = 1024;

/// `{loginId, <key>: <password>}` with both checked. The description names the field, never the value.
fn with_password(login_id: &str, key: &str, password: &str) -> Result<ObjectWriter, Error> {
    validate_login_id(login_id)?;
    let mut w = ObjectWriter::new();
    w.string("loginId", login_id);
    add_password(&mut w, key, password)?;
    Ok(w)
}

fn add_password(w: &mut ObjectWriter, key: &str, password: &str) -> Result<(), Error> {
    if password.is_empty() || password.len() > MAX_PASSWORD_BYTES {
        let mut d = String::from(key);
        d.push_str(" must be a non-empty string of at most 1024 bytes");
        return Err(Error::validation("invalidPassword", &d));
    }
    w.string(key, password);
    Ok(())
}

/// `POST /v1/auth/password/signup` with `{loginId, password, user?, loginOptions?}` → JWTResponse.
pub fn password_sign_up(
    login_id: &str,
    password: &str,
    user: Option<&SignUpUser>,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    finish_sign(
        "/v1/auth/password/signup".to_string(),
        SignOp::SignUp,
        with_password(login_id, "password", password)?,
        user,
        opts,
    )
}

/// `POST /v1/auth/password/signin` with `{loginId, password, loginOptions?}` → JWTResponse;
/// step-up/MFA send the refresh JWT.
pub fn password_sign_in(
    login_id: &str,
    password: &str,
    opts: &LoginOptions,
) -> Result<Request, Error> {
    finish_sign(
        "/v1/auth/password/signin".to_string(),
        SignOp::SignIn,
        with_password(login_id, "password", password)?,
        None,
        opts,
    )
}

/// `POST /v1/auth/password/replace` with `{loginId, oldPassword, newPassword}` → JWTResponse.
pub fn password_replace(login_id: &str, old: &str, new: &str) -> Result<Request, Error> {
    let mut w = with_password(login_id, "oldPassword", old)?;
    add_password(&mut w, "newPassword", new)?;
    Ok(post(
        "/v1/auth/password/replace".to_string(),
        w.finish(),
        Auth::Project,
    ))
}

/// `POST /v1/auth/password/reset` with `{loginId, redirectUrl?}` → `{resetMethod, maskedEmail?}`.
pub fn password_send_reset(login_id: &str, redirect_url: Option<&str>) -> Result<Request, Error> {
    validate_login_id(login_id)?;
    let mut w = ObjectWriter::new();
    w.string("loginId", login_id)
        .opt_string("redirectUrl", opt_redirect_url(redirect_url)?);
    Ok(post(
        "/v1/auth/password/reset".to_string(),
        w.finish(),
        Auth::Project,
    ))
}

/// `POST /v1/auth/password/update` with `{loginId, newPassword}` (needs a session) → `{}`.
pub fn password_update(login_id: &str, new: &str) -> Result<Request, Error> {
    Ok(post(
        "/v1/auth/password/update".to_string(),
        with_password(login_id, "newPassword", new)?.finish(),
        Auth::Refresh,
    ))
}

/// `GET /v1/auth/password/policy`.
pub fn password_policy() -> Request {
    Request {
        method: Method::Get,
        path: "/v1/auth/password/policy".to_string(),
        body: None,
        auth: Auth::Project,
    }
}
