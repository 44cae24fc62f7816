//! The control API under `/emulator/` (spec/emulator.md): outbox, users, faults, config, clock,
//! request log, reset. Answers are JSON, camelCase.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::Json;
use serde_json::{json, Map, Value};

use crate::body::object;
use crate::cookies;
use crate::errors::{ApiError, ApiResult};
use crate::faults::Fault;
use crate::keys;
use crate::state::{App, Runtime};
use crate::users::{opt_bool, user_from_control};

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
        "rotationGraceSeconds": rt.rotation_grace,
        "rateLimitPerMinute": rt.rate_limit,
        "offsetSeconds": rt.offset_seconds,
        "tokenResponseMethod": if rt.cookies.enabled { "cookies" } else { "body" },
        "cookieSameSite": rt.cookies.same_site,
        "cookieSecure": rt.cookies.secure,
        "cookieDomain": rt.cookies.domain,
        "refreshCookieName": rt.cookies.refresh_name,
    })
}

/// `GET /emulator/config`
pub async fn get_config(State(app): State<App>) -> Json<Value> {
    let rt = app.runtime.lock().clone();
    Json(config_json(&app, &rt))
}

/// A config key: absent (keep), `null` (back to the command-line value), or a value.
enum Setting<T> {
    Keep,
    Default,
    Set(T),
}

impl<T> Setting<T> {
    /// Checks and converts a value given.
    fn try_map<U>(self, f: impl FnOnce(T) -> ApiResult<U>) -> ApiResult<Setting<U>> {
        Ok(match self {
            Setting::Keep => Setting::Keep,
            Setting::Default => Setting::Default,
            Setting::Set(v) => Setting::Set(f(v)?),
        })
    }

    fn apply(self, field: &mut T, default: T) {
        match self {
            Setting::Keep => {}
            Setting::Default => *field = default,
            Setting::Set(v) => *field = v,
        }
    }
}

fn setting<T>(
    obj: &Map<String, Value>,
    key: &str,
    parse: impl Fn(&Value) -> Option<T>,
    expected: &str,
) -> ApiResult<Setting<T>> {
    match obj.get(key) {
        None => Ok(Setting::Keep),
        Some(Value::Null) => Ok(Setting::Default),
        Some(v) => parse(v)
            .map(Setting::Set)
            .ok_or_else(|| ApiError::invalid(format!("{key} must be {expected}"))),
    }
}

fn count(obj: &Map<String, Value>, key: &str) -> ApiResult<Setting<u64>> {
    setting(obj, key, Value::as_u64, "a non-negative integer")
}

/// `POST /emulator/config` `{sessionTtlSeconds?, refreshTtlSeconds?, rotation?,
/// rotationGraceSeconds?, rateLimitPerMinute?, tokenResponseMethod?: "body" | "cookies",
/// cookieSameSite?: "Strict" | "Lax" | "None", cookieSecure?, cookieDomain?, refreshCookieName?}`;
/// a key set to `null` returns to its command-line value. Everything is checked before anything
/// changes.
pub async fn set_config(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let session = count(&obj, "sessionTtlSeconds")?;
    let refresh = count(&obj, "refreshTtlSeconds")?;
    let grace = count(&obj, "rotationGraceSeconds")?;
    let rate = count(&obj, "rateLimitPerMinute")?;
    let rotation = setting(&obj, "rotation", Value::as_bool, "a boolean")?;
    let method = setting(
        &obj,
        "tokenResponseMethod",
        |v| match v.as_str()? {
            "body" => Some(false),
            "cookies" => Some(true),
            _ => None,
        },
        "\"body\" or \"cookies\"",
    )?;
    let same_site = setting(
        &obj,
        "cookieSameSite",
        |v| cookies::parse_same_site(v.as_str()?),
        "\"Strict\", \"Lax\" or \"None\"",
    )?;
    let secure = setting(&obj, "cookieSecure", Value::as_bool, "a boolean")?;
    let text = |v: &Value| v.as_str().map(str::to_string);
    let domain =
        setting(&obj, "cookieDomain", text, "a string")?.try_map(|d| cookies::check_domain(&d))?;
    let refresh_name = setting(&obj, "refreshCookieName", text, "a string")?.try_map(|n| {
        // An empty name is the default `DSR`.
        if n.is_empty() {
            Ok(None)
        } else {
            cookies::check_cookie_name(&n).map(Some)
        }
    })?;
    if matches!(session, Setting::Set(0)) || matches!(refresh, Setting::Set(0)) {
        return Err(ApiError::invalid("TTLs must be positive"));
    }
    let d = &app.defaults;
    let mut rt = app.runtime.lock();
    session.apply(&mut rt.session_ttl, d.session_ttl);
    refresh.apply(&mut rt.refresh_ttl, d.refresh_ttl);
    grace.apply(&mut rt.rotation_grace, d.rotation_grace);
    rate.apply(&mut rt.rate_limit, d.rate_limit);
    rotation.apply(&mut rt.rotation, d.rotation);
    method.apply(&mut rt.cookies.enabled, d.cookies.enabled);
    same_site.apply(&mut rt.cookies.same_site, d.cookies.same_site);
    secure.apply(&mut rt.cookies.secure, d.cookies.secure);
    domain.apply(&mut rt.cookies.domain, d.cookies.domain.clone());
    refresh_name.apply(&mut rt.cookies.refresh_name, d.cookies.refresh_name.clone());
    let snapshot = rt.clone();
    drop(rt);
    Ok(Json(config_json(&app, &snapshot)))
}

/// `POST /emulator/keys/rotate {revokeOld?}` → `{kid, kids, revoked}`: a new key signs from now
/// on (`kid`); the others stay in the JWKS and keep verifying (`kids`, newest first) unless
/// `revokeOld`, which drops every older key (`revoked`): their tokens no longer verify.
pub async fn rotate_keys(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let revoke_old = opt_bool(&obj, "revokeOld")?;
    let key = tokio::task::spawn_blocking(keys::generate_key)
        .await
        .map_err(|e| e.to_string())
        .and_then(|r| r)
        .map_err(|e| ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "E999999", e))?;
    let revoked = app.keys.rotate(key, revoke_old);
    let kids: Vec<Value> = app
        .keys
        .jwks()
        .into_iter()
        .map(|k| k["kid"].clone())
        .collect();
    Ok(Json(
        json!({"kid": app.keys.kid(), "kids": kids, "revoked": revoked}),
    ))
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
/// log, clock offset and rate-limit counters, and return the config to its command-line values
/// (signing keys, project id and seeded roles/tenants stay).
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
        data.webauthn_starts.clear();
        data.credentials.clear();
        data.faults.clear();
        data.requests.clear();
        data.access_keys.clear();
    }
    *app.runtime.lock() = app.defaults.clone();
    app.limiter.lock().clear();
    Json(json!({}))
}
