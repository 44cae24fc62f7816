//! WebAuthn / passkeys (descope-api.md §2.8, passkeys-cookies.md §1): a relying party behind
//! `POST /v1/auth/webauthn/{signup,signin,signup-in,update}/start` and
//! `POST /v1/auth/webauthn/{signup,signin,update}/finish`.
//!
//! A start answers `{transactionId, options, create}`: `options` is a JSON *string*
//! `{"publicKey":{…}}` (binary members base64url without padding), `create` tells whether the
//! browser creates a credential (finish with `signup/finish`, or `update/finish` for update) or
//! asserts one (`signin/finish`). The transaction is single use (any finish consumes it) and
//! expires after `TRANSACTION_TTL_SECONDS`. The rpId is the host of the start's `origin`.
//!
//! A finish checks the `response` as WebAuthn §7 asks, answering 401 with a code per failed
//! check (see the README), 400 for a request or response that does not parse.

use std::collections::HashMap;

use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::Json;
use base64::alphabet::URL_SAFE;
use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::Engine;
use rand::RngCore;
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::attestation::{self, AuthData, Statement, AT, BE, BS, UP, UV};
use crate::body::{object, required_str};
use crate::cose::{self, CoseKey, KeyError};
use crate::errors::{ApiError, ApiResult};
use crate::signin::{self, Op};
use crate::state::{
    random_id, App, Credential, Data, LoginOptions, User, WebauthnFinish, WebauthnStart,
};
use crate::tokens;
use crate::users::{opt_bool, opt_obj, opt_str};

/// `publicKey.timeout` of the options, in milliseconds.
pub const TIMEOUT_MS: u64 = 60_000;
/// How long a transaction waits for its finish: twice the browser's timeout, since the browser's
/// timer starts only once the start's answer has arrived.
pub const TRANSACTION_TTL_SECONDS: i64 = 120;
/// `rp.name` of the creation options.
const RP_NAME: &str = "Descope Emulator";
/// The `amr` factor of a passkey sign-in.
const AMR: &str = "webauthn";

/// base64url without padding when encoding; padding is tolerated when decoding.
const B64: GeneralPurpose = GeneralPurpose::new(
    &URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

fn unauthorized(code: &'static str, description: impl Into<String>) -> ApiError {
    ApiError::new(StatusCode::UNAUTHORIZED, code, description)
}

/// 401 `E067001`: no such transaction, already used, expired, or started for another finish.
fn unknown_transaction() -> ApiError {
    unauthorized(
        "E067001",
        "WebAuthn transaction is unknown, used, expired or for another finish",
    )
}

/// 400 `E067002`: the `response` (JSON, base64url, CBOR, authenticatorData, COSE_Key) does not parse.
fn malformed(why: &str) -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E067002",
        format!("Malformed WebAuthn response: {why}"),
    )
}

/// 401 `E067003`: credential `type` is not `public-key`, or clientDataJSON's `type` is wrong.
fn wrong_type(what: &str) -> ApiError {
    unauthorized("E067003", format!("WebAuthn {what} has the wrong type"))
}

/// 401 `E067010`: a sign-in for a user without passkeys (Descope's code, seen in its Swift SDK).
fn no_passkeys() -> ApiError {
    unauthorized("E067010", "User has not added any passkeys")
}

/// 401 `E067011`: the credential is unknown, not the user's, not allowed, or its `userHandle`
/// does not name its user.
fn unknown_credential(why: &str) -> ApiError {
    unauthorized("E067011", format!("Unknown passkey: {why}"))
}

/// 400 `E067012`: the new credential id is already registered (the exclude list case).
fn already_registered() -> ApiError {
    ApiError::new(
        StatusCode::BAD_REQUEST,
        "E067012",
        "This passkey is already registered",
    )
}

/// 401 `E067009`: the attestation is not accepted.
fn bad_attestation(why: &str) -> ApiError {
    unauthorized("E067009", format!("WebAuthn attestation rejected: {why}"))
}

