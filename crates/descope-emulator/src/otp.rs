//! OTP over email, sms, voice and whatsapp (descope-api.md §2.1).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use rand::Rng;
use serde_json::Value;

use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::otp_update;
use crate::signin::{self, Op, Prepared};
use crate::state::{App, OutboxMessage, PendingCode};

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

/// `POST /v1/auth/otp/{signup|signin|signup-in}/{method}`
pub async fn send(
    State(app): State<App>,
    Path((op, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let op = Op::parse(&op)?;
    check_method(&method)?;
    let obj = object(&body)?;
    let login_id = required_str(&obj, "loginId")?;
    let now = app.now();
    let mut data = app.data.lock();
    let Prepared {
        existing,
        signup,
        options,
    } = signin::prepare(&app, &data, &headers, op, &login_id, &obj)?;
    let answer = signin::destination(&method, &login_id, existing.as_ref().or(signup.as_ref()))?;

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
        ..OutboxMessage::default()
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
        return otp_update::confirm(&app, &mut data, &method, upd, pending.options).map(Json);
    }

    let (mut user, first_seen) = match (data.user_by_login(&login_id).cloned(), pending.signup) {
        (Some(u), _) => (u, false),
        (None, Some(u)) => (u, true),
        (None, None) => return Err(signin::user_not_found()),
    };
    signin::mark_verified(&mut user, &method, &login_id);
    let grant = signin::grant_for(&method, pending.options);
    Ok(Json(signin::finish(
        &app, &mut data, &user, &grant, first_seen,
    )))
}
