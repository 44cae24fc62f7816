//! The control API under `/emulator/` (spec/emulator.md): outbox, users, faults, config, clock,
//! request log, reset. Answers are JSON, camelCase.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Value};

use crate::body::object;
use crate::errors::{ApiError, ApiResult};
use crate::faults::Fault;
use crate::state::{App, Runtime};
use crate::users::user_from_control;

/// `GET /emulator/outbox?loginId=X` → `{messages:[…]}` newest last (all when no loginId).
pub async fn outbox(
    State(app): State<App>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let data = app.data.lock();
    let messages: Vec<Value> = data
        .outbox
        .iter()
        // An unencoded `+` in a phone login id arrives as a space; accept both.
        .filter(|m| {
            q.get("loginId")
                .is_none_or(|l| *l == m.login_id || l.replace(' ', "+") == m.login_id)
        })
        .map(|m| {
            let mut v =
                json!({"loginId": m.login_id, "channel": m.channel, "kind": m.kind, "at": m.at_ms});
            if let Some(o) = v.as_object_mut() {
                for (k, f) in [
                    ("code", &m.code),
                    ("token", &m.token),
                    ("link", &m.link),
                    ("pendingRef", &m.pending_ref),
                    ("linkId", &m.link_id),
                ] {
                    if let Some(x) = f {
                        o.insert(k.into(), json!(x));
                    }
                }
            }
            v
        })
        .collect();
    Json(json!({ "messages": messages }))
}

/// `POST /emulator/users`: create a verified user; 409 `E062107` if the login id exists.
pub async fn create_user(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let now = app.now();
    let mut data = app.data.lock();
    let user = user_from_control(&data, &Value::Object(obj), now)?;
    if user
        .login_ids
        .iter()
        .any(|l| data.login_index.contains_key(l))
    {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "E062107",
            "User already exists",
        ));
    }
    let out = user.to_json();
    for t in &user.user_tenants {
        data.ensure_tenant(&t.tenant_id, &t.tenant_name);
    }
    data.insert_user(user);
    Ok(Json(out))
}

/// `POST /emulator/faults`: queue a fault → `{queued: <faults pending>}`.
pub async fn add_fault(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let fault = Fault::from_json(&Value::Object(obj))?;
    let mut data = app.data.lock();
    if fault.times > 0 {
        data.faults.push(fault);
    }
    Ok(Json(json!({"queued": data.faults.len()})))
}

fn config_json(app: &App, rt: &Runtime) -> Value {
    json!({
        "projectId": app.project_id,
        "sessionTtlSeconds": rt.session_ttl,
        "refreshTtlSeconds": rt.refresh_ttl,
        "rotation": rt.rotation,
        "rateLimitPerMinute": rt.rate_limit,
        "offsetSeconds": rt.offset_seconds,
    })
}

/// `GET /emulator/config`
pub async fn get_config(State(app): State<App>) -> Json<Value> {
    let rt = app.runtime.lock().clone();
    Json(config_json(&app, &rt))
}

/// `POST /emulator/config` `{sessionTtlSeconds?, refreshTtlSeconds?, rotation?, rateLimitPerMinute?}`
pub async fn set_config(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let num = |k: &str| -> ApiResult<Option<u64>> {
        match obj.get(k) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_u64()
                .map(Some)
                .ok_or_else(|| ApiError::invalid(format!("{k} must be a non-negative integer"))),
        }
    };
    let session = num("sessionTtlSeconds")?;
    let refresh = num("refreshTtlSeconds")?;
    let rate = num("rateLimitPerMinute")?;
    let rotation = match obj.get("rotation") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => return Err(ApiError::invalid("rotation must be a boolean")),
    };
    if session == Some(0) || refresh == Some(0) {
        return Err(ApiError::invalid("TTLs must be positive"));
    }
    let mut rt = app.runtime.lock();
    if let Some(v) = session {
        rt.session_ttl = v;
    }
    if let Some(v) = refresh {
        rt.refresh_ttl = v;
    }
    if let Some(v) = rate {
        rt.rate_limit = v;
    }
    if let Some(v) = rotation {
        rt.rotation = v;
    }
    let snapshot = rt.clone();
    drop(rt);
    Ok(Json(config_json(&app, &snapshot)))
}

/// `POST /emulator/clock` `{offsetSeconds}` → `{offsetSeconds, now}`
pub async fn set_clock(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let off = match obj.get("offsetSeconds") {
        None | Some(Value::Null) => return Err(ApiError::missing("offsetSeconds")),
        Some(v) => v
            .as_i64()
            .ok_or_else(|| ApiError::invalid("offsetSeconds must be an integer"))?,
    };
    app.runtime.lock().offset_seconds = off;
    Ok(Json(json!({"offsetSeconds": off, "now": app.now()})))
}

/// `GET /emulator/requests`: the request log, oldest first.
pub async fn requests(State(app): State<App>) -> Json<Value> {
    Json(Value::Array(app.data.lock().requests.clone()))
}

/// `POST /emulator/reset`: forget users, access keys, sessions, codes, outbox, faults, request
/// log, clock offset and rate-limit counters (keys, project id, seeded roles/tenants and TTLs stay).
pub async fn reset(State(app): State<App>) -> Json<Value> {
    {
        let mut data = app.data.lock();
        data.users.clear();
        data.login_index.clear();
        data.codes.clear();
        data.updates.clear();
        data.sessions.clear();
        data.outbox.clear();
        data.links.clear();
        data.pending.clear();
        data.notp_links.clear();
        data.fed_states.clear();
        data.fed_codes.clear();
        data.history.clear();
        data.faults.clear();
        data.requests.clear();
        data.access_keys.clear();
    }
    app.runtime.lock().offset_seconds = 0;
    app.limiter.lock().clear();
    Json(json!({}))
}
