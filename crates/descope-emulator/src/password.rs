//! Password (descope-api.md §2.7). Policy: at least 8 characters with a lowercase letter, an
//! uppercase letter and a digit (`nonAlphanumeric` not required). Passwords are stored as
//! `salt:sha256hex(salt ‖ password)`. Weak password → 400 `E062905`; wrong password (or a user
//! without one) → 401 `E062901`; unknown user → 400 `E062108`. Reset sends a magic link
//! (`resetMethod: "magiclink"`) whose `magiclink/verify` answers a session; `update` (pid:rt)
//! then sets the new password.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};
use sha2::{Digest, Sha256};

use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::links::{self, LINK_TTL_SECONDS};
use crate::signin::{self, Op};
use crate::state::{random_id, App, LoginOptions, PendingLink, User};
use crate::users::opt_obj;

pub const MIN_LENGTH: usize = 8;

/// `salt:sha256hex(salt ‖ password)` with a fresh salt.
pub fn hash(password: &str) -> String {
    hash_with(&random_id(16), password)
}

fn hash_with(salt: &str, password: &str) -> String {
    let digest = Sha256::digest(format!("{salt}{password}").as_bytes());
    let hex: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    format!("{salt}:{hex}")
}

fn matches(stored: Option<&str>, password: &str) -> bool {
    stored
        .and_then(|s| s.split_once(':'))
        .is_some_and(|(salt, _)| stored == Some(hash_with(salt, password).as_str()))
}

/// 400 `E062905` unless `p` meets the policy.
fn check_policy(p: &str) -> ApiResult<()> {
    let ok = p.chars().count() >= MIN_LENGTH
        && p.chars().any(|c| c.is_lowercase())
        && p.chars().any(|c| c.is_uppercase())
        && p.chars().any(|c| c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "E062905",
            "Password does not meet the password policy",
        ))
    }
}

fn wrong_password() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "E062901",
        "Invalid login id or password",
    )
}

/// `GET /v1/auth/password/policy`
pub async fn policy() -> Json<Value> {
    Json(json!({
        "minLength": MIN_LENGTH,
        "lowercase": true,
        "uppercase": true,
        "number": true,
        "nonAlphanumeric": false,
    }))
}

/// `POST /v1/auth/password/signup {loginId, password, user?, loginOptions?, providerId?}` →
/// JWTResponse (`amr: ["pwd"]`, firstSeen true)
pub async fn signup(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    let password = required_str(&obj, "password")?;
    let mut data = app.data.lock();
    let p = signin::prepare(&app, &data, &headers, Op::SignUp, &login_id, &obj)?;
    check_policy(&password)?;
    let Some(mut user) = p.signup else {
        return Err(signin::user_exists());
    };
    user.password_hash = Some(hash(&password));
    let grant = signin::grant_for("pwd", p.options);
    Ok(Json(signin::finish(&app, &mut data, &user, &grant, true)))
}

/// The user of `login_id` if `password` is theirs (400 `E062108` unknown, 401 `E062901` wrong).
fn check_password(data: &crate::state::Data, login_id: &str, password: &str) -> ApiResult<User> {
    let user = data
        .user_by_login(login_id)
        .cloned()
        .ok_or_else(signin::user_not_found)?;
    if matches(user.password_hash.as_deref(), password) {
        Ok(user)
    } else {
        Err(wrong_password())
    }
}

/// `POST /v1/auth/password/signin {loginId, password, loginOptions?, providerId?}` → JWTResponse
pub async fn signin(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    let password = required_str(&obj, "password")?;
    let mut data = app.data.lock();
    let user = check_password(&data, &login_id, &password)?;
    let p = signin::prepare(&app, &data, &headers, Op::SignIn, &login_id, &obj)?;
    let grant = signin::grant_for("pwd", p.options);
    Ok(Json(signin::finish(&app, &mut data, &user, &grant, false)))
}

/// `POST /v1/auth/password/replace {loginId, oldPassword, newPassword}` → JWTResponse
pub async fn replace(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    let old = required_str(&obj, "oldPassword")?;
    let new = required_str(&obj, "newPassword")?;
    let mut data = app.data.lock();
    let mut user = check_password(&data, &login_id, &old)?;
    check_policy(&new)?;
    user.password_hash = Some(hash(&new));
    let grant = signin::grant_for("pwd", LoginOptions::default());
    Ok(Json(signin::finish(&app, &mut data, &user, &grant, false)))
}

/// `POST /v1/auth/password/reset {loginId, redirectUrl?, templateOptions?}` →
/// `{resetMethod: "magiclink", maskedEmail}`; the outbox gets a magic link (kind `magiclink`).
pub async fn send_reset(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    opt_obj(&obj, "templateOptions")?;
    let base = signin::first_str(&obj, &["redirectUrl", "redirectURL", "URI"])?
        .unwrap_or_else(|| format!("{}/", signin::base_url(&app, &headers)));
    let mut data = app.data.lock();
    let user = data
        .user_by_login(&login_id)
        .cloned()
        .ok_or_else(signin::user_not_found)?;
    let masked = signin::destination("email", &login_id, Some(&user))?;
    let link = PendingLink {
        login_id,
        method: "email".into(),
        expires_at: app.now() + LINK_TTL_SECONDS,
        signup: None,
        options: LoginOptions::default(),
        update: None,
        pending_ref: None,
    };
    links::send_link(&app, &mut data, &base, "magiclink", link, None);
    let mut answer = json!({"resetMethod": "magiclink"});
    if let (Some(o), Some(m)) = (answer.as_object_mut(), masked.as_object()) {
        o.extend(m.clone());
    }
    Ok(Json(answer))
}

/// `POST /v1/auth/password/update {loginId, newPassword}` (pid:rt) → `{}`
pub async fn update(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let mut data = app.data.lock();
    let (live, _) = signin::session_user(&app, &data, &headers)?;
    let login_id = required_str(&obj, "loginId")?;
    let new = required_str(&obj, "newPassword")?;
    let mut user = signin::own_user_by_login(&data, &live.user_id, &login_id)?;
    check_policy(&new)?;
    user.password_hash = Some(hash(&new));
    data.insert_user(user);
    Ok(Json(json!({})))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_policy() {
        let h = hash("Passw0rd!");
        assert!(!h.contains("Passw0rd"));
        assert!(matches(Some(&h), "Passw0rd!"));
        assert!(!matches(Some(&h), "Passw0rd"));
        assert!(!matches(None, "x"));
        assert!(check_policy("Abcdefg1").is_ok());
        for weak in ["Abcdef1", "abcdefg1", "ABCDEFG1", "Abcdefgh"] {
            assert!(check_policy(weak).is_err(), "{weak}");
        }
    }
}
