//! What every sign-in family shares: the operation (sign-up / sign-in / sign-up-or-in) checked
//! against the user's existence, `loginOptions` (step-up, MFA, custom claims) checked against the
//! presented refresh JWT, the sign-up user, where a message goes, and finishing a sign-in with a
//! JWTResponse and a history entry. Also the URL helpers of the link and redirect families.

use axum::http::{HeaderMap, StatusCode};
use serde_json::{json, Map, Value};

use crate::auth;
use crate::errors::{ApiError, ApiResult};
use crate::state::{new_user_id, App, Data, HistoryEntry, LoginOptions, User};
use crate::tokens::{self, Grant};
use crate::users::{is_email, is_phone, mask_email, mask_phone, opt_bool, opt_obj, opt_str};

/// The path segment `signup` | `signin` | `signup-in`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[allow(clippy::enum_variant_names)]
pub enum Op {
    SignUp,
    SignIn,
    SignUpOrIn,
}

impl Op {
    /// Unknown operation → 404 `E011404`.
    pub fn parse(s: &str) -> ApiResult<Op> {
        match s {
            "signup" => Ok(Op::SignUp),
            "signin" => Ok(Op::SignIn),
            "signup-in" => Ok(Op::SignUpOrIn),
            _ => Err(ApiError::not_found("Unknown operation")),
        }
    }
    /// Sign-up of an existing user → `E062107`; sign-in of an unknown one → `E062108`.
    pub fn check(self, exists: bool) -> ApiResult<()> {
        match (self, exists) {
            (Op::SignUp, true) => Err(user_exists()),
            (Op::SignIn, false) => Err(user_not_found()),
            _ => Ok(()),
        }
    }
}

/// 400 `E062107`
pub fn user_exists() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "E062107", "User already exists")
}

/// 400 `E062108`
pub fn user_not_found() -> ApiError {
    ApiError::new(StatusCode::BAD_REQUEST, "E062108", "User not found")
}

/// 401 `E061301`: step-up / MFA without a live session of the same user.
pub fn not_same_user() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "E061301",
        "Step-up and MFA sign-ins need a live session of the same user",
    )
}

/// Validates `loginOptions.customClaims`: ≤ 100 keys, key ≤ 60 chars, JSON value ≤ 500 chars.
pub fn custom_claims(opts: Option<&Map<String, Value>>) -> ApiResult<Option<Map<String, Value>>> {
    let Some(cc) = opts
        .map(|o| opt_obj(o, "customClaims"))
        .transpose()?
        .flatten()
    else {
        return Ok(None);
    };
    if cc.len() > 100 {
        return Err(ApiError::invalid("customClaims may hold at most 100 keys"));
    }
    for (k, v) in cc {
        if k.chars().count() > 60 {
            return Err(ApiError::invalid(
                "customClaims keys may be at most 60 characters",
            ));
        }
        if v.to_string().chars().count() > 500 {
            return Err(ApiError::invalid(
                "customClaims values may be at most 500 characters",
            ));
        }
    }
    Ok(Some(cc.clone()))
}

/// Parses a `loginOptions` object (types only): `stepup`, `mfa`, `customClaims`.
pub fn parse_options(lo: Option<&Map<String, Value>>) -> ApiResult<LoginOptions> {
    Ok(LoginOptions {
        stepup: lo
            .map(|o| opt_bool(o, "stepup"))
            .transpose()?
            .unwrap_or(false),
        mfa: lo.map(|o| opt_bool(o, "mfa")).transpose()?.unwrap_or(false),
        previous_amr: vec![],
        custom_claims: custom_claims(lo)?,
    })
}

/// The user of the live session presented (`Bearer pid:rt` or the `DSR` cookie), with the
/// session's `amr`. 401 `E061301` / `E064001` as refresh.
pub fn session_user(app: &App, data: &Data, headers: &HeaderMap) -> ApiResult<(User, Vec<String>)> {
    let live = tokens::check_refresh(app, data, auth::refresh_token(headers).as_deref())?;
    let user = data
        .users
        .get(&live.session.user_id)
        .cloned()
        .ok_or_else(ApiError::invalid_refresh)?;
    Ok((user, live.session.amr))
}

/// The session's own user, named by one of its login ids. Another user's or an unknown login id is
/// the same 401 `E061301`, so the answer does not tell whether a user exists.
pub fn own_user_by_login(data: &Data, user_id: &str, login_id: &str) -> ApiResult<User> {
    data.user_by_login(login_id)
        .filter(|u| u.user_id == user_id)
        .cloned()
        .ok_or_else(not_session_user)
}