/// The user handle (`user.id`) of a user: base64url of its id without the `U` prefix, as
/// Descope's fixtures show.
pub fn user_handle(user_id: &str) -> String {
    B64.encode(user_id.strip_prefix('U').unwrap_or(user_id))
}

/// An `http(s)://host[:port]` origin (no path) as browsers write it in clientDataJSON (without a
/// trailing slash), and its rpId: the host.
pub fn parse_origin(origin: &str) -> ApiResult<(String, String)> {
    let bad =
        || ApiError::invalid("origin must be an http(s) origin such as https://app.example.com");
    let rest = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"))
        .ok_or_else(bad)?;
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.contains(['/', '?', '#', '@', ' ', '\\']) {
        return Err(bad());
    }
    let (host, port) = match authority.strip_prefix('[') {
        Some(v6) => {
            let (h, after) = v6.split_once(']').ok_or_else(bad)?;
            (h, after.strip_prefix(':'))
        }
        None => match authority.split_once(':') {
            Some((h, p)) => (h, Some(p)),
            None => (authority, None),
        },
    };
    if host.is_empty()
        || port.is_some_and(|p| p.is_empty() || !p.bytes().all(|b| b.is_ascii_digit()))
    {
        return Err(bad());
    }
    let origin = origin.strip_suffix('/').unwrap_or(origin);
    Ok((origin.to_string(), host.to_ascii_lowercase()))
}

/// `passkeyOptions` (core-js `PasskeyOptions`), checked and with defaults.
struct PasskeyOptions {
    attachment: Option<&'static str>,
    resident_key: String,
    /// `authenticatorSelection.userVerification`
    selection_uv: Option<String>,
    /// top-level `userVerification` (assertions)
    uv: Option<String>,
    attestation: String,
    extensions: Option<Map<String, Value>>,
}

fn one_of(obj: &Map<String, Value>, key: &str, allowed: &[&str]) -> ApiResult<Option<String>> {
    match opt_str(obj, key)? {
        Some(v) if allowed.contains(&v.as_str()) => Ok(Some(v)),
        Some(_) => Err(ApiError::invalid(format!(
            "{key} must be one of {}",
            allowed.join(", ")
        ))),
        None => Ok(None),
    }
}

const UV_VALUES: [&str; 3] = ["discouraged", "preferred", "required"];

fn passkey_options(obj: &Map<String, Value>) -> ApiResult<PasskeyOptions> {
    let po = opt_obj(obj, "passkeyOptions")?;
    let empty = Map::new();
    let po = po.unwrap_or(&empty);
    let sel = opt_obj(po, "authenticatorSelection")?.unwrap_or(&empty);
    let attachment = match one_of(
        sel,
        "authenticatorAttachment",
        &["any", "platform", "crossplatform", "cross-platform"],
    )?
    .as_deref()
    {
        Some("platform") => Some("platform"),
        Some("crossplatform" | "cross-platform") => Some("cross-platform"),
        _ => None,
    };
    let extensions = match opt_str(po, "extensionsJSON")? {
        Some(s) if !s.is_empty() => match serde_json::from_str(&s) {
            Ok(Value::Object(m)) => Some(m),
            _ => return Err(ApiError::invalid("extensionsJSON must be a JSON object")),
        },
        _ => None,
    };
    Ok(PasskeyOptions {
        attachment,
        resident_key: one_of(sel, "residentKey", &UV_VALUES)?.unwrap_or_else(|| "preferred".into()),
        selection_uv: one_of(sel, "userVerification", &UV_VALUES)?,
        uv: one_of(po, "userVerification", &UV_VALUES)?,
        attestation: one_of(
            po,
            "attestation",
            &["none", "indirect", "direct", "enterprise"],
        )?
        .unwrap_or_else(|| "none".into()),
        extensions,
    })
}

