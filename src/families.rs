//! The sign-in families. Their classes are JS (src/families.js, declared in src/families.d.ts):
//! every method calls the client's one dispatcher, `Descope.__call(method, ...args)`, which finds
//! the method's row of [`METHODS`]. Most rows are an entry of the wire table
//! (`descope_core::wire`): [`go`] reads the JS arguments as the entry declares them and starts the
//! call on the one async path of the client (`Op::Send` / `Op::Wait`); passkeys go to
//! `crate::webauthn`. Here too: the argument readers, the TypeScript types of the results, and the
//! `Descope` members that reach the families (`otp`, `magicLink`, …, `selectTenant`, `myTenants`,
//! `history`).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::poll::{self, PollTiming};
use descope_core::request::{DeliveryMethod, LoginOptions, SignUpUser, UpdateOptions};
use descope_core::webauthn::Ceremony;
use descope_core::wire::{self, Answer, Arg, Kind, Spec, Value};
use descope_core::Error;
use js_sys::{Array, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{Descope, Inner, Op};
use crate::js::{field, item};
use crate::poll::AbortSignalJs;
use crate::webauthn;

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

/// The family classes, as wasm-bindgen would declare them (scripts/patch-glue.mjs edits them with
/// its own classes: `free()` documented, `[Symbol.dispose]` dropped).
#[wasm_bindgen(typescript_custom_section)]
const TS_FAMILY_CLASSES: &'static str = include_str!("families.d.ts");

#[wasm_bindgen(module = "/src/families.js")]
extern "C" {
    /// A new object of the family class `kind` over `d`.
    #[wasm_bindgen(js_name = family)]
    fn new_family(kind: u32, d: Descope) -> JsValue;
}

/// The family classes, in the order of `classes` in src/families.js.
#[derive(Clone, Copy)]
#[repr(u32)]
enum Class {
    EnchantedLink,
    MagicLink,
    Notp,
    OAuth,
    Otp,
    Password,
    Sso,
    Totp,
    WebAuthn,
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

/// What a method of a family class does.
enum Target {
    /// The wire table's entry (see [`go`]).
    Wire(&'static Spec),
    /// A passkey call (`loginId`, `name` for sign-up, `options`).
    Passkey(Ceremony),
    /// `webauthn.autofill(opts)`.
    PasskeyAutofill,
    /// `webauthn.isSupported()`: a boolean, not a promise.
    PasskeySupported,
}

use Target::{Passkey, Wire};

/// The methods of the family classes, numbered as src/families.js numbers them: the classes by
/// name, their methods as src/families.d.ts lists them.
static METHODS: [Target; 41] = [
    // EnchantedLink
    Wire(&wire::ENCHANTED_LINK_SIGN_IN),
    Wire(&wire::ENCHANTED_LINK_SIGN_UP_OR_IN),
    Wire(&wire::ENCHANTED_LINK_SIGN_UP),
    Wire(&wire::ENCHANTED_LINK_UPDATE_EMAIL),
    Wire(&wire::ENCHANTED_LINK_VERIFY),
    Wire(&wire::ENCHANTED_LINK_WAIT),
    // MagicLink (6)
    Wire(&wire::MAGIC_LINK_SIGN_IN),
    Wire(&wire::MAGIC_LINK_SIGN_UP_OR_IN),
    Wire(&wire::MAGIC_LINK_SIGN_UP),
    Wire(&wire::MAGIC_LINK_UPDATE_EMAIL),
    Wire(&wire::MAGIC_LINK_UPDATE_PHONE),
    Wire(&wire::MAGIC_LINK_VERIFY),
    // Notp (12)
    Wire(&wire::NOTP_SIGN_IN),
    Wire(&wire::NOTP_SIGN_UP_OR_IN),
    Wire(&wire::NOTP_SIGN_UP),
    Wire(&wire::NOTP_WAIT),
    // OAuth (16)
    Wire(&wire::OAUTH_EXCHANGE),
    Wire(&wire::OAUTH_START),
    // Otp (18)
    Wire(&wire::OTP_SIGN_IN),
    Wire(&wire::OTP_SIGN_UP_OR_IN),
    Wire(&wire::OTP_SIGN_UP),
    Wire(&wire::OTP_UPDATE_EMAIL),
    Wire(&wire::OTP_UPDATE_PHONE),
    Wire(&wire::OTP_VERIFY),
    // Password (24)
    Wire(&wire::PASSWORD_POLICY),
    Wire(&wire::PASSWORD_REPLACE),
    Wire(&wire::PASSWORD_SEND_RESET),
    Wire(&wire::PASSWORD_SIGN_IN),
    Wire(&wire::PASSWORD_SIGN_UP),
    Wire(&wire::PASSWORD_UPDATE),
    // Sso (30)
    Wire(&wire::SSO_EXCHANGE),
    Wire(&wire::SSO_START),
    // Totp (32)
    Wire(&wire::TOTP_SIGN_UP),
    Wire(&wire::TOTP_UPDATE),
    Wire(&wire::TOTP_VERIFY),
    // WebAuthn (35)
    Target::PasskeyAutofill,
    Target::PasskeySupported,
    Passkey(Ceremony::SignIn),
    Passkey(Ceremony::SignUpOrIn),
    Passkey(Ceremony::SignUp),
    Passkey(Ceremony::Update),
];

impl Descope {
    /// A new object of the family class `class`, with its own `Descope` object over this client's
    /// state (`free()` on either frees only that object).
    fn family(&self, class: Class) -> JsValue {
        let d = Descope {
            inner: self.inner.clone(),
        };
        new_family(class as u32, d)
    }
}

#[wasm_bindgen]
impl Descope {
    /// The family classes' one entry (src/families.js): runs `METHODS[method]` with the JS
    /// arguments in order (at most five; the missing ones are `undefined`).
    #[wasm_bindgen(js_name = __call, skip_typescript)]
    pub fn call(
        &self,
        method: u32,
        a: JsValue,
        b: JsValue,
        c: JsValue,
        d: JsValue,
        e: JsValue,
    ) -> JsValue {
        let args = [&a, &b, &c, &d, &e];
        let inner = &self.inner;
        match METHODS.get(method as usize) {
            Some(Wire(spec)) => go(inner, spec, &args).into(),
            Some(Passkey(ceremony)) => webauthn::start(inner, *ceremony, &args).into(),
            Some(Target::PasskeyAutofill) => webauthn::autofill(inner, &a).into(),
            Some(Target::PasskeySupported) => webauthn::is_supported().into(),
            None => JsValue::UNDEFINED,
        }
    }

    /// One-time-password sign-in (email, SMS, voice, WhatsApp).
    #[wasm_bindgen(getter, unchecked_return_type = "Otp")]
    pub fn otp(&self) -> JsValue {
        self.family(Class::Otp)
    }

    /// Magic-link sign-in (email, SMS, WhatsApp): a link is sent, its page calls `verify(token)`.
    #[wasm_bindgen(getter, unchecked_return_type = "MagicLink", js_name = magicLink)]
    pub fn magic_link(&self) -> JsValue {
        self.family(Class::MagicLink)
    }

    /// Enchanted-link sign-in: a link is emailed; this page waits for it to be opened.
    #[wasm_bindgen(getter, unchecked_return_type = "EnchantedLink", js_name = enchantedLink)]
    pub fn enchanted_link(&self) -> JsValue {
        self.family(Class::EnchantedLink)
    }

    /// Social sign-in (Google, GitHub, …) through Descope's OAuth redirect.
    #[wasm_bindgen(getter, unchecked_return_type = "OAuth")]
    pub fn oauth(&self) -> JsValue {
        self.family(Class::OAuth)
    }

    /// Enterprise SSO (SAML / OIDC) through Descope's redirect.
    #[wasm_bindgen(getter, unchecked_return_type = "Sso")]
    pub fn sso(&self) -> JsValue {
        self.family(Class::Sso)
    }

    /// Authenticator-app (TOTP) sign-in.
    #[wasm_bindgen(getter, unchecked_return_type = "Totp")]
    pub fn totp(&self) -> JsValue {
        self.family(Class::Totp)
    }

    /// Password sign-in, reset and policy.
    #[wasm_bindgen(getter, unchecked_return_type = "Password")]
    pub fn password(&self) -> JsValue {
        self.family(Class::Password)
    }

    /// WhatsApp "no-OTP" sign-in.
    #[wasm_bindgen(getter, unchecked_return_type = "Notp")]
    pub fn notp(&self) -> JsValue {
        self.family(Class::Notp)
    }

    /// Passkeys (WebAuthn): sign up, sign in (also from the username field's autofill), add one.
    #[wasm_bindgen(getter, unchecked_return_type = "WebAuthn")]
    pub fn webauthn(&self) -> JsValue {
        self.family(Class::WebAuthn)
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
