//! OTP over email, sms, voice and whatsapp (descope-api.md §2.1).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::auth;
use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::otp_update;
use crate::state::{
    new_user_id, AddressUpdate, App, Data, LoginOptions, OutboxMessage, PendingCode, User,
};
use crate::tokens::{self, Grant};
use crate::users::{is_email, is_phone, mask_email, mask_phone, opt_bool, opt_obj, opt_str};

/// How long a code stays valid, on the emulator clock.
pub const CODE_TTL_SECONDS: i64 = 180;
/// Wrong codes allowed before the code locks (`E061103`).
pub const MAX_FAILURES: u32 = 5;

const METHODS: [&str; 4] = ["email", "sms", "voice", "whatsapp"];

fn check_method(method: &str) -> ApiResult<()> {
    if METHODS.contains(&method) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "Unsupported delivery method: {method}"
        )))
    }
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

/// `POST /v1/auth/otp/{signup|signin|signup-in}/{method}`
pub async fn send(
    State(app): State<App>,
    Path((op, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    if !matches!(op.as_str(), "signup" | "signin" | "signup-in") {
        return Err(ApiError::not_found("Unknown OTP operation"));
    }
    check_method(&method)?;
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    opt_str(&obj, "providerId")?;
    let user_obj = opt_obj(&obj, "user")?;
    let lo = opt_obj(&obj, "loginOptions")?;
    let stepup = lo
        .map(|o| opt_bool(o, "stepup"))
        .transpose()?
        .unwrap_or(false);
    let mfa = lo.map(|o| opt_bool(o, "mfa")).transpose()?.unwrap_or(false);
    let claims = custom_claims(lo)?;

    let now = app.now();
    let mut data = app.data.lock();
    let existing = data.user_by_login(&login_id).cloned();
    match (op.as_str(), &existing) {
        ("signup", Some(_)) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "E062107",
                "User already exists",
            ))
        }
        ("signin", None) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "E062108",
                "User not found",
            ))
        }
        ("signup" | "signin" | "signup-in", _) => {}
        _ => return Err(ApiError::not_found("Unknown OTP operation")),
    }

    // Step-up and MFA need the refresh JWT of a live session of this same user. Answer 401 with
    // E061301 (no/invalid/expired token, or another user's) or E064001 (logged-out token).
    let mut options = LoginOptions {
        stepup,
        mfa,
        previous_amr: vec![],
        custom_claims: claims,
    };
    if stepup || mfa {
        let live = tokens::check_refresh(&app, &data, auth::refresh_token(&headers).as_deref())?;
        match &existing {
            Some(u) if u.user_id == live.session.user_id => options.previous_amr = live.session.amr,
            _ => {
                return Err(ApiError::new(
                    StatusCode::UNAUTHORIZED,
                    "E061301",
                    "Step-up and MFA sign-ins need a live session of the same user",
                ))
            }
        }
    }

    // The sign-up data, used on verify when the user does not exist yet.
    let signup = if existing.is_none() {
        let u = user_obj;
        let get = |k: &str| -> ApiResult<String> {
            Ok(u.map(|o| opt_str(o, k))
                .transpose()?
                .flatten()
                .unwrap_or_default())
        };
        let mut email = get("email")?;
        let mut phone = get("phone")?;
        if email.is_empty() && is_email(&login_id) {
            email = login_id.clone();
        }
        if phone.is_empty() && is_phone(&login_id) {
            phone = login_id.clone();
        }
        Some(User {
            user_id: new_user_id(),
            login_ids: vec![login_id.clone()],
            name: get("name")?,
            given_name: get("givenName")?,
            middle_name: get("middleName")?,
            family_name: get("familyName")?,
            email,
            phone,
            created_time: now,
            ..User::default()
        })
    } else {
        None
    };

    // Where the code goes: the login id when it is an address of the right kind, else the user's.
    let (email, phone) = match (&existing, &signup) {
        (Some(u), _) | (None, Some(u)) => (u.email.clone(), u.phone.clone()),
        (None, None) => (String::new(), String::new()),
    };
    let answer = if method == "email" {
        let to = if is_email(&login_id) {
            login_id.clone()
        } else {
            email
        };
        if to.is_empty() {
            return Err(ApiError::invalid("No email address for this login id"));
        }
        json!({"maskedEmail": mask_email(&to)})
    } else {
        let to = if is_phone(&login_id) {
            login_id.clone()
        } else {
            phone
        };
        if !is_phone(&to) {
            return Err(ApiError::invalid("No phone number for this login id"));
        }
        json!({"maskedPhone": mask_phone(&to)})
    };

    // Distinct from a pending address update of this user on this method (see otp_update).
    let update_code = existing
        .as_ref()
        .and_then(|u| data.updates.get(&(u.user_id.clone(), method.clone())))
        .map(|p| p.code.clone());
    let mut rng = rand::thread_rng();
    let code = loop {
        let c = format!("{:06}", rng.gen_range(0..1_000_000u32));
        if update_code.as_deref() != Some(c.as_str()) {
            break c;
        }
    };
    data.codes.insert(
        (login_id.clone(), method.clone()),
        PendingCode {
            code: code.clone(),
            expires_at: now + CODE_TTL_SECONDS,
            failures: 0,
            signup,
            options,
            update: None,
        },
    );
    let at_ms = app.now_ms();
    data.outbox.push(OutboxMessage {
        login_id,
        channel: method,
        kind: "otp".into(),
        code: Some(code),
        at_ms,
    });
    Ok(Json(answer))
}

