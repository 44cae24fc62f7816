//! What the sign-in families of issue 3 share: their operations on the one async path of the
//! client (`Op::Family`), argument readers, the TypeScript types of their results, and the
//! `Descope` members that reach them (`magicLink`, …, `selectTenant`, `myTenants`, `history`).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::links::{self, SignOp};
use descope_core::poll::{self, PollTiming};
use descope_core::request::{
    self, DeliveryMethod, LoginOptions, Request, SignUpUser, UpdateOptions,
};
use descope_core::shape::{self, Shape};
use descope_core::tenant::{self, TenantSelector};
use descope_core::webauthn::Ceremony;
use descope_core::Error;
use descope_core::{oauth, password, totp};
use js_sys::{Array, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{Descope, Inner, Op};
use crate::enchanted_link::EnchantedLink;
use crate::magic_link::MagicLink;
use crate::notp::Notp;
use crate::oauth::OAuth;
use crate::otp::{field, login_options, object_arg, sign_up_user, str_arg, update_options};
use crate::password::Password;
use crate::poll::AbortSignalJs;
use crate::sso::Sso;
use crate::totp::Totp;
use crate::webauthn::{self, WebAuthn};

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
        v.as_f64().map(Some).ok_or_else(|| {
            let mut d = String::from(k);
            d.push_str(" must be a number");
            Error::validation("invalidArgument", &d)
        })
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

/// The operations of the families beyond the `Masked` / `SignIn` ones they share with OTP.
pub(crate) enum FamilyOp {
    /// Resolves to a plain object (or array) made from the response by `shape`.
    Shaped(Request, Shape),
    /// Resolves to `undefined`.
    Void(Request),
    /// Polls a pending session (`pending` is the "not yet" error code) until it is a `Session`.
    Wait(Request, PollTiming, &'static str, Option<AbortSignalJs>),
}

/// Every method of the families, named so that one function ([`go`]) reads the arguments and
/// builds the operation for all of them: a method's own export then only passes its arguments on
/// (one shared body instead of forty inlined ones; each costs about 1 KB of wasm).
#[derive(Clone, Copy)]
pub(crate) enum Call {
    /// `method, loginId, user?, options?` (OTP)
    OtpSign(SignOp),
    /// `method, loginId, code`
    OtpVerify,
    /// `loginId, email, options?`
    OtpUpdateEmail,
    /// `method, loginId, phone, options?`
    OtpUpdatePhone,
    /// `method, loginId, redirectUrl?, user?, options?`
    MagicSign(SignOp),
    /// `token`
    MagicVerify,
    /// `loginId, email, redirectUrl?, options?`
    MagicUpdateEmail,
    /// `method, loginId, phone, redirectUrl?, options?`
    MagicUpdatePhone,
    /// `loginId, redirectUrl?, user?, options?`
    EnchantedSign(SignOp),
    /// `loginId, email, redirectUrl?, options?`
    EnchantedUpdateEmail,
    /// `token`
    EnchantedVerify,
    /// `pendingRef, opts?`
    EnchantedWait,
    /// `loginId?, user?, options?`
    NotpSign(SignOp),
    /// `pendingRef, opts?`
    NotpWait,
    /// `provider, redirectUrl?, options?`
    OAuthStart,
    /// `code`
    OAuthExchange,
    /// `tenant, redirectUrl?, options?`
    SsoStart,
    /// `code`
    SsoExchange,
    /// `loginId, user?`
    TotpSignUp,
    /// `loginId, code, options?`
    TotpVerify,
    /// `loginId`
    TotpUpdate,
    /// `loginId, password, user?, options?`
    PasswordSignUp,
    /// `loginId, password, options?`
    PasswordSignIn,
    /// `loginId, oldPassword, newPassword`
    PasswordReplace,
    /// `loginId, redirectUrl?`
    PasswordSendReset,
    /// `loginId, newPassword`
    PasswordUpdate,
    PasswordPolicy,
    /// `tenantId`
    SelectTenant,
    /// `true | string[]`
    MyTenants,
    History,
    /// `webauthn.signUp(loginId, name?, options?)`, `signIn(loginId?, options?)`,
    /// `signUpOrIn(loginId, options?)`, `update(loginId)`
    WebAuthn(Ceremony),
    /// `webauthn.autofill(opts?)`
    WebAuthnAutofill,
}

/// Starts `call` with its arguments in order (`None` for a missing optional one).
#[inline(never)]
pub(crate) fn go(inner: &Rc<Inner>, call: Call, args: &[Option<&JsValue>]) -> Promise {
    inner.start(op(call, args))
}

/// The arguments of one call, read in order. The first bad argument's error is kept and the
/// readers after it return placeholders without reading anything, so each call checks once
/// ([`Args::then`]) instead of returning early at every argument (each early return repeated the
/// drops of everything read before it).
struct Args<'a> {
    v: &'a [Option<&'a JsValue>],
    err: Option<Error>,
}