/// 32 random bytes, base64url.
fn new_challenge() -> String {
    let mut b = [0u8; 32];
    rand::thread_rng().fill_bytes(&mut b);
    B64.encode(b)
}

/// The ids of `user_id`'s passkeys.
fn credential_ids(data: &Data, user_id: &str) -> Vec<String> {
    data.credentials
        .values()
        .filter(|c| c.user_id == user_id)
        .map(|c| c.id.clone())
        .collect()
}

fn descriptors(ids: &[String]) -> Value {
    Value::Array(
        ids.iter()
            .map(|id| json!({"type": "public-key", "id": id}))
            .collect(),
    )
}

/// What every start carries: the page's origin, `passkeyOptions` and `loginOptions`.
struct Ask {
    origin: String,
    passkey: PasskeyOptions,
    options: LoginOptions,
}

/// What a start hands back before the transaction is stored.
struct Started {
    start: WebauthnStart,
    public_key: Value,
}

/// A registration (`navigator.credentials.create`) of a passkey for `user` (named by `login_id`;
/// `new_user` when sign-up creates it).
fn registration(
    app: &App,
    data: &Data,
    user: User,
    new_user: bool,
    login_id: &str,
    ask: Ask,
    finish: WebauthnFinish,
) -> ApiResult<Started> {
    let Ask {
        origin,
        passkey: po,
        options,
    } = ask;
    let (origin, rp_id) = parse_origin(&origin)?;
    let challenge = new_challenge();
    let uv = po
        .selection_uv
        .clone()
        .or_else(|| po.uv.clone())
        .unwrap_or_else(|| "preferred".into());
    let mut selection = json!({
        "residentKey": po.resident_key,
        "requireResidentKey": po.resident_key == "required",
        "userVerification": uv,
    });
    if let (Some(a), Some(s)) = (po.attachment, selection.as_object_mut()) {
        s.insert("authenticatorAttachment".into(), json!(a));
    }
    let display = if user.name.is_empty() {
        login_id
    } else {
        &user.name
    };
    let mut public_key = json!({
        "rp": {"name": RP_NAME, "id": rp_id},
        "user": {"name": login_id, "displayName": display, "id": user_handle(&user.user_id)},
        "challenge": challenge,
        "pubKeyCredParams": cose::OFFERED.iter()
            .map(|alg| json!({"type": "public-key", "alg": alg}))
            .collect::<Vec<_>>(),
        "timeout": TIMEOUT_MS,
        "excludeCredentials": descriptors(&credential_ids(data, &user.user_id)),
        "authenticatorSelection": selection,
        "attestation": po.attestation,
    });
    if let (Some(e), Some(pk)) = (&po.extensions, public_key.as_object_mut()) {
        pk.insert("extensions".into(), Value::Object(e.clone()));
    }
    Ok(Started {
        start: WebauthnStart {
            finish,
            challenge,
            origin,
            rp_id,
            user: Some(user),
            new_user,
            uv_required: uv == "required",
            allowed: vec![],
            options,
            expires_at: app.now() + TRANSACTION_TTL_SECONDS,
        },
        public_key,
    })
}

