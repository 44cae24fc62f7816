//! Access keys (descope-api.md §2.10): `POST /v1/auth/accesskey/exchange` with
//! `Authorization: Bearer <projectId>:<accessKey>` answers `{keyId, sessionJwt, expiration}`, a
//! session JWT whose `sub` is the key id. Keys are made through the control API
//! (`POST /emulator/accesskeys`), which hands out the cleartext key once; only its SHA-256 is kept.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::auth;
use crate::body::{object, required_str};
use crate::errors::{ApiError, ApiResult};
use crate::signin;
use crate::state::{random_id, App, User, UserTenant};
use crate::tokens::{self, Grant};
use crate::users::{opt_obj, opt_str, role_permissions};

/// An access key as stored: everything but the cleartext.
#[derive(Clone, Debug)]
pub struct AccessKey {
    /// `K…`, the `sub` of its session JWTs.
    pub id: String,
    pub name: String,
    pub role_names: Vec<String>,
    pub tenants: Vec<UserTenant>,
    pub created_time: i64,
    /// Unix seconds on the emulator clock; 0 never expires.
    pub expire_time: i64,
}

impl AccessKey {
    /// The key object of Descope's management API (`id, name, roleNames, keyTenants, …`).
    fn to_json(&self) -> Value {
        json!({
            "id": self.id,
            "name": self.name,
            "roleNames": self.role_names,
            "keyTenants": self.tenants.iter().map(|t| json!({
                "tenantId": t.tenant_id,
                "tenantName": t.tenant_name,
                "roleNames": t.role_names,
            })).collect::<Vec<_>>(),
            "status": "active",
            "createdTime": self.created_time,
            "expireTime": self.expire_time,
        })
    }
}

/// What the key store is indexed by: the cleartext is never kept.
fn digest(cleartext: &str) -> String {
    Sha256::digest(cleartext.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// 401 `E062802`: `Authorization` carries the project id but no access key.
fn missing_key() -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, "E062802", "Access key is missing")
}

/// 401 `E062803`: unknown or expired access key.
fn invalid_key() -> ApiError {
    ApiError::new(
        StatusCode::UNAUTHORIZED,
        "E062803",
        "Access key is invalid or expired",
    )
}

fn strings(v: Option<&Value>, what: &str) -> ApiResult<Vec<String>> {
    match v {
        None | Some(Value::Null) => Ok(vec![]),
        Some(Value::Array(a)) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .ok_or_else(|| ApiError::invalid(format!("{what} must be strings")))
            })
            .collect(),
        Some(_) => Err(ApiError::invalid(format!(
            "{what} must be an array of strings"
        ))),
    }
}

/// `POST /emulator/accesskeys {name, roleNames?, tenants?|keyTenants?: [{tenantId, roleNames?}],
/// expireTime?}` → `{cleartext, key}`. The cleartext is in this answer only.
pub async fn create(State(app): State<App>, body: axum::body::Bytes) -> ApiResult<Json<Value>> {
    let obj = object(&body)?;
    let name = required_str(&obj, "name")?;
    let role_names = strings(obj.get("roleNames"), "roleNames")?;
    let expire_time = match obj.get("expireTime") {
        None | Some(Value::Null) => 0,
        Some(v) => v
            .as_i64()
            .filter(|t| *t >= 0)
            .ok_or_else(|| ApiError::invalid("expireTime must be a non-negative integer"))?,
    };
    let tenants_json = match (obj.get("tenants"), obj.get("keyTenants")) {
        (Some(t), _) if !t.is_null() => Some(t),
        (_, k) => k,
    };
    let tenant_objs: Vec<&Map<String, Value>> = match tenants_json {
        None | Some(Value::Null) => vec![],
        Some(Value::Array(a)) => a
            .iter()
            .map(|t| {
                t.as_object()
                    .ok_or_else(|| ApiError::invalid("tenants entries must be objects"))
            })
            .collect::<ApiResult<_>>()?,
        Some(_) => return Err(ApiError::invalid("tenants must be an array")),
    };

    let now = app.now();
    let mut data = app.data.lock();
    let mut tenants = vec![];
    for t in tenant_objs {
        let tenant_id = required_str(t, "tenantId")?;
        let roles = strings(t.get("roleNames"), "tenants.roleNames")?;
        data.ensure_tenant(&tenant_id, "");
        tenants.push(UserTenant {
            tenant_name: data
                .tenants
                .get(&tenant_id)
                .map(|x| x.name.clone())
                .unwrap_or_default(),
            permissions: role_permissions(&data, &roles),
            role_names: roles,
            tenant_id,
        });
    }
    let key = AccessKey {
        id: format!("K{}", random_id(27)),
        name,
        role_names,
        tenants,
        created_time: now,
        expire_time,
    };
    let cleartext = random_id(64);
    let answer = json!({"cleartext": cleartext, "key": key.to_json()});
    data.access_keys.insert(digest(&cleartext), key);
    Ok(Json(answer))
}

/// `POST /v1/auth/accesskey/exchange {loginOptions?: {customClaims?, selectedTenant?}}` with
/// `Bearer <projectId>:<accessKey>` → `{keyId, sessionJwt, expiration}`.
pub async fn exchange(
    State(app): State<App>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let secret = auth::bearer(&headers)
        .and_then(|(_, token)| token)
        .ok_or_else(missing_key)?;
    let obj = object(&body)?;
    let options = opt_obj(&obj, "loginOptions")?;
    // Claims the caller asks for are untrusted, as on every sign-in: they go under `nsec`.
    let nsec = signin::custom_claims(options)?;
    let selected = options
        .map(|o| opt_str(o, "selectedTenant"))
        .transpose()?
        .flatten()
        .filter(|t| !t.is_empty());

    let key = {
        let data = app.data.lock();
        data.access_keys
            .get(&digest(&secret))
            .cloned()
            .ok_or_else(invalid_key)?
    };
    if key.expire_time != 0 && key.expire_time <= app.now() {
        return Err(invalid_key());
    }
    if let Some(t) = &selected {
        if !key.tenants.iter().any(|k| &k.tenant_id == t) {
            return Err(ApiError::invalid(
                "selectedTenant is not one of the access key's tenants",
            ));
        }
    }
    let subject = User {
        user_id: key.id.clone(),
        permissions: role_permissions(&app.data.lock(), &key.role_names),
        role_names: key.role_names.clone(),
        user_tenants: key.tenants.clone(),
        ..User::default()
    };
    let grant = Grant {
        amr: vec![],
        su: false,
        nsec,
        dct: selected,
    };
    let (jwt, exp) = tokens::session_jwt(&app, &subject, &grant);
    Ok(Json(json!({
        "keyId": key.id,
        "sessionJwt": jwt,
        "expiration": exp,
    })))
}
