//! Minting session/refresh JWTs (claims of descope-api.md §3.3), the JWTResponse body (§3.1),
//! and validating presented refresh JWTs.

use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use base64::Engine;
use serde_json::{json, Map, Value};

use crate::errors::{ApiError, ApiResult};
use crate::state::{random_id, Data, Rotation, Session, Shared, User};

/// What a new session should carry beyond the user's roles.
#[derive(Clone, Debug, Default)]
pub struct Grant {
    pub amr: Vec<String>,
    pub su: bool,
    pub nsec: Option<Map<String, Value>>,
    /// Selected tenant (`dct`).
    pub dct: Option<String>,
}

impl Grant {
    /// What a refresh session carries into the session JWTs minted from it.
    pub fn of(session: &Session) -> Grant {
        Grant {
            amr: session.amr.clone(),
            su: session.su,
            nsec: session.nsec.clone(),
            dct: session.dct.clone(),
        }
    }
}

fn base_claims(
    shared: &Shared,
    user: &User,
    drn: &str,
    iat: i64,
    exp: i64,
    grant: &Grant,
) -> Map<String, Value> {
    let mut tenants = Map::new();
    for t in &user.user_tenants {
        tenants.insert(
            t.tenant_id.clone(),
            json!({"roles": t.role_names, "permissions": t.permissions}),
        );
    }
    let mut c = Map::new();
    c.insert("iss".into(), json!(shared.issuer()));
    c.insert("sub".into(), json!(user.user_id));
    c.insert("iat".into(), json!(iat));
    c.insert("exp".into(), json!(exp));
    c.insert("drn".into(), json!(drn));
    c.insert("amr".into(), json!(grant.amr));
    c.insert("roles".into(), json!(user.role_names));
    c.insert("permissions".into(), json!(user.permissions));
    c.insert("tenants".into(), Value::Object(tenants));
    if grant.su {
        c.insert("su".into(), json!(true));
    }
    if let Some(n) = &grant.nsec {
        c.insert("nsec".into(), Value::Object(n.clone()));
    }
    if let Some(t) = &grant.dct {
        c.insert("dct".into(), json!(t));
    }
    c
}

/// Mints a session JWT for `user`; returns (jwt, exp).
pub fn session_jwt(shared: &Shared, user: &User, grant: &Grant) -> (String, i64) {
    let now = shared.now();
    let exp = now + shared.runtime.lock().session_ttl as i64;
    let claims = base_claims(shared, user, "DS", now, exp, grant);
    (shared.keys.sign(&claims), exp)
}

/// Creates a new refresh session (recorded under a fresh `jti`); returns (jwt, exp).
pub fn new_refresh(shared: &Shared, data: &mut Data, user: &User, grant: &Grant) -> (String, i64) {
    let (_, jwt, exp) = mint_refresh(shared, data, user, grant);
    (jwt, exp)
}

/// Replaces the refresh session `old_jti` by a new one (rotation): the old one is marked rotated
/// away (dead outside the grace window); returns the new (jwt, exp).
pub fn rotate(
    shared: &Shared,
    data: &mut Data,
    old_jti: &str,
    user: &User,
    grant: &Grant,
) -> (String, i64) {
    let (jti, jwt, exp) = mint_refresh(shared, data, user, grant);
    let at = shared.now();
    if let Some(old) = data.sessions.get_mut(old_jti) {
        old.rotated = Some(Rotation { at, next: jti });
    }
    (jwt, exp)
}

/// Mints and records a refresh session; returns (jti, jwt, exp).
fn mint_refresh(
    shared: &Shared,
    data: &mut Data,
    user: &User,
    grant: &Grant,
) -> (String, String, i64) {
    let now = shared.now();
    let exp = now + shared.runtime.lock().refresh_ttl as i64;
    let jti = random_id(24);
    let mut claims = base_claims(shared, user, "DSR", now, exp, grant);
    claims.insert("jti".into(), json!(jti));
    let jwt = shared.keys.sign(&claims);
    data.sessions.insert(
        jti.clone(),
        Session {
            user_id: user.user_id.clone(),
            expires_at: exp,
            revoked: false,
            rotated: None,
            jwt: jwt.clone(),
            amr: grant.amr.clone(),
            su: grant.su,
            nsec: grant.nsec.clone(),
            dct: grant.dct.clone(),
        },
    );
    (jti, jwt, exp)
}