/// An assertion (`navigator.credentials.get`) by `user`'s passkeys, or by any discoverable one
/// when `user` is `None`.
fn assertion(app: &App, data: &Data, user: Option<User>, ask: Ask) -> ApiResult<Started> {
    let Ask {
        origin,
        passkey: po,
        options,
    } = ask;
    let (origin, rp_id) = parse_origin(&origin)?;
    let allowed = match &user {
        Some(u) => {
            let ids = credential_ids(data, &u.user_id);
            if ids.is_empty() {
                return Err(no_passkeys());
            }
            ids
        }
        None => vec![],
    };
    let challenge = new_challenge();
    let uv = po
        .uv
        .clone()
        .or_else(|| po.selection_uv.clone())
        .unwrap_or_else(|| "preferred".into());
    let mut public_key = json!({
        "challenge": challenge,
        "timeout": TIMEOUT_MS,
        "rpId": rp_id,
        "userVerification": uv,
    });
    if let Some(pk) = public_key.as_object_mut() {
        // Discoverable (empty loginId): no list, the authenticator offers its resident keys.
        if !allowed.is_empty() {
            pk.insert("allowCredentials".into(), descriptors(&allowed));
        }
        if let Some(e) = &po.extensions {
            pk.insert("extensions".into(), Value::Object(e.clone()));
        }
    }
    Ok(Started {
        start: WebauthnStart {
            finish: WebauthnFinish::SignIn,
            challenge,
            origin,
            rp_id,
            user,
            new_user: false,
            uv_required: uv == "required",
            allowed,
            options,
            expires_at: app.now() + TRANSACTION_TTL_SECONDS,
        },
        public_key,
    })
}

/// `signup/start {user:{loginId, name}, origin, loginOptions?, passkeyOptions?}` (Go, Swift and
/// the docs also send a top-level `loginId`).
fn signup_start(
    app: &App,
    data: &Data,
    headers: &HeaderMap,
    obj: &Map<String, Value>,
) -> ApiResult<Started> {
    let from_user = opt_obj(obj, "user")?
        .map(|u| opt_str(u, "loginId"))
        .transpose()?
        .flatten()
        .filter(|l| !l.is_empty());
    let login_id = match from_user {
        Some(l) => l,
        None => required_str(obj, "loginId")?,
    };
    let origin = required_str(obj, "origin")?;
    let po = passkey_options(obj)?;
    let p = signin::prepare(app, data, headers, Op::SignUp, &login_id, obj)?;
    let user = p.signup.ok_or_else(signin::user_exists)?;
    registration(
        app,
        data,
        user,
        true,
        &login_id,
        Ask {
            origin,
            passkey: po,
            options: p.options,
        },
        WebauthnFinish::SignUp,
    )
}

/// `signin/start {loginId, origin, loginOptions?, passkeyOptions?}`; `loginId` may be `""`.
fn signin_start(
    app: &App,
    data: &Data,
    headers: &HeaderMap,
    obj: &Map<String, Value>,
) -> ApiResult<Started> {
    let login_id = opt_str(obj, "loginId")?.unwrap_or_default();
    let origin = required_str(obj, "origin")?;
    let po = passkey_options(obj)?;
    if login_id.is_empty() {
        let mut options = signin::parse_options(opt_obj(obj, "loginOptions")?)?;
        // Step-up / MFA name their user; without a login id there is none to match the session.
        signin::require_session(app, data, headers, &mut options, None)?;
        return assertion(
            app,
            data,
            None,
            Ask {
                origin,
                passkey: po,
                options,
            },
        );
    }
    let p = signin::prepare(app, data, headers, Op::SignIn, &login_id, obj)?;
    assertion(
        app,
        data,
        p.existing,
        Ask {
            origin,
            passkey: po,
            options: p.options,
        },
    )
}

/// `signup-in/start {loginId, origin, loginOptions?, passkeyOptions?}`: an assertion when the user
/// has passkeys, else a registration (of a new user, or a first passkey for an existing one).
fn signup_in_start(
    app: &App,
    data: &Data,
    headers: &HeaderMap,
    obj: &Map<String, Value>,
) -> ApiResult<Started> {
    let login_id = required_str(obj, "loginId")?;
    let origin = required_str(obj, "origin")?;
    let po = passkey_options(obj)?;
    let p = signin::prepare(app, data, headers, Op::SignUpOrIn, &login_id, obj)?;
    match (p.existing, p.signup) {
        (Some(u), _) if !credential_ids(data, &u.user_id).is_empty() => assertion(
            app,
            data,
            Some(u),
            Ask {
                origin,
                passkey: po,
                options: p.options,
            },
        ),
        (Some(u), _) => registration(
            app,
            data,
            u,
            false,
            &login_id,
            Ask {
                origin,
                passkey: po,
                options: p.options,
            },
            WebauthnFinish::SignUp,
        ),
        (None, Some(u)) => registration(
            app,
            data,
            u,
            true,
            &login_id,
            Ask {
                origin,
                passkey: po,
                options: p.options,
            },
            WebauthnFinish::SignUp,
        ),
        (None, None) => Err(signin::user_not_found()),
    }
}