impl<'a> Args<'a> {
    fn arg(&self, i: usize) -> Option<&'a JsValue> {
        self.v.get(i).copied().flatten()
    }

    /// `r`'s value, or `T::default()` after recording its error; nothing is read after an error.
    #[inline(never)]
    fn read<T: Default>(
        &mut self,
        i: usize,
        f: impl FnOnce(Option<&'a JsValue>) -> Result<T, Error>,
    ) -> T {
        if self.err.is_some() {
            return T::default();
        }
        f(self.arg(i)).unwrap_or_else(|e| {
            self.err = Some(e);
            T::default()
        })
    }

    /// Argument `i` as a string.
    fn text(&mut self, i: usize, name: &str) -> String {
        self.read(i, |v| str_arg(v.unwrap_or(&JsValue::UNDEFINED), name))
    }

    fn opt_text(&mut self, i: usize, name: &str) -> Option<String> {
        self.read(i, |v| opt_str_arg(v, name))
    }

    fn method(&mut self, parse: fn(&str) -> Result<DeliveryMethod, Error>) -> DeliveryMethod {
        self.read(0, |v| {
            parse(&v.and_then(JsValue::as_string).unwrap_or_default()).map(Some)
        })
        .unwrap_or(DeliveryMethod::Email)
    }

    fn user(&mut self, i: usize) -> Option<SignUpUser> {
        self.read(i, sign_up_user)
    }

    fn login(&mut self, i: usize) -> LoginOptions {
        self.read(i, login_options)
    }

    fn update(&mut self, i: usize) -> UpdateOptions {
        self.read(i, update_options)
    }

    /// `f()` when every argument read well, else the first argument error.
    fn then<T>(&mut self, f: impl FnOnce() -> Result<T, Error>) -> Result<T, Error> {
        match self.err.take() {
            Some(e) => Err(e),
            None => f(),
        }
    }
}

