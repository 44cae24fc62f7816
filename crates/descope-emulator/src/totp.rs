//! TOTP (descope-api.md §2.6): RFC 6238 with SHA-1, 6 digits, 30 s steps, ±1 step of drift,
//! on the emulator clock. Sign-up creates the user with a new 20-byte seed; `key` is its
//! base32 form (RFC 4648, no padding), `provisioningURL` an `otpauth://totp/…` URI and `image`
//! a base64 PNG QR code of that URI.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use hmac::{Hmac, Mac};
use rand::RngCore;
use serde_json::{json, Value};

use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::qr;
use crate::signin::{self, Op};
use crate::state::{App, Data, User};
use crate::users::opt_obj;

/// Issuer shown by authenticator apps.
const ISSUER: &str = "Descope Emulator";
const STEP: i64 = 30;

const B32: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// RFC 4648 base32 without padding.
pub fn base32(bytes: &[u8]) -> String {
    let mut out = String::new();
    let (mut buf, mut bits) = (0u32, 0u32);
    for b in bytes {
        buf = (buf << 8) | u32::from(*b);
        bits += 8;
        while bits >= 5 {
            bits -= 5;
            out.push(char::from(B32[((buf >> bits) & 31) as usize]));
        }
    }
    if bits > 0 {
        out.push(char::from(B32[((buf << (5 - bits)) & 31) as usize]));
    }
    out
}

/// The 6-digit code of `secret` for unix time `t`.
pub fn code_at(secret: &[u8], t: i64) -> String {
    let counter = (t.div_euclid(STEP) as u64).to_be_bytes();
    let Ok(mut mac) = Hmac::<sha1::Sha1>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(&counter);
    let h = mac.finalize().into_bytes();
    let off = usize::from(h.last().copied().unwrap_or(0) & 0x0f);
    let word = h
        .get(off..off + 4)
        .map(|w| u32::from_be_bytes([w[0] & 0x7f, w[1], w[2], w[3]]))
        .unwrap_or(0);
    format!("{:06}", word % 1_000_000)
}

/// Whether `code` matches `secret` at `now` or one step either side.
fn accepts(secret: &[u8], code: &str, now: i64) -> bool {
    (-1..=1).any(|d| code_at(secret, now + d * STEP) == code)
}

/// A new seed for `user` → `{provisioningURL, image, key}`.
fn new_seed(user: &mut User, login_id: &str) -> ApiResult<Value> {
    let mut secret = vec![0u8; 20];
    rand::thread_rng().fill_bytes(&mut secret);
    let key = base32(&secret);
    let issuer = signin::percent_encode(ISSUER);
    let url = format!(
        "otpauth://totp/{issuer}:{}?secret={key}&issuer={issuer}&algorithm=SHA1&digits=6&period=30",
        signin::percent_encode(login_id)
    );
    let image = qr::png_base64(&url).map_err(ApiError::internal)?;
    user.totp_secret = Some(secret);
    Ok(json!({"provisioningURL": url, "image": image, "key": key}))
}

/// `POST /v1/auth/totp/signup {loginId, user?}` → `{provisioningURL, image, key}`; creates the
/// user (existing → 400 `E062107`).
pub async fn signup(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    let user_obj = opt_obj(&obj, "user")?;
    let mut data = app.data.lock();
    Op::SignUp.check(data.user_by_login(&login_id).is_some())?;
    let mut user = signin::signup_user(&login_id, user_obj, app.now())?;
    let answer = new_seed(&mut user, &login_id)?;
    data.insert_user(user);
    Ok(Json(answer))
}

/// `POST /v1/auth/totp/verify {loginId, code, loginOptions?}` (rt for step-up/MFA) →
/// JWTResponse. Unknown user 400 `E062108`; no seed 400 `E065101`; wrong code 401 `E065102`.
pub async fn verify(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    let code = required_str(&obj, "code")?;
    let mut options = signin::parse_options(opt_obj(&obj, "loginOptions")?)?;
    let mut data = app.data.lock();
    let user = data
        .user_by_login(&login_id)
        .cloned()
        .ok_or_else(signin::user_not_found)?;
    signin::require_session(&app, &data, &headers, &mut options, Some(&user))?;
    let Some(secret) = &user.totp_secret else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "E065101",
            "User has no TOTP seed",
        ));
    };
    if !accepts(secret, &code, app.now()) {
        return Err(ApiError::new(
            StatusCode::UNAUTHORIZED,
            "E065102",
            "Wrong TOTP code",
        ));
    }
    let first_seen = !signed_in_before(&data, &user.user_id);
    let grant = signin::grant_for("totp", options);
    Ok(Json(signin::finish(
        &app, &mut data, &user, &grant, first_seen,
    )))
}

fn signed_in_before(data: &Data, user_id: &str) -> bool {
    data.history.iter().any(|h| h.user_id == user_id)
}

/// `POST /v1/auth/totp/update {loginId}` (pid:rt) → `{provisioningURL, image, key}`: adds or
/// replaces the seed of the session's user (another user's loginId → 401 `E061301`).
pub async fn update(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let mut data = app.data.lock();
    let (live, _) = signin::session_user(&app, &data, &headers)?;
    let login_id = required_str(&obj, "loginId")?;
    let mut user = signin::own_user_by_login(&data, &live.user_id, &login_id)?;
    let answer = new_seed(&mut user, &login_id)?;
    data.insert_user(user);
    Ok(Json(answer))
}

/// `GET /emulator/totp/{loginId}` → `{code}` now; 404 when the user has no seed.
pub async fn current(
    State(app): State<App>,
    Path(login_id): Path<String>,
) -> ApiResult<Json<Value>> {
    let data = app.data.lock();
    let secret = data
        .user_by_login(&login_id)
        .and_then(|u| u.totp_secret.clone())
        .ok_or_else(|| ApiError::not_found("No TOTP seed for this user"))?;
    Ok(Json(json!({"code": code_at(&secret, app.now())})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc6238_sha1_vectors() {
        // RFC 6238 appendix B (8-digit codes; the 6-digit code is the last six digits).
        let secret = b"12345678901234567890";
        for (t, code8) in [
            (59, "94287082"),
            (1_111_111_109, "07081804"),
            (1_234_567_890, "89005924"),
            (2_000_000_000, "69279037"),
        ] {
            assert_eq!(code_at(secret, t), code8[2..], "t={t}");
        }
    }

    #[test]
    fn base32_rfc4648() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI");
        assert_eq!(
            base32(b"12345678901234567890"),
            "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"
        );
    }
}
