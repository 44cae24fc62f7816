//! Session extras (descope-api.md §2.10): tenant selection, my tenants, login history.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

use crate::auth;
use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::signin;
use crate::state::App;
use crate::tokens::{self, Grant};

/// `POST /v1/auth/tenant/select {tenant}` (pid:rt) → JWTResponse whose tokens carry `dct`.
/// A tenant the user does not belong to → 403 `E062110`. The presented refresh JWT stays valid
/// (rotated away, as by a refresh, with `--rotation`).
pub async fn select(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let rotation = app.runtime.lock().rotation;
    let mut data = app.data.lock();
    let live = tokens::check_refresh(&app, &data, auth::refresh_token(&headers).as_deref())?;
    let tenant = required_str(&obj, "tenant")?;
    let user = data
        .users
        .get(&live.session.user_id)
        .cloned()
        .ok_or_else(ApiError::invalid_refresh)?;
    if !user.user_tenants.iter().any(|t| t.tenant_id == tenant) {
        return Err(ApiError::new(
            StatusCode::FORBIDDEN,
            "E062110",
            "User is not a member of this tenant",
        ));
    }
    let grant = Grant {
        dct: Some(tenant),
        ..Grant::of(&live.session)
    };
    let replaced = rotation.then_some(live.jti.as_str());
    Ok(Json(signin::finish_replacing(
        &app, &mut data, &user, &grant, false, replaced,
    )))
}

/// `POST /v1/auth/me/tenants {dct: true} | {ids: [...]}` (pid:rt) →
/// `{tenants:[{id, name, customAttributes}]}`: the selected tenant, the listed ones the user
/// belongs to, or (neither) all of the user's tenants.
pub async fn my_tenants(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let data = app.data.lock();
    let live = tokens::check_refresh(&app, &data, auth::refresh_token(&headers).as_deref())?;
    let user = data
        .users
        .get(&live.session.user_id)
        .ok_or_else(ApiError::invalid_refresh)?;
    let dct = match obj.get("dct") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => return Err(ApiError::invalid("dct must be a boolean")),
    };
    let ids: Vec<String> = match obj.get("ids") {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .map(|v| {
                v.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ApiError::invalid("ids must be strings"))
            })
            .collect::<ApiResult<_>>()?,
        Some(_) => return Err(ApiError::invalid("ids must be an array of strings")),
    };
    let tenants: Vec<Value> = user
        .user_tenants
        .iter()
        .filter(|t| {
            if dct {
                live.session.dct.as_deref() == Some(t.tenant_id.as_str())
            } else {
                ids.is_empty() || ids.contains(&t.tenant_id)
            }
        })
        .map(|t| {
            let known = data.tenants.get(&t.tenant_id);
            json!({
                "id": t.tenant_id,
                "name": known.map_or(t.tenant_name.as_str(), |k| k.name.as_str()),
                "customAttributes": known.map(|k| k.custom_attributes.clone()).unwrap_or_default(),
            })
        })
        .collect();
    Ok(Json(json!({ "tenants": tenants })))
}

/// `GET /v1/auth/me/history` (pid:rt) → bare array of
/// `{userId, loginTime, city, country, ip, selectedTenant}`, newest first.
pub async fn history(State(app): State<App>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let data = app.data.lock();
    let live = tokens::check_refresh(&app, &data, auth::refresh_token(&headers).as_deref())?;
    let out: Vec<Value> = data
        .history
        .iter()
        .rev()
        .filter(|h| h.user_id == live.session.user_id)
        .map(|h| {
            json!({
                "userId": h.user_id,
                "loginTime": h.login_time,
                "city": "",
                "country": "",
                "ip": h.ip,
                "selectedTenant": h.selected_tenant,
            })
        })
        .collect();
    Ok(Json(Value::Array(out)))
}
