//! OTP address updates (descope-api.md §2.1): `POST /v1/auth/otp/update/email` and
//! `POST /v1/auth/otp/update/phone/{sms|voice|whatsapp}`. Both need a live session of the user
//! (`Bearer pid:rt` or the `DSR` cookie); the new address is confirmed by a later
//! `POST /v1/auth/otp/verify/{method}` (see `otp::verify`).
//!
//! A pending update is kept in `Data::updates` keyed by (userId, method), apart from sign-in codes
//! (`Data::codes`, keyed by (loginId, method)): sending one never replaces or unlocks the other,
//! and the verify call uses whichever of the two the code matches.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::auth;
use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::otp::CODE_TTL_SECONDS;
use crate::signin;
use crate::state::{AddressUpdate, App, Data, LoginOptions, OutboxMessage, PendingCode, User};
use crate::tokens;
use crate::users::{is_phone, is_strict_email, mask_email, mask_phone, opt_bool, opt_obj, opt_str};

const PHONE_METHODS: [&str; 3] = ["sms", "voice", "whatsapp"];

/// `POST /v1/auth/otp/update/email` → `{maskedEmail}` of the new address.
pub async fn update_email(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    start(&app, &headers, &body, "email").map(Json)
}

/// `POST /v1/auth/otp/update/phone/{method}` → `{maskedPhone}` of the new number.
pub async fn update_phone(
    State(app): State<App>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    if !PHONE_METHODS.contains(&method.as_str()) {
        return Err(ApiError::invalid(format!(
            "Unsupported phone delivery method: {method}"
        )));
    }
    start(&app, &headers, &body, &method).map(Json)
}

/// 400 `E062107`: `addToLoginIDs` with an address that is another user's login id.
pub fn address_taken() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E062107",
        "User already exists with this login id",
    )
}

/// Whether `address` is a login id of a user other than `user_id`.
pub fn taken_by_other(data: &Data, address: &str, user_id: &str) -> bool {
    data.user_by_login(address)
        .is_some_and(|u| u.user_id != user_id)
}

/// A checked address-update request (shared by the OTP and magic-link update routes).
pub struct UpdateStart {
    /// The body's `loginId` (a login id of the session's user).
    pub login_id: String,
    pub user: User,
    pub update: AddressUpdate,
    /// With update option `mfa: true`: the sending session's `amr` (+ `nsec`) are kept.
    pub options: LoginOptions,
}

/// Checks, in order: a live session (401), `loginId`, field types, the address (`email` against
/// the core-js regex, `phone` against `^\+[1-9]{1}[0-9]{3,14}$`), that `loginId` is the
/// session user's, and `addToLoginIDs` against other users' login ids.
pub fn prepare(
    app: &App,
    data: &Data,
    headers: &HeaderMap,
    obj: &Map<String, Value>,
    method: &str,
) -> ApiResult<UpdateStart> {
    // Session first: without a live refresh JWT nothing else is looked at (401).
    let live = tokens::check_refresh(app, data, auth::refresh_token(headers).as_deref())?;

    let login_id = required_str(obj, "loginId")?;
    let email = method == "email";
    let address = required_str(obj, if email { "email" } else { "phone" })?;
    let add_to_login_ids = opt_bool(obj, "addToLoginIDs")?;
    // Accepted and type-checked; the emulator never merges users (see README).
    opt_bool(obj, "onMergeUseExisting")?;
    let mfa = opt_bool(obj, "mfa")?;
    if let Some(t) = opt_obj(obj, "templateOptions")? {
        if t.values().any(|v| !v.is_string()) {
            return Err(ApiError::invalid("templateOptions values must be strings"));
        }
    }
    opt_str(obj, "templateId")?;
    opt_str(obj, "providerId")?;
    if email && !is_strict_email(&address) {
        return Err(ApiError::invalid("email is not a valid email address"));
    }
    if !email && !is_phone(&address) {
        return Err(ApiError::invalid(
            "phone must match ^\\+[1-9]{1}[0-9]{3,14}$",
        ));
    }

    let user = signin::own_user_by_login(data, &live.session.user_id, &login_id)?;
    if add_to_login_ids && taken_by_other(data, &address, &user.user_id) {
        return Err(address_taken());
    }
    let options = LoginOptions {
        stepup: false,
        mfa,
        previous_amr: live.session.amr.clone(),
        custom_claims: if mfa { live.session.nsec.clone() } else { None },
    };
    Ok(UpdateStart {
        login_id,
        update: AddressUpdate {
            user_id: user.user_id.clone(),
            address,
            add_to_login_ids,
        },
        user,
        options,
    })
}

/// The masked answer for the new address of an update over `method`.
pub fn masked(method: &str, address: &str) -> Value {
    if method == "email" {
        json!({"maskedEmail": mask_email(address)})
    } else {
        json!({"maskedPhone": mask_phone(address)})
    }
}

fn start(app: &App, headers: &HeaderMap, body: &[u8], method: &str) -> ApiResult<Value> {
    let obj = object(body)?;
    let now = app.now();
    let mut data = app.data.lock();
    let UpdateStart {
        login_id,
        user,
        update,
        options,
    } = prepare(app, &data, headers, &obj, method)?;

    // A code distinct from any pending sign-in code of this user on this method, so a verify
    // can never be ambiguous.
    let sign_in_codes: Vec<String> = user
        .login_ids
        .iter()
        .filter_map(|l| data.codes.get(&(l.clone(), method.to_string())))
        .map(|p| p.code.clone())
        .collect();
    let mut rng = rand::thread_rng();
    let code = loop {
        let c = format!("{:06}", rng.gen_range(0..1_000_000u32));
        if !sign_in_codes.contains(&c) {
            break c;
        }
    };
    let answer = masked(method, &update.address);
    data.updates.insert(
        (user.user_id.clone(), method.to_string()),
        PendingCode {
            code: code.clone(),
            expires_at: now + CODE_TTL_SECONDS,
            failures: 0,
            signup: None,
            options,
            update: Some(update),
        },
    );
    let at_ms = app.now_ms();
    data.outbox.push(OutboxMessage {
        login_id,
        channel: method.to_string(),
        kind: "otp".into(),
        code: Some(code),
        at_ms,
        ..OutboxMessage::default()
    });
    Ok(answer)
}

/// Applies a confirmed address update and signs the user in again (JWTResponse, firstSeen false).
pub fn confirm(
    app: &App,
    data: &mut Data,
    method: &str,
    upd: &AddressUpdate,
    opts: LoginOptions,
) -> ApiResult<Value> {
    let Some(mut user) = data.users.get(&upd.user_id).cloned() else {
        return Err(signin::user_not_found());
    };
    // The address may have become another user's login id since the code was sent.
    if upd.add_to_login_ids && taken_by_other(data, &upd.address, &user.user_id) {
        return Err(address_taken());
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
    let grant = signin::grant_for(method, opts);
    Ok(signin::finish(app, data, &user, &grant, false))
}
