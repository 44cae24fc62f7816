//! What the sign-in families of issue 3 share: their operations on the one async path of the
//! client (`Op::Family`), argument readers, the TypeScript types of their results, and the
//! `Descope` members that reach them (`magicLink`, …, `selectTenant`, `myTenants`, `history`).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::links::{self, SignOp};
use descope_core::poll::{self, PollTiming};
use descope_core::request::{self, DeliveryMethod, Request};
use descope_core::shape::{self, Shape};
use descope_core::tenant::{self, TenantSelector};
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
 * rejects at once with kind "validation", code "aborted".
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
    /// An optional string parameter.
    #[wasm_bindgen(typescript_type = "string")]
    pub type OptStringJs;
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
    let s = field(o, "signal");
    let signal = if s.is_undefined() || s.is_null() {
        None
    } else if Reflect::get(&s, &JsValue::from_str("aborted"))
        .ok()
        .is_some_and(|a| a.as_bool().is_some())
    {
        Some(s.unchecked_into::<AbortSignalJs>())
    } else {
        return Err(Error::validation(
            "invalidArgument",
            "signal must be an AbortSignal",
        ));
    };
    Ok((timing, signal))
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
}

/// Starts `call` with its arguments in order (`None` for a missing optional one).
#[inline(never)]
pub(crate) fn go(inner: &Rc<Inner>, call: Call, args: &[Option<&JsValue>]) -> Promise {
    inner.start(op(call, args))
}

/// Argument `i` as a string (out of line: it is used some forty times).
#[inline(never)]
fn text_at(args: &[Option<&JsValue>], i: usize, name: &str) -> Result<String, Error> {
    match args.get(i).copied().flatten() {
        Some(v) => str_arg(v, name),
        None => str_arg(&JsValue::UNDEFINED, name),
    }
}

