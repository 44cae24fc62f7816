//! NOTP over WhatsApp (descope-api.md §2.9). Sign-up / sign-in / sign-up-or-in answer
//! `{pendingRef, redirectUrl, image}`: `redirectUrl` is an emulator url whose GET approves the
//! pending session (what the user's WhatsApp message would do), `image` a QR PNG of it. The
//! outbox gets `{kind: "notp", channel: "whatsapp", pendingRef, link}`. Polling
//! `/v1/auth/notp/pending-session` answers 401 `E066103` until approved, then the JWTResponse once.
//! An empty `loginId` signs up or in the default user `+15550100000`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

use crate::body::object;
use crate::errors::{ApiError, ApiResult};
use crate::links::{self, LINK_TTL_SECONDS};
use crate::qr;
use crate::signin::{self, Op};
use crate::state::{random_id, App, NotpStart, OutboxMessage, PendingSession};
use crate::users::opt_str;

/// Who an NOTP sign-in with an empty `loginId` signs in.
pub const DEFAULT_LOGIN_ID: &str = "+15550100000";

/// `POST /v1/auth/notp/whatsapp/{signup|signin|signup-in}` → `{pendingRef, redirectUrl, image}`
pub async fn start(
    State(app): State<App>,
    Path(op): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let mut op = Op::parse(&op)?;
    let obj = object(&body)?;
    let login_id = match opt_str(&obj, "loginId")?.filter(|l| !l.is_empty()) {
        Some(l) => l,
        None => {
            op = Op::SignUpOrIn;
            DEFAULT_LOGIN_ID.to_string()
        }
    };
    let mut data = app.data.lock();
    let p = signin::prepare(&app, &data, &headers, op, &login_id, &obj)?;
    let pending_ref = random_id(32);
    let token = random_id(40);
    let url = signin::with_query(
        &format!("{}/emulator/notp/approve", signin::base_url(&app, &headers)),
        "t",
        &token,
    );
    let image = qr::png_base64(&url).map_err(ApiError::internal)?;
    data.pending.insert(
        pending_ref.clone(),
        PendingSession {
            expires_at: app.now() + LINK_TTL_SECONDS,
            ready: None,
            notp: Some(NotpStart {
                login_id: login_id.clone(),
                signup: p.signup,
                options: p.options,
            }),
        },
    );
    data.notp_links.insert(token, pending_ref.clone());
    let at_ms = app.now_ms();
    data.outbox.push(OutboxMessage {
        login_id,
        channel: "whatsapp".into(),
        kind: "notp".into(),
        link: Some(url.clone()),
        pending_ref: Some(pending_ref.clone()),
        at_ms,
        ..OutboxMessage::default()
    });
    Ok(Json(
        json!({"pendingRef": pending_ref, "redirectUrl": url, "image": image}),
    ))
}

/// `GET /emulator/notp/approve?t=…`: approves the pending session → `{approved: true}`;
/// an unknown, used or expired link → 400 `E011004`.
pub async fn approve(
    State(app): State<App>,
    Query(q): Query<HashMap<String, String>>,
) -> ApiResult<Json<Value>> {
    let bad = || ApiError::new(StatusCode::BAD_REQUEST, "E011004", "Unknown or used link");
    let token = q.get("t").ok_or_else(|| ApiError::missing("t"))?;
    let now = app.now();
    let mut data = app.data.lock();
    let pending_ref = data.notp_links.remove(token).ok_or_else(bad)?;
    let start = data
        .pending
        .get(&pending_ref)
        .filter(|p| p.expires_at > now && p.ready.is_none())
        .and_then(|p| p.notp.clone())
        .ok_or_else(bad)?;
    let (mut user, first_seen) = match (data.user_by_login(&start.login_id).cloned(), start.signup)
    {
        (Some(u), _) => (u, false),
        (None, Some(u)) => (u, true),
        (None, None) => return Err(signin::user_not_found()),
    };
    signin::mark_verified(&mut user, "whatsapp", &start.login_id);
    let grant = signin::grant_for("whatsapp", start.options);
    let v = signin::finish(&app, &mut data, &user, &grant, first_seen);
    if let Some(p) = data.pending.get_mut(&pending_ref) {
        p.ready = Some(v);
    }
    Ok(Json(json!({"approved": true})))
}

/// `POST /v1/auth/notp/pending-session {pendingRef}` → JWTResponse, or 401 `E066103`
pub async fn poll(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    links::poll(&app, &body, "E066103").map(Json)
}