/// `update/start {loginId, origin, passkeyOptions?, mfa?}` with `Bearer pid:rt`: a new passkey
/// for the session's user. With `mfa: true` the finish signs in again with the session's factors
/// plus `webauthn` and `mfa`.
fn update_start(
    app: &App,
    data: &Data,
    headers: &HeaderMap,
    obj: &Map<String, Value>,
) -> ApiResult<Started> {
    // Session first: without a live refresh JWT nothing else is looked at (401).
    let live = tokens::check_refresh(app, data, crate::auth::refresh_token(headers).as_deref())?;
    let login_id = required_str(obj, "loginId")?;
    let origin = required_str(obj, "origin")?;
    let mfa = opt_bool(obj, "mfa")?;
    let po = passkey_options(obj)?;
    let user = signin::own_user_by_login(data, &live.session.user_id, &login_id)?;
    let options = LoginOptions {
        stepup: false,
        mfa,
        previous_amr: live.session.amr.clone(),
        custom_claims: if mfa { live.session.nsec.clone() } else { None },
    };
    registration(
        app,
        data,
        user,
        false,
        &login_id,
        Ask {
            origin,
            passkey: po,
            options,
        },
        WebauthnFinish::Update,
    )
}

/// `POST /v1/auth/webauthn/{signup|signin|signup-in|update}/start` →
/// `{transactionId, options, create}`
pub async fn start(
    State(app): State<App>,
    Path(op): Path<String>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let begin = match op.as_str() {
        "signup" => signup_start,
        "signin" => signin_start,
        "signup-in" => signup_in_start,
        "update" => update_start,
        _ => return Err(ApiError::not_found("Unknown operation")),
    };
    let obj = object(&body)?;
    let now = app.now();
    let mut data = app.data.lock();
    let Started { start, public_key } = begin(&app, &data, &headers, &obj)?;
    let create = start.finish != WebauthnFinish::SignIn;
    let id = random_id(32);
    data.webauthn_starts.retain(|_, s| s.expires_at > now);
    data.webauthn_starts.insert(id.clone(), start);
    let options = json!({ "publicKey": public_key }).to_string();
    Ok(Json(
        json!({"transactionId": id, "options": options, "create": create}),
    ))
}

/// A required base64url member of the credential JSON.
fn b64_member(obj: &Map<String, Value>, key: &str) -> ApiResult<Vec<u8>> {
    let s = obj
        .get(key)
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(&format!("{key} is missing")))?;
    B64.decode(s)
        .map_err(|_| malformed(&format!("{key} is not base64url")))
}

/// The `response` string: `{id, rawId, type, response:{…}}` (other members are ignored). Checks
/// `type` and that `id` (when present) names the same bytes as `rawId`; returns the raw id and the
/// inner `response` object.
fn parse_credential(text: &str) -> ApiResult<(Vec<u8>, Map<String, Value>)> {
    let Ok(Value::Object(cred)) = serde_json::from_str::<Value>(text) else {
        return Err(malformed("response is not a JSON object"));
    };
    let raw_id = b64_member(&cred, "rawId")?;
    if cred.get("id").and_then(Value::as_str).is_some() && b64_member(&cred, "id")? != raw_id {
        return Err(malformed("id and rawId differ"));
    }
    if cred.get("type").and_then(Value::as_str) != Some("public-key") {
        return Err(wrong_type("credential"));
    }
    match cred.get("response") {
        Some(Value::Object(r)) => Ok((raw_id, r.clone())),
        _ => Err(malformed("response.response is missing")),
    }
}