fn op(call: Call, args: &[Option<&JsValue>]) -> Result<Op, Error> {
    let arg = |i: usize| args.get(i).copied().flatten();
    let text = |i: usize, name: &str| text_at(args, i, name);
    let opt_text = |i: usize, name: &str| opt_str_arg(arg(i), name);
    let method = |i: usize| arg(i).and_then(JsValue::as_string).unwrap_or_default();
    let shaped = |r: Request, shape: Shape| Op::Family(FamilyOp::Shaped(r, shape));
    let wait = |r: Request, pending: &'static str| -> Result<Op, Error> {
        let (t, signal) = wait_args(arg(1))?;
        Ok(Op::Family(FamilyOp::Wait(r, t, pending, signal)))
    };
    Ok(match call {
        Call::OtpSign(o) => {
            let m = DeliveryMethod::parse(&method(0))?;
            let id = text(1, "loginId")?;
            let user = sign_up_user(arg(2))?;
            let opts = login_options(arg(3))?;
            Op::Masked(match o {
                SignOp::SignUp => request::otp_sign_up(m, &id, user.as_ref(), &opts),
                SignOp::SignIn => request::otp_sign_in(m, &id, &opts),
                SignOp::SignUpOrIn => request::otp_sign_up_or_in(m, &id, &opts),
            }?)
        }
        Call::OtpVerify => Op::SignIn(request::otp_verify(
            DeliveryMethod::parse(&method(0))?,
            &text(1, "loginId")?,
            &text(2, "code")?,
        )?),
        Call::OtpUpdateEmail => Op::Masked(request::otp_update_email(
            &text(0, "loginId")?,
            &text(1, "email")?,
            &update_options(arg(2))?,
        )?),
        Call::OtpUpdatePhone => Op::Masked(request::otp_update_phone(
            DeliveryMethod::parse_phone(&method(0))?,
            &text(1, "loginId")?,
            &text(2, "phone")?,
            &update_options(arg(3))?,
        )?),
        Call::MagicSign(o) => Op::Masked(links::magic_link_sign(
            o,
            DeliveryMethod::parse_link(&method(0))?,
            &text(1, "loginId")?,
            opt_text(2, "redirectUrl")?.as_deref(),
            sign_up_user(arg(3))?.as_ref(),
            &login_options(arg(4))?,
        )?),
        Call::MagicVerify => Op::SignIn(links::magic_link_verify(&text(0, "token")?)?),
        Call::MagicUpdateEmail => Op::Masked(links::magic_link_update_email(
            &text(0, "loginId")?,
            &text(1, "email")?,
            opt_text(2, "redirectUrl")?.as_deref(),
            &update_options(arg(3))?,
        )?),
        Call::MagicUpdatePhone => Op::Masked(links::magic_link_update_phone(
            DeliveryMethod::parse_link_phone(&method(0))?,
            &text(1, "loginId")?,
            &text(2, "phone")?,
            opt_text(3, "redirectUrl")?.as_deref(),
            &update_options(arg(4))?,
        )?),
        Call::EnchantedSign(o) => shaped(
            links::enchanted_link_sign(
                o,
                &text(0, "loginId")?,
                opt_text(1, "redirectUrl")?.as_deref(),
                sign_up_user(arg(2))?.as_ref(),
                &login_options(arg(3))?,
            )?,
            shape::PENDING_LINK,
        ),
        Call::EnchantedVerify => Op::Family(FamilyOp::Void(links::enchanted_link_verify(&text(
            0, "token",
        )?)?)),
        Call::EnchantedWait => wait(
            links::enchanted_link_pending(&text(0, "pendingRef")?)?,
            poll::ENCHANTED_LINK_PENDING,
        )?,
        Call::NotpSign(o) => shaped(
            links::notp_sign(
                o,
                opt_text(0, "loginId")?.as_deref(),
                sign_up_user(arg(1))?.as_ref(),
                &login_options(arg(2))?,
            )?,
            shape::PENDING_NOTP,
        ),
        Call::NotpWait => wait(
            links::notp_pending(&text(0, "pendingRef")?)?,
            poll::NOTP_PENDING,
        )?,
        Call::OAuthStart => shaped(
            oauth::oauth_start(
                &text(0, "provider")?,
                opt_text(1, "redirectUrl")?.as_deref(),
                &login_options(arg(2))?,
            )?,
            shape::URL,
        ),
        Call::SsoStart => shaped(
            oauth::sso_start(
                &text(0, "tenant")?,
                opt_text(1, "redirectUrl")?.as_deref(),
                &login_options(arg(2))?,
            )?,
            shape::URL,
        ),
        Call::OAuthExchange => Op::SignIn(oauth::oauth_exchange(&text(0, "code")?)?),
        Call::SsoExchange => Op::SignIn(oauth::sso_exchange(&text(0, "code")?)?),
        Call::TotpSignUp => shaped(
            totp::totp_sign_up(&text(0, "loginId")?, sign_up_user(arg(1))?.as_ref())?,
            shape::TOTP,
        ),
        Call::TotpVerify => Op::SignIn(totp::totp_verify(
            &text(0, "loginId")?,
            &text(1, "code")?,
            &login_options(arg(2))?,
        )?),
        Call::TotpUpdate => shaped(totp::totp_update(&text(0, "loginId")?)?, shape::TOTP),
        Call::PasswordSignUp => Op::SignIn(password::password_sign_up(
            &text(0, "loginId")?,
            &text(1, "password")?,
            sign_up_user(arg(2))?.as_ref(),
            &login_options(arg(3))?,
        )?),
        Call::PasswordSignIn => Op::SignIn(password::password_sign_in(
            &text(0, "loginId")?,
            &text(1, "password")?,
            &login_options(arg(2))?,
        )?),
        Call::PasswordReplace => Op::SignIn(password::password_replace(
            &text(0, "loginId")?,
            &text(1, "oldPassword")?,
            &text(2, "newPassword")?,
        )?),
        Call::PasswordSendReset => shaped(
            password::password_send_reset(
                &text(0, "loginId")?,
                opt_text(1, "redirectUrl")?.as_deref(),
            )?,
            shape::RESET,
        ),
        Call::PasswordUpdate => Op::Family(FamilyOp::Void(password::password_update(
            &text(0, "loginId")?,
            &text(1, "newPassword")?,
        )?)),
        Call::PasswordPolicy => shaped(password::password_policy(), shape::POLICY),
        Call::SelectTenant => Op::SignIn(tenant::select_tenant(&text(0, "tenantId")?)?),
        Call::MyTenants => shaped(my_tenants_request(arg(0))?, shape::TENANTS),
        Call::History => shaped(tenant::history(), shape::HISTORY),
    })
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
    let arr = selector
        .and_then(|s| s.dyn_ref::<Array>())
        .ok_or_else(bad)?;
    let ids = arr
        .iter()
        .map(|v| v.as_string().ok_or_else(bad))
        .collect::<Result<Vec<String>, Error>>()?;
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