/// 401 `E061301`: the body's loginId is not one of the session user's login ids.
pub fn not_session_user() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "E061301",
        "loginId does not belong to the user of this session",
    )
}

/// Step-up and MFA need the refresh JWT of a live session of `user` (checked at start time; the
/// options ride with the code/link/state). Fills `previous_amr`.
pub fn require_session(
    app: &App,
    data: &Data,
    headers: &HeaderMap,
    opts: &mut LoginOptions,
    user: Option<&User>,
) -> ApiResult<()> {
    if !(opts.stepup || opts.mfa) {
        return Ok(());
    }
    let (live, amr) = session_user(app, data, headers)?;
    match user {
        Some(u) if u.user_id == live.user_id => {
            opts.previous_amr = amr;
            Ok(())
        }
        _ => Err(not_same_user()),
    }
}

/// A sign-in / sign-up request checked against the state: the existing user, or the user to
/// create on completion, and the login options.
pub struct Prepared {
    pub existing: Option<User>,
    pub signup: Option<User>,
    pub options: LoginOptions,
}

impl Prepared {
    /// The user this request is about (existing or to be created).
    pub fn user(&self) -> Option<&User> {
        self.existing.as_ref().or(self.signup.as_ref())
    }
}

/// Reads `user?`, `loginOptions?`, `providerId?` from the body, checks `op` against the user's
/// existence and step-up / MFA against the presented session.
pub fn prepare(
    app: &App,
    data: &Data,
    headers: &HeaderMap,
    op: Op,
    login_id: &str,
    obj: &Map<String, Value>,
) -> ApiResult<Prepared> {
    opt_str(obj, "providerId")?;
    let user_obj = opt_obj(obj, "user")?;
    let mut options = parse_options(opt_obj(obj, "loginOptions")?)?;
    let existing = data.user_by_login(login_id).cloned();
    op.check(existing.is_some())?;
    require_session(app, data, headers, &mut options, existing.as_ref())?;
    let signup = match existing {
        Some(_) => None,
        None => Some(signup_user(login_id, user_obj, app.now())?),
    };
    Ok(Prepared {
        existing,
        signup,
        options,
    })
}

/// A new (not yet stored) user for `login_id` from a sign-up `user` object
/// `{name?, givenName?, middleName?, familyName?, email?, phone?}`.
pub fn signup_user(login_id: &str, u: Option<&Map<String, Value>>, now: i64) -> ApiResult<User> {
    let get = |k: &str| -> ApiResult<String> {
        Ok(u.map(|o| opt_str(o, k))
            .transpose()?
            .flatten()
            .unwrap_or_default())
    };
    let mut email = get("email")?;
    let mut phone = get("phone")?;
    if email.is_empty() && is_email(login_id) {
        email = login_id.to_string();
    }
    if phone.is_empty() && is_phone(login_id) {
        phone = login_id.to_string();
    }
    Ok(User {
        user_id: new_user_id(),
        login_ids: vec![login_id.to_string()],
        name: get("name")?,
        given_name: get("givenName")?,
        middle_name: get("middleName")?,
        family_name: get("familyName")?,
        email,
        phone,
        created_time: now,
        ..User::default()
    })
}

/// Where a message over `method` goes (the login id when it is an address of the right kind,
/// else the user's) and the masked answer `{maskedEmail}` / `{maskedPhone}`.
/// No address → 400 `E011003`.
pub fn destination(method: &str, login_id: &str, user: Option<&User>) -> ApiResult<Value> {
    if method == "email" {
        let to = if is_email(login_id) {
            login_id
        } else {
            user.map_or("", |u| u.email.as_str())
        };
        if to.is_empty() {
            return Err(ApiError::invalid("No email address for this login id"));
        }
        Ok(json!({"maskedEmail": mask_email(to)}))
    } else {
        let to = if is_phone(login_id) {
            login_id
        } else {
            user.map_or("", |u| u.phone.as_str())
        };
        if !is_phone(to) {
            return Err(ApiError::invalid("No phone number for this login id"));
        }
        Ok(json!({"maskedPhone": mask_phone(to)}))
    }
}

/// Marks the address `login_id` as verified over `method` (email or a phone method).
pub fn mark_verified(user: &mut User, method: &str, login_id: &str) {
    if method == "email" {
        if user.email.is_empty() && is_email(login_id) {
            user.email = login_id.to_string();
        }
        user.verified_email = true;
    } else {
        if user.phone.is_empty() && is_phone(login_id) {
            user.phone = login_id.to_string();
        }
        user.verified_phone = true;
    }
}

