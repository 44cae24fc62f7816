//! OAuth (descope-api.md §2.4) and SSO (§2.5, both `saml/*` and `sso/*`): `authorize` answers
//! `{url}` on the emulator itself; a GET of that url plays the provider and 302-redirects to
//! `<redirectURL>?code=<code>`; `exchange {code}` signs in. States live 10 min, codes 5 min,
//! both single-use; a bad code answers 401 `E061401`, a bad state 400 `E011004`.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};

use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::signin::{self, Op};
use crate::state::{random_id, App, Data, FedCode, FedStart, Tenant, UserTenant};

const STATE_TTL_SECONDS: i64 = 600;
const CODE_TTL_SECONDS: i64 = 300;

type Q = Query<HashMap<String, String>>;

fn query(q: &HashMap<String, String>, names: &[&str]) -> Option<String> {
    names
        .iter()
        .find_map(|n| q.get(*n).filter(|v| !v.is_empty()).cloned())
}

/// Resolves SSO's `tenant` (a tenant id, or an email whose domain names one), creating the
/// tenant on first use (id = name = the domain for an email). → (tenant id, default login id).
fn resolve_tenant(data: &mut Data, tenant: &str) -> (String, String) {
    if let Some((_, domain)) = tenant.split_once('@') {
        let domain = domain.to_ascii_lowercase();
        let id = data
            .tenants
            .iter()
            .find(|(id, t)| **id == domain || t.domains.contains(&domain))
            .map(|(id, _)| id.clone())
            .unwrap_or_else(|| {
                data.tenants.insert(
                    domain.clone(),
                    Tenant {
                        name: domain.clone(),
                        domains: vec![domain.clone()],
                        ..Tenant::default()
                    },
                );
                domain.clone()
            });
        return (id, tenant.to_string());
    }
    data.ensure_tenant(tenant, tenant);
    let domain = data
        .tenants
        .get(tenant)
        .and_then(|t| t.domains.first().cloned())
        .unwrap_or_else(|| format!("{}.example.com", tenant.to_ascii_lowercase()));
    (tenant.to_string(), format!("sso-user@{domain}"))
}

/// The shared `authorize`: checks the mode against the user, step-up / MFA against the session,
/// stores the state → `{url}`.
fn authorize(
    app: &App,
    headers: &HeaderMap,
    q: &HashMap<String, String>,
    body: &[u8],
    family: &'static str,
    op: Op,
) -> ApiResult<Value> {
    let lo = object(body)?;
    let mut options = signin::parse_options(Some(&lo))?;
    let redirect = query(q, &["redirectURL", "redirectUrl"])
        .unwrap_or_else(|| format!("{}/", signin::base_url(app, headers)));
    let mut data = app.data.lock();
    let (provider, default_login) = if family == "oauth" {
        let p = query(q, &["provider"]).ok_or_else(|| ApiError::missing("provider"))?;
        let login = format!("{p}-user@example.com");
        (p, login)
    } else {
        let t = query(q, &["tenant"]).ok_or_else(|| ApiError::missing("tenant"))?;
        resolve_tenant(&mut data, &t)
    };
    // Who the provider signs in: loginHint, else (step-up / MFA) the session's user, else the
    // default user of the provider / tenant.
    let login_id = match query(q, &["loginHint"]) {
        Some(h) => h,
        None if options.stepup || options.mfa => signin::session_user(app, &data, headers)?
            .0
            .login_ids
            .first()
            .cloned()
            .unwrap_or(default_login),
        None => default_login,
    };
    let existing = data.user_by_login(&login_id).cloned();
    op.check(existing.is_some())?;
    signin::require_session(app, &data, headers, &mut options, existing.as_ref())?;
    let state = random_id(32);
    data.fed_states.insert(
        state.clone(),
        FedStart {
            family,
            provider,
            login_id,
            redirect,
            options,
            expires_at: app.now() + STATE_TTL_SECONDS,
        },
    );
    let url = signin::with_query(
        &format!(
            "{}/emulator/{family}/authorize",
            signin::base_url(app, headers)
        ),
        "state",
        &state,
    );
    Ok(json!({ "url": url }))
}

/// `POST /v1/auth/oauth/authorize?provider&redirectURL|redirectUrl&loginHint` body loginOptions
pub async fn oauth_authorize(
    State(app): State<App>,
    Query(q): Q,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    authorize(&app, &headers, &q, &body, "oauth", Op::SignUpOrIn).map(Json)
}

