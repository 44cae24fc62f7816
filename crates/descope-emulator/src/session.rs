//! Session endpoints (descope-api.md §2.10): refresh, try-refresh, logout, logout-all, me, JWKS.

use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Value};

use crate::auth;
use crate::body::object;
use crate::errors::{ApiError, ApiResult};
use crate::state::App;
use crate::tokens::{self, Grant};

fn do_refresh(app: &App, headers: &HeaderMap, body: &[u8]) -> ApiResult<Value> {
    // Body is `{}` or `{externalToken}`; web-js adds `dcs`/`dcr` in the query (ignored here).
    object(body)?;
    let token = auth::refresh_token(headers);
    let rotation = app.runtime.lock().rotation;
    let mut data = app.data.lock();
    let live = tokens::check_refresh(app, &data, token.as_deref())?;
    let user = data
        .users
        .get(&live.session.user_id)
        .cloned()
        .ok_or_else(ApiError::invalid_refresh)?;
    let grant = Grant::of(&live.session);
    let st = tokens::session_jwt(app, &user, &grant);
    if live.by_grace {
        // Rotated away moments ago (an answer lost, another tab first): the current pair, the
        // same refresh JWT its first caller got, and no new branch of the family.
        Ok(tokens::jwt_response(
            app,
            &user,
            st,
            Some(live.session.jwt.clone()),
            live.session.expires_at,
            false,
        ))
    } else if rotation {
        let (rt, rexp) = tokens::rotate(app, &mut data, &live.jti, &user, &grant);
        Ok(tokens::jwt_response(app, &user, st, Some(rt), rexp, false))
    } else {
        // Without rotation the refresh JWT is not re-sent; web-js keeps the one it has.
        Ok(tokens::jwt_response(
            app,
            &user,
            st,
            None,
            live.session.expires_at,
            false,
        ))
    }
}

/// `POST /v1/auth/refresh`: 401 `E061301` (bad token) / `E064001` (logged out) on failure.
pub async fn refresh(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    do_refresh(&app, &headers, &body).map(Json)
}

/// `POST /v1/auth/try-refresh`: like refresh, but `200 {}` when there is no valid refresh token.
pub async fn try_refresh(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    match do_refresh(&app, &headers, &body) {
        Ok(v) => Ok(Json(v)),
        Err(e) if e.status == StatusCode::UNAUTHORIZED => Ok(Json(json!({}))),
        Err(e) => Err(e),
    }
}

fn logged_out_body() -> Value {
    json!({
        "sessionJwt": "",
        "refreshJwt": "",
        "cookieDomain": "",
        "cookiePath": "/",
        "cookieMaxAge": 0,
        "cookieExpiration": 0,
    })
}

/// `POST /v1/auth/logout`: revokes the presented refresh JWT.
pub async fn logout(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    object(&body)?;
    let token = auth::refresh_token(&headers);
    let mut data = app.data.lock();
    let live = tokens::check_refresh(&app, &data, token.as_deref())?;
    if let Some(s) = data.sessions.get_mut(&live.jti) {
        s.revoked = true;
    }
    Ok(Json(logged_out_body()))
}

/// `POST /v1/auth/logoutall`: revokes every session of the token's user.
pub async fn logout_all(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    object(&body)?;
    let token = auth::refresh_token(&headers);
    let mut data = app.data.lock();
    let live = tokens::check_refresh(&app, &data, token.as_deref())?;
    for s in data.sessions.values_mut() {
        if s.user_id == live.session.user_id {
            s.revoked = true;
        }
    }
    Ok(Json(logged_out_body()))
}

/// `GET /v1/auth/me`: the bare user object.
pub async fn me(State(app): State<App>, headers: HeaderMap) -> ApiResult<Json<Value>> {
    let token = auth::refresh_token(&headers);
    let data = app.data.lock();
    let live = tokens::check_refresh(&app, &data, token.as_deref())?;
    let user = data
        .users
        .get(&live.session.user_id)
        .ok_or_else(ApiError::invalid_refresh)?;
    Ok(Json(user.to_json()))
}

fn check_project(app: &App, pid: &str) -> ApiResult<()> {
    if pid == app.project_id {
        Ok(())
    } else {
        Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            "E011003",
            "Unknown project id",
        ))
    }
}

/// `GET /v2/keys/{projectId}` → `{keys:[jwk]}`, the signing key first, then keys rotated out but
/// not revoked.
pub async fn keys_v2(State(app): State<App>, Path(pid): Path<String>) -> ApiResult<Json<Value>> {
    check_project(&app, &pid)?;
    Ok(Json(json!({"keys": app.keys.jwks()})))
}

/// `GET /v1/keys/{projectId}` → `[jwk]`
pub async fn keys_v1(State(app): State<App>, Path(pid): Path<String>) -> ApiResult<Json<Value>> {
    check_project(&app, &pid)?;
    Ok(Json(Value::Array(app.keys.jwks())))
}