/// `POST /v1/auth/otp/verify/{method}`
pub async fn verify(
    State(app): State<App>,
    Path(method): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    check_method(&method)?;
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    let code = required_str(&obj, "code")?;
    let now = app.now();
    let mut data = app.data.lock();
    // Two pending codes may answer here: a sign-in code for (loginId, method) and an address
    // update for (userId, method). Each locks on its own; a wrong code counts against both.
    let key = (login_id.clone(), method.clone());
    let ukey = data
        .user_by_login(&login_id)
        .map(|u| (u.user_id.clone(), method.clone()));
    if data.codes.get(&key).is_some_and(|p| p.expires_at <= now) {
        data.codes.remove(&key);
    }
    if let Some(k) = &ukey {
        if data.updates.get(k).is_some_and(|p| p.expires_at <= now) {
            data.updates.remove(k);
        }
    }
    let wrong = || ApiError::new(StatusCode::BAD_REQUEST, "E061102", "Wrong or expired code");
    let open = |p: &&PendingCode| p.failures < MAX_FAILURES;
    let sign_in = data.codes.get(&key).filter(open).map(|p| p.code == code);
    let update = ukey
        .as_ref()
        .and_then(|k| data.updates.get(k))
        .filter(open)
        .map(|p| p.code == code);
    if sign_in.is_none() && update.is_none() {
        let locked = data.codes.contains_key(&key)
            || ukey.as_ref().is_some_and(|k| data.updates.contains_key(k));
        return Err(if locked {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                "E061103",
                "Too many wrong attempts; send a new code",
            )
        } else {
            wrong()
        });
    }
    let pending = if update == Some(true) {
        ukey.as_ref().and_then(|k| data.updates.remove(k))
    } else if sign_in == Some(true) {
        data.codes.remove(&key)
    } else {
        None
    };
    let Some(pending) = pending else {
        if let Some(p) = data.codes.get_mut(&key) {
            p.failures = (p.failures + 1).min(MAX_FAILURES);
        }
        if let Some(p) = ukey.as_ref().and_then(|k| data.updates.get_mut(k)) {
            p.failures = (p.failures + 1).min(MAX_FAILURES);
        }
        return Err(wrong());
    };

    if let Some(upd) = &pending.update {
        return confirm_update(&app, &mut data, &method, upd, pending.options).map(Json);
    }

    let (mut user, first_seen) = match (data.user_by_login(&login_id).cloned(), pending.signup) {
        (Some(u), _) => (u, false),
        (None, Some(u)) => (u, true),
        (None, None) => {
            return Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                "E062108",
                "User not found",
            ))
        }
    };
    if method == "email" {
        if user.email.is_empty() && is_email(&login_id) {
            user.email = login_id.clone();
        }
        user.verified_email = true;
    } else {
        if user.phone.is_empty() && is_phone(&login_id) {
            user.phone = login_id.clone();
        }
        user.verified_phone = true;
    }
    data.insert_user(user.clone());

    let grant = grant_for(&method, pending.options);
    let (rt, rexp) = tokens::new_refresh(&app, &mut data, &user, &grant);
    let st = tokens::session_jwt(&app, &user, &grant);
    Ok(Json(tokens::jwt_response(
        &app,
        &user,
        st,
        Some(rt),
        rexp,
        first_seen,
    )))
}

/// The `amr` / `su` / `nsec` of a verified code: step-up and MFA keep the previous session's
/// factors; MFA adds `"mfa"`.
fn grant_for(method: &str, opts: LoginOptions) -> Grant {
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
    }
}

/// Applies a confirmed address update and signs the user in again (JWTResponse, firstSeen false).
fn confirm_update(
    app: &App,
    data: &mut Data,
    method: &str,
    upd: &AddressUpdate,
    opts: LoginOptions,
) -> ApiResult<Value> {
    let Some(mut user) = data.users.get(&upd.user_id).cloned() else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "E062108",
            "User not found",
        ));
    };
    // The address may have become another user's login id since the code was sent.
    if upd.add_to_login_ids && otp_update::taken_by_other(data, &upd.address, &user.user_id) {
        return Err(otp_update::address_taken());
    }
    if method == "email" {
        user.email = upd.address.clone();
        user.verified_email = true;
    } else {
        user.phone = upd.address.clone();
        user.verified_phone = true;
    }
    if upd.add_to_login_ids && !user.login_ids.contains(&upd.address) {
        user.login_ids.push(upd.address.clone());
    }
    data.insert_user(user.clone());
    let grant = grant_for(method, opts);
    let (rt, rexp) = tokens::new_refresh(app, data, &user, &grant);
    let st = tokens::session_jwt(app, &user, &grant);
    Ok(tokens::jwt_response(app, &user, st, Some(rt), rexp, false))
}