/// clientDataJSON: `type`, `challenge` (the transaction's, compared as base64url strings),
/// `origin` (the start's), `crossOrigin` not true. Other members are ignored.
fn check_client_data(bytes: &[u8], ceremony: &str, start: &WebauthnStart) -> ApiResult<()> {
    let Ok(Value::Object(cd)) = serde_json::from_slice::<Value>(bytes) else {
        return Err(malformed("clientDataJSON is not a JSON object"));
    };
    if cd.get("type").and_then(Value::as_str) != Some(ceremony) {
        return Err(wrong_type("clientDataJSON"));
    }
    if cd.get("challenge").and_then(Value::as_str) != Some(start.challenge.as_str()) {
        return Err(unauthorized(
            "E067004",
            "WebAuthn challenge does not match the transaction",
        ));
    }
    let cross = cd.get("crossOrigin").and_then(Value::as_bool) == Some(true);
    if cd.get("origin").and_then(Value::as_str) != Some(start.origin.as_str()) || cross {
        return Err(unauthorized(
            "E067005",
            "WebAuthn origin does not match the start's origin",
        ));
    }
    Ok(())
}

/// authenticatorData: rpIdHash, user present, user verified when required.
fn check_auth_data(auth: &AuthData, start: &WebauthnStart) -> ApiResult<()> {
    if auth.rp_id_hash[..] != Sha256::digest(start.rp_id.as_bytes())[..] {
        return Err(unauthorized(
            "E067006",
            "authenticatorData is for another relying party (rpIdHash)",
        ));
    }
    if !auth.has(UP) {
        return Err(unauthorized("E067007", "User presence flag is not set"));
    }
    if start.uv_required && !auth.has(UV) {
        return Err(unauthorized(
            "E067008",
            "User verification was required but not performed",
        ));
    }
    Ok(())
}

/// `authData ‖ SHA-256(clientDataJSON)`: what assertions and packed attestations sign.
fn signed_data(auth_data: &[u8], client_data: &[u8]) -> Vec<u8> {
    let mut out = auth_data.to_vec();
    out.extend_from_slice(&Sha256::digest(client_data));
    out
}

/// Finishes a registration: checks, stores the passkey, and answers sign-up's JWTResponse, or
/// update's `{}` / `{jwt}`.
fn finish_registration(
    app: &App,
    data: &mut Data,
    start: WebauthnStart,
    response: &str,
) -> ApiResult<Value> {
    let (raw_id, r) = parse_credential(response)?;
    let client_data = b64_member(&r, "clientDataJSON")?;
    let att_bytes = b64_member(&r, "attestationObject")?;
    check_client_data(&client_data, "webauthn.create", &start)?;
    let att = attestation::parse_attestation_object(&att_bytes).map_err(malformed)?;
    let auth = attestation::parse_auth_data(&att.auth_data).map_err(malformed)?;
    check_auth_data(&auth, &start)?;
    let Some(attested) = auth.attested.as_ref().filter(|_| auth.has(AT)) else {
        return Err(bad_attestation("no attested credential data (AT flag)"));
    };
    if attested.credential_id != raw_id {
        return Err(bad_attestation("the attested credential id is not rawId"));
    }
    let id = B64.encode(&raw_id);
    if data.credentials.contains_key(&id) {
        return Err(already_registered());
    }
    let key = CoseKey::parse(&attested.public_key).map_err(|e| match e {
        KeyError::Malformed(why) => malformed(why),
        KeyError::Unsupported(alg) => {
            bad_attestation(&format!("algorithm {alg} is not among pubKeyCredParams"))
        }
    })?;
    match &att.statement {
        Statement::None => {}
        Statement::PackedSelf { alg, sig } => {
            if *alg != key.alg() {
                return Err(bad_attestation(
                    "packed self-attestation alg differs from the key's",
                ));
            }
            if !key.verify(&signed_data(&att.auth_data, &client_data), sig) {
                return Err(bad_attestation(
                    "packed self-attestation signature does not verify",
                ));
            }
        }
        Statement::Unsupported(fmt) => {
            return Err(bad_attestation(&format!("format {fmt} is not accepted")))
        }
    }

    let Some(start_user) = start.user else {
        return Err(unknown_transaction());
    };
    let mut user = if start.new_user {
        // The login id may have been signed up another way since the start.
        if start_user
            .login_ids
            .iter()
            .any(|l| data.login_index.contains_key(l))
        {
            return Err(signin::user_exists());
        }
        start_user
    } else {
        data.users
            .get(&start_user.user_id)
            .cloned()
            .ok_or_else(signin::user_not_found)?
    };
    user.webauthn = true;
    data.credentials.insert(
        id.clone(),
        Credential {
            id,
            user_id: user.user_id.clone(),
            public_key: key,
            sign_count: auth.sign_count,
            backup_eligible: auth.has(BE),
            backup_state: auth.has(BS),
            created_time: app.now(),
        },
    );
    let mfa = start.options.mfa;
    let grant = signin::grant_for(AMR, start.options);
    Ok(match start.finish {
        WebauthnFinish::Update if mfa => {
            json!({"jwt": signin::finish(app, data, &user, &grant, false)})
        }
        WebauthnFinish::Update => {
            data.insert_user(user);
            json!({})
        }
        _ => signin::finish(app, data, &user, &grant, start.new_user),
    })
}

