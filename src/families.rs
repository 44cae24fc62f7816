//! What the sign-in methods share: [`go`], which reads a method's JS arguments as its entry in
//! the wire table (`descope_core::wire`) declares them and starts it on the one async path of the
//! client (`Op::Send` / `Op::Wait`); the argument readers; the TypeScript types of the results;
//! and the `Descope` members that reach the families (`magicLink`, …, `selectTenant`,
//! `myTenants`, `history`).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::poll::{self, PollTiming};
use descope_core::request::{DeliveryMethod, LoginOptions, SignUpUser, UpdateOptions};
use descope_core::wire::{self, Answer, Arg, Kind, Spec, Value};
use descope_core::Error;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{Descope, Inner, Op};
use crate::enchanted_link::EnchantedLink;
use crate::js::{field, item};
use crate::magic_link::MagicLink;
use crate::notp::Notp;
use crate::oauth::OAuth;
use crate::password::Password;
use crate::poll::AbortSignalJs;
use crate::sso::Sso;
use crate::totp::Totp;
use crate::webauthn::WebAuthn;

#[wasm_bindgen(typescript_custom_section)]
const TS_FAMILY_TYPES: &'static str = r#"
/** How a magic link is delivered. */
export type LinkMethod = "email" | "sms" | "whatsapp";

/** An enchanted link was emailed: show `linkId` to the user, then call `waitForSession(pendingRef)`. */
export interface PendingLink {
  pendingRef: string;
  /** The number shown next to the right link in the email. */
  linkId: string;
  maskedEmail: string;
}

/** A NOTP sign-in was started: open or show `redirectUrl` (or its QR code `image`), then `waitForSession(pendingRef)`. */
export interface PendingNotp {
  pendingRef: string;
  /** The WhatsApp link that approves the sign-in. */
  redirectUrl: string;
  /** Base64 PNG of a QR code of `redirectUrl`. */
  image: string;
}

/**
 * Options of `waitForSession`. `pollIntervalMs` defaults to 1000 and is raised to 1000 when lower;
 * `timeoutMs` defaults to 600000 and is lowered to 600000 when higher. On timeout the promise rejects
 * with kind "timeout", code "pollingTimeout"; when `signal` aborts (before or during the wait) it
 * rejects at once with kind "aborted", code "aborted".
 */
export interface WaitOptions {
  pollIntervalMs?: number;
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The start of an OAuth or SSO sign-in: send the browser to `url`. */
export interface RedirectStart {
  url: string;
}

/** A new TOTP seed: `image` is a base64 PNG QR code of `provisioningUrl`; `key` is the secret. */
export interface TotpResponse {
  provisioningUrl: string;
  image: string;
  key: string;
}

/** How a password reset was sent. */
export interface PasswordResetResponse {
  /** E.g. "magiclink". */
  resetMethod: string;
  maskedEmail?: string;
}

/** The project's password rules. */
export interface PasswordPolicy {
  minLength: number;
  lowercase: boolean;
  uppercase: boolean;
  number: boolean;
  nonAlphanumeric: boolean;
}

/** A tenant of the signed-in user. */
export interface Tenant {
  id: string;
  name: string;
  customAttributes?: Record<string, unknown>;
}

/** One sign-in or tenant selection of the signed-in user, newest first. */
export interface LoginHistoryEntry {
  userId: string;
  /** Unix seconds. */
  loginTime: number;
  city: string;
  country: string;
  ip: string;
  selectedTenant?: string;
}
"#;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(typescript_type = "LinkMethod")]
    pub type LinkMethodJs;
    #[wasm_bindgen(typescript_type = "\"sms\" | \"whatsapp\"")]
    pub type LinkPhoneMethodJs;
    #[wasm_bindgen(typescript_type = "WaitOptions")]
    pub type WaitOptionsJs;
}

// Argument readers: each checks a JS value's type, naming the argument in its error.

fn invalid(name: &str, what: &str) -> Error {
    let mut d = String::from(name);
    d.push_str(what);
    Error::validation("invalidArgument", &d)
}

pub(crate) fn str_arg(v: &JsValue, name: &str) -> Result<String, Error> {
    v.as_string()
        .ok_or_else(|| invalid(name, " must be a string"))
}

fn opt_str_field(obj: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    str_arg(&v, key).map(Some)
}

fn opt_bool_field(obj: &JsValue, key: &str) -> Result<Option<bool>, Error> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    v.as_bool()
        .map(Some)
        .ok_or_else(|| invalid(key, " must be a boolean"))
}

pub(crate) fn object_arg<'a>(
    v: Option<&'a JsValue>,
    name: &str,
) -> Result<Option<&'a JsValue>, Error> {
    match v {
        None => Ok(None),
        Some(v) if v.is_undefined() || v.is_null() => Ok(None),
        Some(v) if v.is_object() && !js_sys::Array::is_array(v) => Ok(Some(v)),
        Some(_) => Err(invalid(name, " must be an object")),
    }
}