/// JWTResponse body, with `claims` (the session JWT's decoded payload, as Descope sends it).
/// `refresh` is `None` when the refresh JWT is not re-sent (refresh without rotation); the cookie
/// fields then describe the existing refresh JWT.
pub fn jwt_response(
    shared: &Shared,
    user: &User,
    session: (String, i64),
    refresh: Option<String>,
    refresh_exp: i64,
    first_seen: bool,
) -> Value {
    let now = shared.now();
    let mut body = json!({
        "claims": payload(&session.0),
        "sessionJwt": session.0,
        "sessionExpiration": session.1,
        "cookieExpiration": refresh_exp,
        "cookieMaxAge": (refresh_exp - now).max(0),
        "cookiePath": "/",
        "cookieDomain": "",
        "user": user.to_json(),
        "firstSeen": first_seen,
    });
    if let (Some(rt), Some(obj)) = (refresh, body.as_object_mut()) {
        obj.insert("refreshJwt".into(), json!(rt));
    }
    body
}

/// A JWT's decoded claims (`{}` if it has none), for the `claims` of a JWTResponse.
fn payload(jwt: &str) -> Value {
    jwt.split('.')
        .nth(1)
        .and_then(|p| B64.decode(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_else(|| json!({}))
}

/// A refresh JWT that passed every check.
pub struct LiveRefresh {
    /// The session to act on: the presented one, or (grace window) the current head of its family.
    pub jti: String,
    pub session: Session,
    /// The presented JWT was rotated away within the grace window and stands for `session`.
    pub by_grace: bool,
}

/// Checks signature, `drn`, expiry on the emulator clock, and that the session is known and not
/// revoked. Revoked, or rotated away longer ago than the grace window → 401 `E064001`; anything
/// else wrong → 401 `E061301`. A token rotated away within the grace window answers for the
/// newest session of its family (`by_grace`).
pub fn check_refresh(shared: &Shared, data: &Data, token: Option<&str>) -> ApiResult<LiveRefresh> {
    let token = token
        .filter(|t| !t.is_empty())
        .ok_or_else(ApiError::invalid_refresh)?;
    let claims = shared
        .keys
        .verify(token)
        .ok_or_else(ApiError::invalid_refresh)?;
    if claims.get("drn").and_then(Value::as_str) != Some("DSR") {
        return Err(ApiError::invalid_refresh());
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .ok_or_else(ApiError::invalid_refresh)?;
    let mut jti = jti.to_string();
    let mut session = data
        .sessions
        .get(&jti)
        .ok_or_else(ApiError::invalid_refresh)?;
    let mut by_grace = false;
    if let Some(rot) = &session.rotated {
        if session.revoked || shared.now() - rot.at >= shared.runtime.lock().rotation_grace as i64 {
            return Err(ApiError::logged_out());
        }
        // Follow the family to its newest session (each step was rotated later than this one).
        by_grace = true;
        let mut next = rot.next.clone();
        loop {
            session = data
                .sessions
                .get(&next)
                .ok_or_else(ApiError::invalid_refresh)?;
            jti = next;
            match (&session.rotated, session.revoked) {
                (Some(r), false) => next = r.next.clone(),
                _ => break,
            }
        }
    }
    if session.revoked {
        return Err(ApiError::logged_out());
    }
    if session.expires_at <= shared.now() || !data.users.contains_key(&session.user_id) {
        return Err(ApiError::invalid_refresh());
    }
    Ok(LiveRefresh {
        jti,
        session: session.clone(),
        by_grace,
    })
}