/// `POST /v1/auth/oauth/authorize/{signup|signin}`: the user must not / must exist already.
pub async fn oauth_authorize_mode(
    State(app): State<App>,
    Path(mode): Path<String>,
    Query(q): Q,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let op = match mode.as_str() {
        "signup" => Op::SignUp,
        "signin" => Op::SignIn,
        _ => return Err(ApiError::not_found("Unknown OAuth operation")),
    };
    authorize(&app, &headers, &q, &body, "oauth", op).map(Json)
}

/// `POST /v1/auth/{saml|sso}/authorize?tenant&redirectURL|redirectUrl&loginHint…`
pub async fn sso_authorize(
    State(app): State<App>,
    Query(q): Q,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    authorize(&app, &headers, &q, &body, "sso", Op::SignUpOrIn).map(Json)
}

/// `GET /emulator/{oauth|sso}/authorize?state=…`: the provider signs the user in (created on
/// first use) and redirects (302) to `<redirectURL>?code=<code>`.
pub async fn provider_page(
    State(app): State<App>,
    Path(family): Path<String>,
    Query(q): Q,
) -> Response {
    match provider_redirect(&app, &family, &q) {
        Ok(location) => (
            StatusCode::FOUND,
            [(header::LOCATION, location)],
            Json(json!({})),
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}

fn provider_redirect(app: &App, family: &str, q: &HashMap<String, String>) -> ApiResult<String> {
    let bad_state = || ApiError::new(StatusCode::BAD_REQUEST, "E011004", "Unknown or used state");
    let state = query(q, &["state"]).ok_or_else(|| ApiError::missing("state"))?;
    let now = app.now();
    let mut data = app.data.lock();
    let start = data
        .fed_states
        .remove(&state)
        .filter(|s| s.family == family && s.expires_at > now)
        .ok_or_else(bad_state)?;
    let (mut user, first_seen) = match data.user_by_login(&start.login_id).cloned() {
        Some(u) => (u, false),
        None => (signin::signup_user(&start.login_id, None, now)?, true),
    };
    if !user.email.is_empty() {
        user.verified_email = true;
    }
    let amr = if family == "oauth" {
        user.oauth.insert(start.provider.clone(), true);
        "oauth"
    } else {
        user.saml = true;
        if !user
            .user_tenants
            .iter()
            .any(|t| t.tenant_id == start.provider)
        {
            let name = data
                .tenants
                .get(&start.provider)
                .map(|t| t.name.clone())
                .unwrap_or_default();
            user.user_tenants.push(UserTenant {
                tenant_id: start.provider.clone(),
                tenant_name: name,
                ..UserTenant::default()
            });
        }
        "fed"
    };
    data.insert_user(user.clone());
    let code = random_id(32);
    data.fed_codes.insert(
        code.clone(),
        FedCode {
            family: start.family,
            user_id: user.user_id,
            first_seen,
            options: start.options,
            amr: amr.to_string(),
            expires_at: now + CODE_TTL_SECONDS,
        },
    );
    Ok(signin::with_query(&start.redirect, "code", &code))
}

fn exchange(app: &App, body: &[u8], family: &str) -> ApiResult<Value> {
    let obj = object(body)?;
    let code = required_str(&obj, "code")?;
    let bad = || {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "E061401",
            "Exchange code is invalid, already used or expired",
        )
    };
    let now = app.now();
    let mut data = app.data.lock();
    if data.fed_codes.get(&code).is_none_or(|c| c.family != family) {
        return Err(bad());
    }
    let c = data
        .fed_codes
        .remove(&code)
        .filter(|c| c.expires_at > now)
        .ok_or_else(bad)?;
    let user = data.users.get(&c.user_id).cloned().ok_or_else(bad)?;
    let grant = signin::grant_for(&c.amr, c.options);
    Ok(signin::finish(app, &mut data, &user, &grant, c.first_seen))
}

/// `POST /v1/auth/oauth/exchange {code}` → JWTResponse
pub async fn oauth_exchange(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    exchange(&app, &body, "oauth").map(Json)
}

/// `POST /v1/auth/{saml|sso}/exchange {code}` → JWTResponse
pub async fn sso_exchange(
    State(app): State<App>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    exchange(&app, &body, "sso").map(Json)
}
