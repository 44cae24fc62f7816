//! Shared in-memory state: users, sessions, pending codes, outbox, runtime config and the clock.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::faults::Fault;
use crate::keys::Keys;
use crate::ratelimit::RateLimiter;

/// Settings changeable at run time through `POST /emulator/config` and `/emulator/clock`.
#[derive(Clone, Debug)]
pub struct Runtime {
    pub session_ttl: u64,
    pub refresh_ttl: u64,
    pub rotation: bool,
    pub rate_limit: u64,
    pub offset_seconds: i64,
}

#[derive(Clone, Debug, Default)]
pub struct UserTenant {
    pub tenant_id: String,
    pub tenant_name: String,
    pub role_names: Vec<String>,
    pub permissions: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct User {
    pub user_id: String,
    pub login_ids: Vec<String>,
    pub name: String,
    pub given_name: String,
    pub middle_name: String,
    pub family_name: String,
    pub email: String,
    pub verified_email: bool,
    pub phone: String,
    pub verified_phone: bool,
    pub role_names: Vec<String>,
    pub permissions: Vec<String>,
    pub user_tenants: Vec<UserTenant>,
    pub custom_attributes: Map<String, Value>,
    pub password: Option<String>,
    pub created_time: i64,
}

impl User {
    /// The user object of descope-api.md §3.2 (also the bare body of `/v1/auth/me`).
    pub fn to_json(&self) -> Value {
        json!({
            "userId": self.user_id,
            "loginIds": self.login_ids,
            "name": self.name,
            "givenName": self.given_name,
            "middleName": self.middle_name,
            "familyName": self.family_name,
            "email": self.email,
            "verifiedEmail": self.verified_email,
            "phone": self.phone,
            "verifiedPhone": self.verified_phone,
            "picture": "",
            "roleNames": self.role_names,
            "permissions": self.permissions,
            "userTenants": self.user_tenants.iter().map(|t| json!({
                "tenantId": t.tenant_id,
                "tenantName": t.tenant_name,
                "roleNames": t.role_names,
                "permissions": t.permissions,
            })).collect::<Vec<_>>(),
            "customAttributes": self.custom_attributes,
            "status": "enabled",
            "createdTime": self.created_time,
            "test": false,
            "externalIds": self.login_ids,
            "ssoAppIds": [],
            "editable": true,
            "TOTP": false,
            "SAML": false,
            "SCIM": false,
            "OIDC": false,
            "OAuth": {},
            "push": false,
            "webauthn": false,
            "password": self.password.is_some(),
        })
    }
}

/// A pending OTP code for one (loginId, method).
#[derive(Clone, Debug)]
pub struct PendingCode {
    pub code: String,
    pub expires_at: i64,
    pub failures: u32,
    /// Sign-up data to create the user on verify, when the user does not exist yet.
    pub signup: Option<User>,
    /// Sign-in options remembered for the verify.
    pub options: LoginOptions,
    /// Set on a pending address update (`/v1/auth/otp/update/*`), which lives in
    /// `Data::updates`, apart from sign-in codes.
    pub update: Option<AddressUpdate>,
}

/// A new email or phone waiting for its code (`/v1/auth/otp/update/{email,phone/P}`).
#[derive(Clone, Debug)]
pub struct AddressUpdate {
    pub user_id: String,
    /// The new email (method `email`) or phone (phone methods).
    pub address: String,
    pub add_to_login_ids: bool,
}

/// What a sign-in asked for, checked at send time and applied on verify.
#[derive(Clone, Debug, Default)]
pub struct LoginOptions {
    pub stepup: bool,
    pub mfa: bool,
    /// `amr` of the live session presented for step-up / MFA.
    pub previous_amr: Vec<String>,
    pub custom_claims: Option<Map<String, Value>>,
}

/// A refresh session (one refresh JWT, identified by its `jti`).
#[derive(Clone, Debug)]
pub struct Session {
    pub user_id: String,
    pub expires_at: i64,
    pub revoked: bool,
    /// Claims carried into every session JWT minted from this refresh JWT.
    pub amr: Vec<String>,
    pub su: bool,
    pub nsec: Option<Map<String, Value>>,
}

#[derive(Clone, Debug)]
pub struct OutboxMessage {
    pub login_id: String,
    pub channel: String,
    pub kind: String,
    pub code: Option<String>,
    pub at_ms: i64,
}

#[derive(Default)]
pub struct Data {
    pub users: HashMap<String, User>,
    /// loginId → userId.
    pub login_index: HashMap<String, String>,
    pub codes: HashMap<(String, String), PendingCode>,
    /// Pending address updates, (userId, method) → code; separate from sign-in `codes`.
    pub updates: HashMap<(String, String), PendingCode>,
    pub sessions: HashMap<String, Session>,
    pub outbox: Vec<OutboxMessage>,
    pub faults: Vec<Fault>,
    pub requests: Vec<Value>,
    /// Role name → permissions (from `--seed` roles).
    pub roles: BTreeMap<String, Vec<String>>,
    /// Tenant id → name (from `--seed` tenants).
    pub tenants: BTreeMap<String, String>,
}

impl Data {
    pub fn user_by_login(&self, login_id: &str) -> Option<&User> {
        self.login_index
            .get(login_id)
            .and_then(|id| self.users.get(id))
    }
    pub fn insert_user(&mut self, user: User) {
        for l in &user.login_ids {
            self.login_index.insert(l.clone(), user.user_id.clone());
        }
        self.users.insert(user.user_id.clone(), user);
    }
}

pub struct Shared {
    pub project_id: String,
    pub keys: Keys,
    pub log_requests: bool,
    pub serve: Option<std::path::PathBuf>,
    pub runtime: Mutex<Runtime>,
    pub data: Mutex<Data>,
    pub limiter: Mutex<RateLimiter>,
}

/// Cheap handle to the shared state, the axum router state.
pub type App = Arc<Shared>;

impl Shared {
    /// Emulator clock: real time plus the control API's offset, in unix seconds.
    pub fn now(&self) -> i64 {
        self.now_ms() / 1000
    }
    pub fn now_ms(&self) -> i64 {
        let real = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0);
        real + self.runtime.lock().offset_seconds * 1000
    }
    /// Issuer claim: constant URL form `https://api.descope.com/<projectId>` (last path segment
    /// is the project id, as the SDKs' issuer check expects).
    pub fn issuer(&self) -> String {
        format!("https://api.descope.com/{}", self.project_id)
    }
}

/// A random id of `len` base62 characters.
pub fn random_id(len: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    let mut rng = rand::thread_rng();
    (0..len)
        .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
        .collect()
}

/// A new user id in Descope's `U…` form.
pub fn new_user_id() -> String {
    format!("U{}", random_id(27))
}