fn op(call: Call, args: &[Option<&JsValue>]) -> Result<Op, Error> {
    let mut a = Args { v: args, err: None };
    let shaped = |shape: Shape| move |r: Request| Op::Family(FamilyOp::Shaped(r, shape));
    let void = |r: Request| Op::Family(FamilyOp::Void(r));
    let wait = |pending: &'static str| {
        move |r: Request| -> Result<Op, Error> {
            let (t, signal) = wait_args(args.get(1).copied().flatten())?;
            Ok(Op::Family(FamilyOp::Wait(r, t, pending, signal)))
        }
    };
    // Every arm reads its arguments, then builds: the temporaries are dropped once, at the end
    // of the arm, whatever the outcome.
    match call {
        Call::OtpSign(o) => {
            let m = a.method(DeliveryMethod::parse);
            let id = a.text(1, "loginId");
            let user = a.user(2);
            let opts = a.login(3);
            a.then(|| match o {
                SignOp::SignUp => request::otp_sign_up(m, &id, user.as_ref(), &opts),
                SignOp::SignIn => request::otp_sign_in(m, &id, &opts),
                SignOp::SignUpOrIn => request::otp_sign_up_or_in(m, &id, &opts),
            })
            .map(Op::Masked)
        }
        Call::OtpVerify => {
            let m = a.method(DeliveryMethod::parse);
            let id = a.text(1, "loginId");
            let code = a.text(2, "code");
            a.then(|| request::otp_verify(m, &id, &code))
                .map(Op::SignIn)
        }
        Call::OtpUpdateEmail => {
            let id = a.text(0, "loginId");
            let email = a.text(1, "email");
            let opts = a.update(2);
            a.then(|| request::otp_update_email(&id, &email, &opts))
                .map(Op::Masked)
        }
        Call::OtpUpdatePhone => {
            let m = a.method(DeliveryMethod::parse_phone);
            let id = a.text(1, "loginId");
            let phone = a.text(2, "phone");
            let opts = a.update(3);
            a.then(|| request::otp_update_phone(m, &id, &phone, &opts))
                .map(Op::Masked)
        }
        Call::MagicSign(o) => {
            let m = a.method(DeliveryMethod::parse_link);
            let id = a.text(1, "loginId");
            let uri = a.opt_text(2, "redirectUrl");
            let user = a.user(3);
            let opts = a.login(4);
            a.then(|| links::magic_link_sign(o, m, &id, uri.as_deref(), user.as_ref(), &opts))
                .map(Op::Masked)
        }
        Call::MagicVerify => {
            let token = a.text(0, "token");
            a.then(|| links::magic_link_verify(&token)).map(Op::SignIn)
        }
        // One arm for both link families: the same arguments and checks, another path and
        // answer (`MaskedAddress` / `PendingLink`).
        Call::MagicUpdateEmail | Call::EnchantedUpdateEmail => {
            let enchanted = matches!(call, Call::EnchantedUpdateEmail);
            let id = a.text(0, "loginId");
            let email = a.text(1, "email");
            let uri = a.opt_text(2, "redirectUrl");
            let opts = a.update(3);
            a.then(|| links::link_update_email(enchanted, &id, &email, uri.as_deref(), &opts))
                .map(|r| {
                    if enchanted {
                        shaped(shape::PENDING_LINK)(r)
                    } else {
                        Op::Masked(r)
                    }
                })
        }
        Call::MagicUpdatePhone => {
            let m = a.method(DeliveryMethod::parse_link_phone);
            let id = a.text(1, "loginId");
            let phone = a.text(2, "phone");
            let uri = a.opt_text(3, "redirectUrl");
            let opts = a.update(4);
            a.then(|| links::magic_link_update_phone(m, &id, &phone, uri.as_deref(), &opts))
                .map(Op::Masked)
        }
        Call::EnchantedSign(o) => {
            let id = a.text(0, "loginId");
            let uri = a.opt_text(1, "redirectUrl");
            let user = a.user(2);
            let opts = a.login(3);
            a.then(|| links::enchanted_link_sign(o, &id, uri.as_deref(), user.as_ref(), &opts))
                .map(shaped(shape::PENDING_LINK))
        }
        Call::EnchantedVerify => {
            let token = a.text(0, "token");
            a.then(|| links::enchanted_link_verify(&token)).map(void)
        }
        Call::EnchantedWait => {
            let r = a.text(0, "pendingRef");
            a.then(|| links::enchanted_link_pending(&r))
                .and_then(wait(poll::ENCHANTED_LINK_PENDING))
        }
        Call::NotpSign(o) => {
            let id = a.opt_text(0, "loginId");
            let user = a.user(1);
            let opts = a.login(2);
            a.then(|| links::notp_sign(o, id.as_deref(), user.as_ref(), &opts))
                .map(shaped(shape::PENDING_NOTP))
        }
        Call::NotpWait => {
            let r = a.text(0, "pendingRef");
            a.then(|| links::notp_pending(&r))
                .and_then(wait(poll::NOTP_PENDING))
        }
        Call::OAuthStart => {
            let provider = a.text(0, "provider");
            let uri = a.opt_text(1, "redirectUrl");
            let opts = a.login(2);
            a.then(|| oauth::oauth_start(&provider, uri.as_deref(), &opts))
                .map(shaped(shape::URL))
        }
        Call::SsoStart => {
            let tenant = a.text(0, "tenant");
            let uri = a.opt_text(1, "redirectUrl");
            let opts = a.login(2);
            a.then(|| oauth::sso_start(&tenant, uri.as_deref(), &opts))
                .map(shaped(shape::URL))
        }
        Call::OAuthExchange => {
            let code = a.text(0, "code");
            a.then(|| oauth::oauth_exchange(&code)).map(Op::SignIn)
        }
        Call::SsoExchange => {
            let code = a.text(0, "code");
            a.then(|| oauth::sso_exchange(&code)).map(Op::SignIn)
        }
        Call::TotpSignUp => {
            let id = a.text(0, "loginId");
            let user = a.user(1);
            a.then(|| totp::totp_sign_up(&id, user.as_ref()))
                .map(shaped(shape::TOTP))
        }
        Call::TotpVerify => {
            let id = a.text(0, "loginId");
            let code = a.text(1, "code");
            let opts = a.login(2);
            a.then(|| totp::totp_verify(&id, &code, &opts))
                .map(Op::SignIn)
        }
        Call::TotpUpdate => {
            let id = a.text(0, "loginId");
            a.then(|| totp::totp_update(&id)).map(shaped(shape::TOTP))
        }
        Call::PasswordSignUp => {
            let id = a.text(0, "loginId");
            let pw = a.text(1, "password");
            let user = a.user(2);
            let opts = a.login(3);
            a.then(|| password::password_sign_up(&id, &pw, user.as_ref(), &opts))
                .map(Op::SignIn)
        }
        Call::PasswordSignIn => {
            let id = a.text(0, "loginId");
            let pw = a.text(1, "password");
            let opts = a.login(2);
            a.then(|| password::password_sign_in(&id, &pw, &opts))
                .map(Op::SignIn)
        }
        Call::PasswordReplace => {
            let id = a.text(0, "loginId");
            let old = a.text(1, "oldPassword");
            let new = a.text(2, "newPassword");
            a.then(|| password::password_replace(&id, &old, &new))
                .map(Op::SignIn)
        }
        Call::PasswordSendReset => {
            let id = a.text(0, "loginId");
            let uri = a.opt_text(1, "redirectUrl");
            a.then(|| password::password_send_reset(&id, uri.as_deref()))
                .map(shaped(shape::RESET))
        }
        Call::PasswordUpdate => {
            let id = a.text(0, "loginId");
            let new = a.text(1, "newPassword");
            a.then(|| password::password_update(&id, &new)).map(void)
        }
        Call::PasswordPolicy => Ok(shaped(shape::POLICY)(password::password_policy())),
        Call::SelectTenant => {
            let id = a.text(0, "tenantId");
            a.then(|| tenant::select_tenant(&id)).map(Op::SignIn)
        }
        Call::MyTenants => my_tenants_request(a.arg(0)).map(shaped(shape::TENANTS)),
        Call::History => Ok(shaped(shape::HISTORY)(tenant::history())),
        Call::WebAuthn(c) => {
            let id = a.opt_text(0, "loginId");
            let sign_up = c == Ceremony::SignUp;
            let name = if sign_up { a.opt_text(1, "name") } else { None };
            let opts = a.login(if sign_up { 2 } else { 1 });
            a.then(|| webauthn::passkey(c, id.as_deref(), name.as_deref(), &opts, None))
                .map(Op::WebAuthn)
        }
        Call::WebAuthnAutofill => {
            let signal = a.read(0, |v| match object_arg(v, "opts")? {
                Some(o) => signal_field(o),
                None => Ok(None),
            });
            let opts = LoginOptions::default();
            a.then(|| webauthn::passkey(Ceremony::SignIn, None, None, &opts, Some(signal)))
                .map(Op::WebAuthn)
        }
    }
}

