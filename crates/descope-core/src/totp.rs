//! TOTP requests (descope-api.md §2.6).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::Error;
use crate::json::ObjectWriter;
use crate::links::{finish_sign, SignOp};
use crate::request::{post, validate_login_id, Auth, LoginOptions, Request, SignUpUser};

fn login(login_id: &str) -> Result<ObjectWriter, Error> {
    validate_login_id(login_id)?;
    let mut w = ObjectWriter::new();
    w.string("loginId", login_id);
    Ok(w)
}

/// `POST /v1/auth/totp/signup` with `{loginId, user?}` → `{provisioningURL, image, key}`.
pub fn totp_sign_up(login_id: &str, user: Option<&SignUpUser>) -> Result<Request, Error> {
    finish_sign(
        "/v1/auth/totp/signup".to_string(),
        SignOp::SignUp,
        login(login_id)?,
        user,
        &LoginOptions::default(),
    )
}

/// `POST /v1/auth/totp/verify` with `{loginId, code, loginOptions?}` → JWTResponse; step-up/MFA
/// send the refresh JWT.
pub fn totp_verify(login_id: &str, code: &str, opts: &LoginOptions) -> Result<Request, Error> {
    if code.is_empty() || code.len() > 64 {
        return Err(Error::validation(
            "invalidCode",
            "code must be a non-empty string",
        ));
    }
    let mut w = login(login_id)?;
    w.string("code", code);
    finish_sign(
        "/v1/auth/totp/verify".to_string(),
        SignOp::SignIn,
        w,
        None,
        opts,
    )
}

/// `POST /v1/auth/totp/update` with `{loginId}` (needs a session) → `{provisioningURL, image, key}`.
pub fn totp_update(login_id: &str) -> Result<Request, Error> {
    Ok(post(
        "/v1/auth/totp/update".to_string(),
        login(login_id)?.finish(),
        Auth::Refresh,
    ))
}
