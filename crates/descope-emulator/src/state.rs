//! Shared in-memory state: users, sessions, pending codes, outbox, runtime config and the clock.

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};

use parking_lot::Mutex;
use rand::Rng;
use serde_json::{json, Map, Value};

use crate::cookies::CookieSettings;
use crate::faults::Fault;
use crate::keys::Keys;
use crate::ratelimit::RateLimiter;

/// Settings changeable at run time through `POST /emulator/config` and `/emulator/clock`.
#[derive(Clone, Debug)]
pub struct Runtime {
    pub session_ttl: u64,
    pub refresh_ttl: u64,
    pub rotation: bool,
    /// With rotation: seconds a rotated-away refresh JWT keeps answering with the current pair.
    pub rotation_grace: u64,
    pub rate_limit: u64,
    pub offset_seconds: i64,
    /// Token response method and cookie attributes.
    pub cookies: CookieSettings,
}

impl Runtime {
    /// The command-line values (what a config key set to `null`, and reset, return to).
    pub fn from_config(config: &crate::config::Config) -> Runtime {
        Runtime {
            session_ttl: config.session_ttl,
            refresh_ttl: config.refresh_ttl,
            rotation: config.rotation,
            rotation_grace: config.rotation_grace,
            rate_limit: config.rate_limit,
            offset_seconds: 0,
            cookies: CookieSettings::new(config.cookies),
        }
    }
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
    /// `salt:sha256hex` (see `password::hash`), never the password itself.
    pub password_hash: Option<String>,
    /// The TOTP seed (raw bytes; the `key` handed out is its base32 form).
    pub totp_secret: Option<Vec<u8>>,
    /// OAuth providers this user signed in with (`OAuth` in the user object).
    pub oauth: BTreeMap<String, bool>,
    /// Signed in through SSO at least once (`SAML` in the user object).
    pub saml: bool,
    /// Has registered a passkey (`webauthn` in the user object).
    pub webauthn: bool,
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
            "TOTP": self.totp_secret.is_some(),
            "SAML": self.saml,
            "SCIM": false,
            "OIDC": false,
            "OAuth": self.oauth,
            "push": false,
            "webauthn": self.webauthn,
            "password": self.password_hash.is_some(),
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
    /// Logged out (logout, logout-all): dead for good.
    pub revoked: bool,
    /// Rotated away by a refresh (or a tenant selection) under rotation: dead, except within the
    /// grace window, where it stands for its successor.
    pub rotated: Option<Rotation>,
    /// This session's refresh JWT, handed out again to a rotated-away token within the grace window.
    pub jwt: String,
    /// Claims carried into every session JWT minted from this refresh JWT.
    pub amr: Vec<String>,
    pub su: bool,
    pub nsec: Option<Map<String, Value>>,
    /// Selected tenant (`dct`), after `/v1/auth/tenant/select`.
    pub dct: Option<String>,
}

/// When a refresh session was rotated away, and the `jti` of the session that replaced it.
#[derive(Clone, Debug)]
pub struct Rotation {
    pub at: i64,
    pub next: String,
}

/// What would have been emailed or texted (`GET /emulator/outbox`).
#[derive(Clone, Debug, Default)]
pub struct OutboxMessage {
    pub login_id: String,
    pub channel: String,
    pub kind: String,
    pub code: Option<String>,
    pub token: Option<String>,
    pub link: Option<String>,
    pub pending_ref: Option<String>,
    pub link_id: Option<String>,
    pub at_ms: i64,
}

/// A tenant known to the emulator (seeded, created by `/emulator/users`, or by SSO on first use).
#[derive(Clone, Debug, Default)]
pub struct Tenant {
    pub name: String,
    /// Email domains that name this tenant in SSO's `tenant` query.
    pub domains: Vec<String>,
    pub custom_attributes: Map<String, Value>,
}

/// One `/v1/auth/me/history` entry.
#[derive(Clone, Debug)]
pub struct HistoryEntry {
    pub user_id: String,
    pub login_time: i64,
    pub ip: String,
    pub selected_tenant: String,
}

/// A magic-link / enchanted-link token waiting for its verify.
#[derive(Clone, Debug)]
pub struct PendingLink {
    pub login_id: String,
    /// Delivery method (`email`, `sms`, `whatsapp`): the `amr` factor on verify.
    pub method: String,
    pub expires_at: i64,
    pub signup: Option<User>,
    pub options: LoginOptions,
    pub update: Option<AddressUpdate>,
    /// Enchanted link: the pending session this token approves.
    pub pending_ref: Option<String>,
}