fn my_tenants_request(selector: Option<&JsValue>) -> Result<Request, Error> {
    if selector.and_then(JsValue::as_bool) == Some(true) {
        return tenant::my_tenants(TenantSelector::Current);
    }
    let bad = || {
        Error::validation(
            "invalidArgument",
            "selector must be true or an array of tenant ids",
        )
    };
    let arr = selector.filter(|s| Array::is_array(s)).ok_or_else(bad)?;
    // Indexed through `Reflect` (as `Array::iter` would read them) without two more glue imports.
    let len = field(arr, "length").as_f64().unwrap_or(0.0) as u32;
    let mut ids = Vec::new();
    for i in 0..len {
        let id = Reflect::get(arr, &JsValue::from(i))
            .ok()
            .and_then(|v| v.as_string());
        ids.push(id.ok_or_else(bad)?);
    }
    let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
    tenant::my_tenants(TenantSelector::Ids(&refs))
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
        go(&self.inner, Call::SelectTenant, &[Some(&tenant_id)])
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
        go(&self.inner, Call::MyTenants, &[Some(&selector)])
    }

    /// The signed-in user's sign-in history, newest first.
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent).
    #[wasm_bindgen(unchecked_return_type = "Promise<LoginHistoryEntry[]>")]
    pub fn history(&self) -> Promise {
        go(&self.inner, Call::History, &[])
    }
}