/// The `amr` / `su` / `nsec` of a completed sign-in over factor `method`: step-up and MFA keep
/// the previous session's factors; MFA adds `"mfa"`.
pub fn grant_for(method: &str, opts: LoginOptions) -> Grant {
    let mut amr = if opts.stepup || opts.mfa {
        opts.previous_amr
    } else {
        vec![]
    };
    for f in [Some(method), opts.mfa.then_some("mfa")]
        .into_iter()
        .flatten()
    {
        if !amr.iter().any(|a| a == f) {
            amr.push(f.to_string());
        }
    }
    Grant {
        amr,
        su: opts.stepup,
        nsec: opts.custom_claims,
        dct: None,
    }
}

tokio::task_local! {
    /// The client IP of the request being handled (set by the server pipeline), for history.
    pub static CLIENT_IP: String;
}

/// Records a `/v1/auth/me/history` entry for `user_id` now, from the current request's IP.
pub fn record_history(app: &App, data: &mut Data, user_id: &str, tenant: Option<&str>) {
    let ip = CLIENT_IP.try_with(Clone::clone).unwrap_or_default();
    data.history.push(HistoryEntry {
        user_id: user_id.to_string(),
        login_time: app.now(),
        ip,
        selected_tenant: tenant.unwrap_or_default().to_string(),
    });
}

/// Completes a sign-in: stores `user`, mints a refresh session and a session JWT, records a
/// history entry, and answers the JWTResponse.
pub fn finish(app: &App, data: &mut Data, user: &User, grant: &Grant, first_seen: bool) -> Value {
    finish_replacing(app, data, user, grant, first_seen, None)
}

/// `finish`, where the new refresh session replaces `rotated_from` (tenant selection under
/// rotation), which is then rotated away like a refreshed token.
pub fn finish_replacing(
    app: &App,
    data: &mut Data,
    user: &User,
    grant: &Grant,
    first_seen: bool,
    rotated_from: Option<&str>,
) -> Value {
    data.insert_user(user.clone());
    let (rt, rexp) = match rotated_from {
        Some(old) => tokens::rotate(app, data, old, user, grant),
        None => tokens::new_refresh(app, data, user, grant),
    };
    let st = tokens::session_jwt(app, user, grant);
    record_history(app, data, &user.user_id, grant.dct.as_deref());
    tokens::jwt_response(app, user, st, Some(rt), rexp, first_seen)
}

/// `http://<Host of the request>` (else the bound address): where links and redirect urls of
/// the emulator point.
pub fn base_url(app: &App, headers: &HeaderMap) -> String {
    let host = headers
        .get("host")
        .and_then(|h| h.to_str().ok())
        .filter(|h| !h.is_empty() && !h.contains(['/', ' ', '"', '<', '>']))
        .map_or_else(|| app.addr.to_string(), str::to_string);
    format!("http://{host}")
}

/// `url` with `key=value` appended (`?` or `&`), keeping any `#fragment` last.
pub fn with_query(url: &str, key: &str, value: &str) -> String {
    let (base, frag) = match url.split_once('#') {
        Some((b, f)) => (b, Some(f)),
        None => (url, None),
    };
    let sep = if base.contains('?') {
        if base.ends_with('?') || base.ends_with('&') {
            ""
        } else {
            "&"
        }
    } else {
        "?"
    };
    let mut out = format!("{base}{sep}{key}={}", percent_encode(value));
    if let Some(f) = frag {
        out.push('#');
        out.push_str(f);
    }
    out
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
pub fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The first present, non-empty string among `names` in a body (accepting Descope's SDKs'
/// spellings, e.g. `URI` / `redirectUrl`).
pub fn first_str(obj: &Map<String, Value>, names: &[&str]) -> ApiResult<Option<String>> {
    for n in names {
        if let Some(v) = opt_str(obj, n)?.filter(|v| !v.is_empty()) {
            return Ok(Some(v));
        }
    }
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_joining() {
        assert_eq!(with_query("http://a/b", "t", "x y"), "http://a/b?t=x%20y");
        assert_eq!(with_query("http://a/b?c=1", "t", "x"), "http://a/b?c=1&t=x");
        assert_eq!(with_query("http://a/b?", "t", "x"), "http://a/b?t=x");
        assert_eq!(with_query("http://a/#/p", "t", "x"), "http://a/?t=x#/p");
    }
}