/// Finishes an assertion: finds the passkey, checks, advances its counter, and signs in.
fn finish_assertion(
    app: &App,
    data: &mut Data,
    start: WebauthnStart,
    response: &str,
) -> ApiResult<Value> {
    let (raw_id, r) = parse_credential(response)?;
    let client_data = b64_member(&r, "clientDataJSON")?;
    let auth_bytes = b64_member(&r, "authenticatorData")?;
    let sig = b64_member(&r, "signature")?;
    let handle = match r.get("userHandle") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(malformed("userHandle is not a string")),
    };

    let id = B64.encode(&raw_id);
    let stored = data
        .credentials
        .get(&id)
        .cloned()
        .ok_or_else(|| unknown_credential("no such credential"))?;
    if !start.allowed.is_empty() && !start.allowed.contains(&id) {
        return Err(unknown_credential("not in allowCredentials"));
    }
    match &start.user {
        Some(u) if u.user_id != stored.user_id => {
            return Err(unknown_credential("the credential is another user's"))
        }
        None if handle.is_none() => {
            return Err(unknown_credential(
                "a discoverable sign-in needs userHandle",
            ))
        }
        _ => {}
    }
    // Compared as base64url strings, which also fits Swift's (un-encoded) handle.
    if handle.is_some_and(|h| h != user_handle(&stored.user_id)) {
        return Err(unknown_credential("userHandle does not name its user"));
    }

    check_client_data(&client_data, "webauthn.get", &start)?;
    let auth = attestation::parse_auth_data(&auth_bytes).map_err(malformed)?;
    check_auth_data(&auth, &start)?;
    if !stored
        .public_key
        .verify(&signed_data(&auth_bytes, &client_data), &sig)
    {
        return Err(unauthorized(
            "E067013",
            "WebAuthn signature does not verify",
        ));
    }
    if (stored.sign_count != 0 || auth.sign_count != 0) && auth.sign_count <= stored.sign_count {
        return Err(unauthorized(
            "E067014",
            "Sign counter did not increase: the authenticator may be cloned",
        ));
    }
    let user = data
        .users
        .get(&stored.user_id)
        .cloned()
        .ok_or_else(|| unknown_credential("its user is gone"))?;
    if let Some(c) = data.credentials.get_mut(&id) {
        c.sign_count = auth.sign_count;
        c.backup_state = auth.has(BS);
    }
    let grant = signin::grant_for(AMR, start.options);
    Ok(signin::finish(app, data, &user, &grant, false))
}