/// An object-valued option as JSON text (the core checks its shape).
fn json_field(obj: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = field(obj, key);
    if v.is_undefined() || v.is_null() {
        return Ok(None);
    }
    object_arg(Some(&v), key)?;
    js_sys::JSON::stringify(&v)
        .ok()
        .and_then(|s| s.as_string())
        .map(Some)
        .ok_or_else(|| invalid(key, " must be JSON-serialisable"))
}

pub(crate) fn login_options(v: Option<&JsValue>) -> Result<LoginOptions, Error> {
    let Some(o) = object_arg(v, "options")? else {
        return Ok(LoginOptions::default());
    };
    Ok(LoginOptions {
        stepup: opt_bool_field(o, "stepup")?.unwrap_or(false),
        mfa: opt_bool_field(o, "mfa")?.unwrap_or(false),
        custom_claims: json_field(o, "customClaims")?,
        template_options: json_field(o, "templateOptions")?,
    })
}

pub(crate) fn sign_up_user(v: Option<&JsValue>) -> Result<Option<SignUpUser>, Error> {
    let Some(o) = object_arg(v, "user")? else {
        return Ok(None);
    };
    // The first bad member is kept and nothing is read after it: one check at the end instead of
    // an early return after each member, each repeating the drops of the members read before it
    // (measured: 72 B gzip less).
    let mut err = None;
    let mut member = |key: &str| {
        if err.is_some() {
            return None;
        }
        opt_str_field(o, key).unwrap_or_else(|e| {
            err = Some(e);
            None
        })
    };
    let user = SignUpUser {
        name: member("name"),
        given_name: member("givenName"),
        middle_name: member("middleName"),
        family_name: member("familyName"),
        email: member("email"),
        phone: member("phone"),
    };
    match err {
        Some(e) => Err(e),
        None => Ok(Some(user)),
    }
}

pub(crate) fn update_options(v: Option<&JsValue>) -> Result<UpdateOptions, Error> {
    let Some(o) = object_arg(v, "options")? else {
        return Ok(UpdateOptions::default());
    };
    Ok(UpdateOptions {
        add_to_login_ids: opt_bool_field(o, "addToLoginIDs")?,
        on_merge_use_existing: opt_bool_field(o, "onMergeUseExisting")?,
        template_options: json_field(o, "templateOptions")?,
    })
}

/// An optional string argument: `undefined`, `null` → `None`; a string → `Some`; else `validation`.
#[inline(never)]
pub(crate) fn opt_str_arg(v: Option<&JsValue>, name: &str) -> Result<Option<String>, Error> {
    match v {
        None => Ok(None),
        Some(v) if v.is_undefined() || v.is_null() => Ok(None),
        Some(v) => str_arg(v, name).map(Some),
    }
}

/// `waitForSession`'s options: bounded timing and the abort signal.
pub(crate) fn wait_args(
    opts: Option<&JsValue>,
) -> Result<(PollTiming, Option<AbortSignalJs>), Error> {
    let Some(o) = object_arg(opts, "opts")? else {
        return poll::timing(None, None).map(|t| (t, None));
    };
    let num = |k: &str| -> Result<Option<f64>, Error> {
        let v = field(o, k);
        if v.is_undefined() || v.is_null() {
            return Ok(None);
        }
        v.as_f64()
            .map(Some)
            .ok_or_else(|| invalid(k, " must be a number"))
    };
    let timing = poll::timing(num("pollIntervalMs")?, num("timeoutMs")?)?;
    Ok((timing, signal_field(o)?))
}

/// The `signal` member of an options object: absent, or something with a boolean `aborted`.
pub(crate) fn signal_field(o: &JsValue) -> Result<Option<AbortSignalJs>, Error> {
    let s = field(o, "signal");
    if s.is_undefined() || s.is_null() {
        Ok(None)
    } else if field(&s, "aborted").as_bool().is_some() {
        Ok(Some(s.unchecked_into::<AbortSignalJs>()))
    } else {
        Err(Error::validation(
            "invalidArgument",
            "signal must be an AbortSignal",
        ))
    }
}

/// Starts the method `spec` of the wire table with its JS arguments in order: every method's
/// export only passes its arguments on (one shared body instead of forty inlined ones).
#[inline(never)]
pub(crate) fn go(inner: &Rc<Inner>, spec: &'static Spec, args: &[&JsValue]) -> Promise {
    inner.start(op(spec, args))
}

fn op(spec: &Spec, args: &[&JsValue]) -> Result<Op, Error> {
    let values = read_args(spec.args, args)?;
    let req = wire::request(spec, &values)?;
    if let Answer::Wait(pending) = spec.answer {
        let (t, signal) = wait_args(args.get(spec.args.len()).copied())?;
        return Ok(Op::Wait(req, t, pending.code(), signal));
    }
    Ok(Op::Send(req, spec.answer))
}

/// Reads `args` as `decl` declares them, in order; the first bad one is the error.
fn read_args(decl: &[Arg], args: &[&JsValue]) -> Result<Vec<Value>, Error> {
    let mut values = Vec::with_capacity(decl.len());
    for (i, a) in decl.iter().enumerate() {
        values.push(read_arg(a, args.get(i).copied())?);
    }
    Ok(values)
}

