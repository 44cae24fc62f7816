//! Magic link (email, sms, whatsapp; descope-api.md §2.2) and enchanted link (email, sms; §2.3),
//! plus the pending-session store that enchanted link and NOTP poll.
//!
//! A link is `<URI>?t=<token>` (`URI` or `redirectUrl` in the body, default the emulator's own
//! `http://<host>/`). Tokens are single-use and live `LINK_TTL_SECONDS` on the emulator clock;
//! a bad, used or expired token answers 401 `E061201` (see README).

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::otp_update::{self, UpdateStart};
use crate::signin::{self, Op, Prepared};
use crate::state::{random_id, App, Data, OutboxMessage, PendingLink, PendingSession};

/// How long a link token (and an enchanted-link pending session) stays valid.
pub const LINK_TTL_SECONDS: i64 = 600;

const MAGIC_METHODS: [&str; 3] = ["email", "sms", "whatsapp"];
/// Descope's mobile SDKs send enchanted links by SMS too (not WhatsApp).
const ENCHANTED_METHODS: [&str; 2] = ["email", "sms"];

/// 401 `E061201`: the link token is unknown, already used, expired, or of the other family.
pub fn bad_token() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "E061201",
        "Link token is invalid, already used or expired",
    )
}

/// 400 `E011004`: the pendingRef is unknown, already consumed or expired.
fn bad_pending_ref() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E011004",
        "pendingRef is unknown, already used or expired",
    )
}

fn check_method(method: &str, enchanted: bool) -> ApiResult<()> {
    let allowed: &[&str] = if enchanted {
        &ENCHANTED_METHODS
    } else {
        &MAGIC_METHODS
    };
    if allowed.contains(&method) {
        Ok(())
    } else {
        Err(ApiError::invalid(format!(
            "Unsupported delivery method: {method}"
        )))
    }
}

/// The page the link opens: body `URI` (JS, Go, Python) or `redirectUrl` (Swift, Kotlin, docs),
/// else the emulator's own root.
fn link_base(app: &App, headers: &HeaderMap, obj: &Map<String, Value>) -> ApiResult<String> {
    Ok(
        signin::first_str(obj, &["URI", "redirectUrl", "redirectURL"])?
            .unwrap_or_else(|| format!("{}/", signin::base_url(app, headers))),
    )
}

/// Stores a link token and puts the message in the outbox; returns nothing secret.
pub fn send_link(
    app: &App,
    data: &mut Data,
    base: &str,
    kind: &str,
    link: PendingLink,
    link_id: Option<String>,
) {
    let token = random_id(40);
    let url = signin::with_query(base, "t", &token);
    data.outbox.push(OutboxMessage {
        login_id: link.login_id.clone(),
        channel: link.method.clone(),
        kind: kind.into(),
        token: Some(token.clone()),
        link: Some(url),
        pending_ref: link.pending_ref.clone(),
        link_id,
        at_ms: app.now_ms(),
        ..OutboxMessage::default()
    });
    data.links.insert(token, link);
}

/// A new enchanted-link pending session → (pendingRef, linkId).
fn new_pending(app: &App, data: &mut Data) -> (String, String) {
    let pending_ref = random_id(32);
    data.pending.insert(
        pending_ref.clone(),
        PendingSession {
            expires_at: app.now() + LINK_TTL_SECONDS,
            ready: None,
            notp: None,
        },
    );
    let link_id = rand::thread_rng().gen_range(10..100u32).to_string();
    (pending_ref, link_id)
}

/// Sends `link` (magic, or enchanted with a new pending session whose `pendingRef` and `linkId`
/// are added to `answer`).
fn deliver(
    app: &App,
    data: &mut Data,
    base: &str,
    mut answer: Value,
    mut link: PendingLink,
    enchanted: bool,
) -> Value {
    let mut link_id = None;
    if enchanted {
        let (pending_ref, id) = new_pending(app, data);
        if let Some(o) = answer.as_object_mut() {
            o.insert("pendingRef".into(), json!(pending_ref));
            o.insert("linkId".into(), json!(id));
        }
        link.pending_ref = Some(pending_ref);
        link_id = Some(id);
    }
    let kind = if enchanted {
        "enchantedlink"
    } else {
        "magiclink"
    };
    send_link(app, data, base, kind, link, link_id);
    answer
}