/// An enchanted-link or NOTP pending session, polled by `pendingRef`.
#[derive(Clone, Debug)]
pub struct PendingSession {
    pub expires_at: i64,
    /// The JWTResponse handed out (once) by the next poll.
    pub ready: Option<Value>,
    /// NOTP: what the approval link signs in.
    pub notp: Option<NotpStart>,
}

/// A NOTP sign-in waiting for its approval link.
#[derive(Clone, Debug)]
pub struct NotpStart {
    pub login_id: String,
    pub signup: Option<User>,
    pub options: LoginOptions,
}

/// An OAuth / SSO authorization started by `authorize`, finished by a GET of its url.
#[derive(Clone, Debug)]
pub struct FedStart {
    /// `oauth` or `sso`.
    pub family: &'static str,
    /// OAuth provider, or SSO tenant id.
    pub provider: String,
    pub login_id: String,
    pub redirect: String,
    pub options: LoginOptions,
    pub expires_at: i64,
}

/// An exchange code handed to the redirect URL.
#[derive(Clone, Debug)]
pub struct FedCode {
    pub family: &'static str,
    pub user_id: String,
    pub first_seen: bool,
    pub options: LoginOptions,
    pub amr: String,
    pub expires_at: i64,
}

/// Which finish route completes a WebAuthn transaction.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WebauthnFinish {
    /// `signup/finish`: a registration that signs the user in.
    SignUp,
    /// `signin/finish`: an assertion.
    SignIn,
    /// `update/finish`: a registration that adds a passkey to the session's user.
    Update,
}

/// A WebAuthn ceremony started by `/v1/auth/webauthn/*/start`, waiting for its finish.
#[derive(Clone, Debug)]
pub struct WebauthnStart {
    pub finish: WebauthnFinish,
    /// base64url (unpadded) of the challenge, as clientDataJSON carries it.
    pub challenge: String,
    /// The start request's `origin`, which clientDataJSON must name.
    pub origin: String,
    pub rp_id: String,
    /// The user registering (existing, or to create on sign-up), or signing in (`None` for a
    /// discoverable sign-in, found by `userHandle`).
    pub user: Option<User>,
    /// The user does not exist yet (sign-up): `firstSeen` on finish.
    pub new_user: bool,
    /// `userVerification: "required"` was asked for.
    pub uv_required: bool,
    /// base64url credential ids of `allowCredentials` (empty: any of the user's).
    pub allowed: Vec<String>,
    /// Step-up / MFA (sign-in), or update `mfa` with the session's factors.
    pub options: LoginOptions,
    pub expires_at: i64,
}

/// A registered passkey.
#[derive(Clone, Debug)]
pub struct Credential {
    /// base64url (unpadded) of the credential id.
    pub id: String,
    pub user_id: String,
    pub public_key: crate::cose::CoseKey,
    pub sign_count: u32,
    pub backup_eligible: bool,
    pub backup_state: bool,
    pub created_time: i64,
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
    /// Tenant id → tenant (seeded, from `/emulator/users`, or created by SSO).
    pub tenants: BTreeMap<String, Tenant>,
    /// Magic-link and enchanted-link tokens.
    pub links: HashMap<String, PendingLink>,
    /// Enchanted-link and NOTP pending sessions by `pendingRef`.
    pub pending: HashMap<String, PendingSession>,
    /// NOTP approval token → pendingRef.
    pub notp_links: HashMap<String, String>,
    /// OAuth / SSO `state` → started authorization.
    pub fed_states: HashMap<String, FedStart>,
    /// OAuth / SSO exchange codes.
    pub fed_codes: HashMap<String, FedCode>,
    pub history: Vec<HistoryEntry>,
    /// Access keys by the SHA-256 (hex) of their cleartext.
    pub access_keys: HashMap<String, crate::accesskey::AccessKey>,
    /// WebAuthn transactions by `transactionId`.
    pub webauthn_starts: HashMap<String, WebauthnStart>,
    /// Passkeys by base64url credential id.
    pub credentials: BTreeMap<String, Credential>,
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
    /// Registers a tenant if it is not known yet (an existing one keeps its name).
    pub fn ensure_tenant(&mut self, id: &str, name: &str) {
        self.tenants
            .entry(id.to_string())
            .or_insert_with(|| Tenant {
                name: if name.is_empty() { id } else { name }.to_string(),
                ..Tenant::default()
            });
    }
}

pub struct Shared {
    pub project_id: String,
    /// The bound address (for links and redirect urls when a request has no `Host`).
    pub addr: std::net::SocketAddr,
    pub keys: Keys,
    pub log_requests: bool,
    pub serve: Option<std::path::PathBuf>,
    pub runtime: Mutex<Runtime>,
    /// The command-line settings, for `null` config keys and reset.
    pub defaults: Runtime,
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