/// `POST /v1/auth/webauthn/{signup|signin|update}/finish {transactionId|transactionID, response}`
/// → JWTResponse (sign-up, sign-in), `{}` or `{jwt}` (update).
pub async fn finish(
    State(app): State<App>,
    Path(op): Path<String>,
    body: axum::body::Bytes,
) -> ApiResult<Json<Value>> {
    let route = match op.as_str() {
        "signup" => WebauthnFinish::SignUp,
        "signin" => WebauthnFinish::SignIn,
        "update" => WebauthnFinish::Update,
        _ => return Err(ApiError::not_found("Unknown operation")),
    };
    let obj = object(&body)?;
    let tx = signin::first_str(&obj, &["transactionId", "transactionID"])?
        .ok_or_else(|| ApiError::missing("transactionId"))?;
    let response = required_str(&obj, "response")?;
    let now = app.now();
    let mut data = app.data.lock();
    // Consumed by any finish, whatever its outcome.
    let start = data
        .webauthn_starts
        .remove(&tx)
        .filter(|s| s.expires_at > now && s.finish == route)
        .ok_or_else(unknown_transaction)?;
    match route {
        WebauthnFinish::SignIn => finish_assertion(&app, &mut data, start, &response),
        _ => finish_registration(&app, &mut data, start, &response),
    }
    .map(Json)
}

/// `GET /emulator/webauthn/credentials?loginId=X` → `{credentials:[{id, userId, alg, signCount,
/// backupEligible, backupState, createdTime}]}` (all users' without `loginId`; never key material).
pub async fn credentials(
    State(app): State<App>,
    Query(q): Query<HashMap<String, String>>,
) -> Json<Value> {
    let data = app.data.lock();
    // An unencoded `+` in a phone login id arrives as a space; accept both.
    let user_id = q.get("loginId").map(|l| {
        data.user_by_login(l)
            .or_else(|| data.user_by_login(&l.replace(' ', "+")))
            .map(|u| u.user_id.clone())
    });
    let list: Vec<Value> = data
        .credentials
        .values()
        .filter(|c| {
            user_id
                .as_ref()
                .is_none_or(|u| u.as_ref() == Some(&c.user_id))
        })
        .map(|c| {
            json!({
                "id": c.id,
                "userId": c.user_id,
                "alg": c.public_key.alg(),
                "signCount": c.sign_count,
                "backupEligible": c.backup_eligible,
                "backupState": c.backup_state,
                "createdTime": c.created_time,
            })
        })
        .collect();
    Json(json!({ "credentials": list }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn origins_and_their_rp_ids() {
        for (origin, rp) in [
            ("http://localhost:4317", "localhost"),
            ("https://App.Example.com", "app.example.com"),
            ("https://app.example.com/", "app.example.com"),
            ("http://[::1]:80", "::1"),
        ] {
            let parsed = parse_origin(origin).ok();
            assert_eq!(parsed.as_ref().map(|p| p.1.as_str()), Some(rp), "{origin}");
            assert_eq!(
                parsed.map(|p| p.0),
                Some(origin.trim_end_matches('/').to_string())
            );
        }
        for bad in [
            "",
            "localhost",
            "ftp://x",
            "https://",
            "https://a.com/path",
            "https://a.com:",
            "https://a.com:8x",
            "https://u@a.com",
            "android:apk-key-hash:abc",
        ] {
            assert!(parse_origin(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn user_handles_are_base64url_of_the_id_without_u() {
        assert_eq!(
            user_handle("U2AljxnsTNtxTofHfEkcj1FPtIlA"),
            "MkFsanhuc1ROdHhUb2ZIZkVrY2oxRlB0SWxB"
        );
    }
}