/// Sign-up / sign-in / sign-up-or-in of both link families; `enchanted` adds the pending session.
fn start(
    app: &App,
    headers: &HeaderMap,
    body: &[u8],
    op: &str,
    method: &str,
    enchanted: bool,
) -> ApiResult<Value> {
    let op = Op::parse(op)?;
    check_method(method, enchanted)?;
    let obj = object(body)?;
    let login_id = required_str(&obj, "loginId")?;
    let base = link_base(app, headers, &obj)?;
    let mut data = app.data.lock();
    let p: Prepared = signin::prepare(app, &data, headers, op, &login_id, &obj)?;
    let answer = signin::destination(method, &login_id, p.user())?;
    let link = PendingLink {
        login_id,
        method: method.to_string(),
        expires_at: app.now() + LINK_TTL_SECONDS,
        signup: p.signup,
        options: p.options,
        update: None,
        pending_ref: None,
    };
    Ok(deliver(app, &mut data, &base, answer, link, enchanted))
}

/// `POST /v1/auth/magiclink/{signup|signin|signup-in}/{email|sms|whatsapp}` →
/// `{maskedEmail}` / `{maskedPhone}`
pub async fn magic_send(
    State(app): State<App>,
    Path((op, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    start(&app, &headers, &body, &op, &method, false).map(Json)
}

/// `POST /v1/auth/enchantedlink/{signup|signin|signup-in}/{email|sms}` →
/// `{pendingRef, linkId, maskedEmail}` / `{pendingRef, linkId, maskedPhone}`
pub async fn enchanted_send(
    State(app): State<App>,
    Path((op, method)): Path<(String, String)>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    start(&app, &headers, &body, &op, &method, true).map(Json)
}

/// Uses up a link token of the family (`enchanted` or magic) and completes what it was sent
/// for: a sign-in (creating the user on sign-up) or an address update. → JWTResponse.
fn consume(
    app: &App,
    data: &mut Data,
    token: &str,
    enchanted: bool,
) -> ApiResult<(Value, PendingLink)> {
    let now = app.now();
    match data.links.get(token) {
        None => return Err(bad_token()),
        Some(l) if l.expires_at <= now => {
            data.links.remove(token);
            return Err(bad_token());
        }
        Some(l) if l.pending_ref.is_some() != enchanted => return Err(bad_token()),
        Some(_) => {}
    }
    let link = data.links.remove(token).ok_or_else(bad_token)?;
    if let Some(upd) = &link.update {
        let v = otp_update::confirm(app, data, &link.method, upd, link.options.clone())?;
        return Ok((v, link));
    }
    let (mut user, first_seen) = match (data.user_by_login(&link.login_id).cloned(), &link.signup) {
        (Some(u), _) => (u, false),
        (None, Some(u)) => (u.clone(), true),
        (None, None) => return Err(signin::user_not_found()),
    };
    signin::mark_verified(&mut user, &link.method, &link.login_id);
    let grant = signin::grant_for(&link.method, link.options.clone());
    let v = signin::finish(app, data, &user, &grant, first_seen);
    Ok((v, link))
}

/// `POST /v1/auth/magiclink/verify {token}` → JWTResponse
pub async fn magic_verify(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let token = required_str(&obj, "token")?;
    let mut data = app.data.lock();
    consume(&app, &mut data, &token, false).map(|(v, _)| Json(v))
}

/// `POST /v1/auth/enchantedlink/verify {token}` → `{}`; the pending session gets the tokens.
pub async fn enchanted_verify(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let token = required_str(&obj, "token")?;
    let mut data = app.data.lock();
    let (v, link) = consume(&app, &mut data, &token, true)?;
    if let Some(p) = link.pending_ref.and_then(|r| data.pending.get_mut(&r)) {
        p.ready = Some(v);
    }
    Ok(Json(json!({})))
}

/// Polls a pending session (enchanted link or NOTP): 401 `pending_code` while waiting, the
/// JWTResponse once (the pendingRef is then consumed), 400 `E011004` for an unknown, used or
/// expired pendingRef.
pub fn poll(app: &App, body: &[u8], pending_code: &'static str) -> ApiResult<Value> {
    let obj = object(body)?;
    let pending_ref = required_str(&obj, "pendingRef")?;
    let now = app.now();
    let mut data = app.data.lock();
    let p = data.pending.get(&pending_ref).ok_or_else(bad_pending_ref)?;
    if p.ready.is_some() {
        return data
            .pending
            .remove(&pending_ref)
            .and_then(|p| p.ready)
            .ok_or_else(bad_pending_ref);
    }
    if p.expires_at <= now {
        data.pending.remove(&pending_ref);
        return Err(bad_pending_ref());
    }
    Err(ApiError::new(
        StatusCode::UNAUTHORIZED,
        pending_code,
        "Session is still pending",
    ))
}

/// `POST /v1/auth/enchantedlink/pending-session {pendingRef}` → JWTResponse, or 401 `E062503`
pub async fn enchanted_poll(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    poll(&app, &body, "E062503").map(Json)
}

/// Address update by link (`magiclink/update/*`, `enchantedlink/update/email`).
fn update(
    app: &App,
    headers: &HeaderMap,
    body: &[u8],
    method: &str,
    enchanted: bool,
) -> ApiResult<Value> {
    let obj = object(body)?;
    let base = link_base(app, headers, &obj)?;
    let mut data = app.data.lock();
    let UpdateStart {
        login_id,
        update,
        options,
        ..
    } = otp_update::prepare(app, &data, headers, &obj, method)?;
    let answer = otp_update::masked(method, &update.address);
    let link = PendingLink {
        login_id,
        method: method.to_string(),
        expires_at: app.now() + LINK_TTL_SECONDS,
        signup: None,
        options,
        update: Some(update),
        pending_ref: None,
    };
    Ok(deliver(app, &mut data, &base, answer, link, enchanted))
}

/// `POST /v1/auth/magiclink/update/email` (pid:rt) → `{maskedEmail}`
pub async fn magic_update_email(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    update(&app, &headers, &body, "email", false).map(Json)
}

/// `POST /v1/auth/magiclink/update/phone` (pid:rt) → `{maskedPhone}`: the path without a method
/// suffix, which Descope's Python SDK calls (it reads the answer as an SMS one), is SMS.
pub async fn magic_update_phone_sms(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    update(&app, &headers, &body, "sms", false).map(Json)
}

/// `POST /v1/auth/magiclink/update/phone/{sms|whatsapp}` (pid:rt) → `{maskedPhone}`
pub async fn magic_update_phone(
    State(app): State<App>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    if !matches!(method.as_str(), "sms" | "whatsapp") {
        return Err(ApiError::invalid(format!(
            "Unsupported phone delivery method: {method}"
        )));
    }
    update(&app, &headers, &body, &method, false).map(Json)
}

/// `POST /v1/auth/enchantedlink/update/email` (pid:rt) → `{pendingRef, linkId, maskedEmail}`
pub async fn enchanted_update_email(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    update(&app, &headers, &body, "email", true).map(Json)
}

/// `POST /v1/auth/enchantedlink/update/phone/sms` (pid:rt) → `{pendingRef, linkId, maskedPhone}`
pub async fn enchanted_update_phone(
    State(app): State<App>,
    Path(method): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    if method != "sms" {
        return Err(ApiError::invalid(format!(
            "Unsupported phone delivery method for enchanted links: {method}"
        )));
    }
    update(&app, &headers, &body, &method, true).map(Json)
}