/// One argument (`None`: not passed), as its kind says. Not inlined into [`go`]: measured
/// 55 B gzip smaller.
#[inline(never)]
fn read_arg(a: &Arg, v: Option<&JsValue>) -> Result<Value, Error> {
    Ok(match a.kind {
        // Anything but one of the methods allowed (a string) is `invalidMethod`.
        Kind::Method(set) => {
            let s = v.and_then(JsValue::as_string).unwrap_or_default();
            Value::Method(DeliveryMethod::parse(&s, set.allowed())?)
        }
        Kind::User => sign_up_user(v)?.map_or(Value::Absent, Value::User),
        Kind::LoginOptions | Kind::LoginOptionsBody => Value::LoginOptions(login_options(v)?),
        Kind::UpdateOptions => Value::UpdateOptions(update_options(v)?),
        Kind::Tenants => Value::Tenants(tenant_selector(v)?),
        Kind::OptLoginId | Kind::RedirectUrl | Kind::QueryRedirectUrl => {
            opt_str_arg(v, a.name)?.map_or(Value::Absent, Value::Text)
        }
        _ => Value::Text(str_arg(v.unwrap_or(&JsValue::UNDEFINED), a.name)?),
    })
}

/// `myTenants`' selector: `true` (`None`) or an array of strings.
fn tenant_selector(selector: Option<&JsValue>) -> Result<Option<Vec<String>>, Error> {
    if selector.and_then(JsValue::as_bool) == Some(true) {
        return Ok(None);
    }
    let bad = || {
        Error::validation(
            "invalidArgument",
            "selector must be true or an array of tenant ids",
        )
    };
    let arr = selector.filter(|s| Array::is_array(s)).ok_or_else(bad)?;
    let len = field(arr, "length").as_f64().unwrap_or(0.0) as u32;
    let mut ids = Vec::new();
    for i in 0..len {
        let id = item(arr, i).as_string();
        ids.push(id.ok_or_else(bad)?);
    }
    Ok(Some(ids))
}

#[wasm_bindgen]
impl Descope {
    /// Magic-link sign-in (email, SMS, WhatsApp): a link is sent, its page calls `verify(token)`.
    #[wasm_bindgen(getter, js_name = magicLink)]
    pub fn magic_link(&self) -> MagicLink {
        MagicLink::new(self.inner.clone())
    }

    /// Enchanted-link sign-in: a link is emailed; this page waits for it to be opened.
    #[wasm_bindgen(getter, js_name = enchantedLink)]
    pub fn enchanted_link(&self) -> EnchantedLink {
        EnchantedLink::new(self.inner.clone())
    }

    /// Social sign-in (Google, GitHub, …) through Descope's OAuth redirect.
    #[wasm_bindgen(getter)]
    pub fn oauth(&self) -> OAuth {
        OAuth::new(self.inner.clone())
    }

    /// Enterprise SSO (SAML / OIDC) through Descope's redirect.
    #[wasm_bindgen(getter)]
    pub fn sso(&self) -> Sso {
        Sso::new(self.inner.clone())
    }

    /// Authenticator-app (TOTP) sign-in.
    #[wasm_bindgen(getter)]
    pub fn totp(&self) -> Totp {
        Totp::new(self.inner.clone())
    }

    /// Password sign-in, reset and policy.
    #[wasm_bindgen(getter)]
    pub fn password(&self) -> Password {
        Password::new(self.inner.clone())
    }

    /// WhatsApp "no-OTP" sign-in.
    #[wasm_bindgen(getter)]
    pub fn notp(&self) -> Notp {
        Notp::new(self.inner.clone())
    }

    /// Passkeys (WebAuthn): sign up, sign in (also from the username field's autofill), add one.
    #[wasm_bindgen(getter)]
    pub fn webauthn(&self) -> WebAuthn {
        WebAuthn::new(self.inner.clone())
    }

    /// Selects a tenant of the signed-in user: the new session's tokens carry `dct`
    /// (`session.currentTenant`). The session becomes current, is persisted and announced
    /// (`signedIn`).
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent); `api`/`unauthenticated` from the
    /// server for a tenant the user is not a member of.
    #[wasm_bindgen(js_name = selectTenant, unchecked_return_type = "Promise<Session>")]
    pub fn select_tenant(
        &self,
        #[wasm_bindgen(js_name = tenantId, unchecked_param_type = "string")] tenant_id: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::SELECT_TENANT, &[&tenant_id])
    }

    /// The signed-in user's tenants: `true` for the selected (`dct`) tenant, or these ids.
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent).
    #[wasm_bindgen(
        js_name = myTenants,
        unchecked_return_type = "Promise<{ tenants: Tenant[] }>"
    )]
    pub fn my_tenants(
        &self,
        #[wasm_bindgen(unchecked_param_type = "true | string[]")] selector: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::MY_TENANTS, &[&selector])
    }

    /// The signed-in user's sign-in history, newest first.
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent).
    #[wasm_bindgen(unchecked_return_type = "Promise<LoginHistoryEntry[]>")]
    pub fn history(&self) -> Promise {
        go(&self.inner, &wire::HISTORY, &[])
    }
}
