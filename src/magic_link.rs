//! The `MagicLink` class (descope-api.md §2.2): a link `<redirectUrl>?t=<token>` is sent by email,
//! SMS or WhatsApp; the page it opens calls `verify(token)`.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::links::{self, SignOp};
use descope_core::request::DeliveryMethod;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{Inner, Op};
use crate::families::{opt_str_arg, LinkMethodJs, LinkPhoneMethodJs, OptStringJs};
use crate::otp::{login_options, sign_up_user, str_arg, update_options};
use crate::types::{LoginOptionsJs, SignUpUserJs, UpdateOptionsJs};

/// Magic-link sign-in: a one-click link is sent by email, SMS or WhatsApp.
#[wasm_bindgen]
pub struct MagicLink {
    inner: Rc<Inner>,
}

impl MagicLink {
    pub(crate) fn new(inner: Rc<Inner>) -> MagicLink {
        MagicLink { inner }
    }

    fn send(
        &self,
        op: SignOp,
        method: &JsValue,
        login_id: &JsValue,
        redirect_url: Option<&JsValue>,
        user: Option<&JsValue>,
        options: Option<&JsValue>,
    ) -> Promise {
        let req = (|| {
            let m = DeliveryMethod::parse_link(&method.as_string().unwrap_or_default())?;
            let id = str_arg(login_id, "loginId")?;
            let uri = opt_str_arg(redirect_url, "redirectUrl")?;
            let u = sign_up_user(user)?;
            let o = login_options(options)?;
            links::magic_link_sign(op, m, &id, uri.as_deref(), u.as_ref(), &o)
        })();
        self.inner.start(req.map(Op::Masked))
    }
}

#[wasm_bindgen]
impl MagicLink {
    /// Signs up a new user and sends a link to `redirectUrl` (default: the project's setting).
    ///
    /// # Errors
    /// `validation` for bad input, including a redirect URL that is not an https URL (http only on
    /// loopback hosts) or that has user info (F39; no request is sent); `api` `E062107` when the user
    /// exists.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_up(
        &self,
        method: LinkMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
        user: Option<SignUpUserJs>,
        options: Option<LoginOptionsJs>,
    ) -> Promise {
        self.send(
            SignOp::SignUp,
            &method,
            &login_id,
            redirect_url.as_deref(),
            user.as_deref(),
            options.as_deref(),
        )
    }

    /// Sends a link to an existing user. With `stepup`/`mfa`, needs a session.
    ///
    /// # Errors
    /// `validation` for bad input; `unauthenticated` for step-up/MFA without a session (no request
    /// is sent); `api` `E062108` for an unknown user.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_in(
        &self,
        method: LinkMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
        options: Option<LoginOptionsJs>,
    ) -> Promise {
        self.send(
            SignOp::SignIn,
            &method,
            &login_id,
            redirect_url.as_deref(),
            None,
            options.as_deref(),
        )
    }

    /// Sends a link, creating the user first if needed.
    #[wasm_bindgen(js_name = signUpOrIn, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_up_or_in(
        &self,
        method: LinkMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
        options: Option<LoginOptionsJs>,
    ) -> Promise {
        self.send(
            SignOp::SignUpOrIn,
            &method,
            &login_id,
            redirect_url.as_deref(),
            None,
            options.as_deref(),
        )
    }

    /// Verifies the link's token (the `t` query parameter); the new session becomes current, is
    /// persisted and announced.
    ///
    /// # Errors
    /// `unauthenticated` `E061201` for an unknown, used or expired token.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    ) -> Promise {
        let req = str_arg(&token, "token").and_then(|t| links::magic_link_verify(&t));
        self.inner.start(req.map(Op::SignIn))
    }

    /// Sends a link to a new email address of the signed-in user (confirmed by `verify`).
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent).
    #[wasm_bindgen(js_name = updateEmail, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn update_email(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
        options: Option<UpdateOptionsJs>,
    ) -> Promise {
        let req = (|| {
            let id = str_arg(&login_id, "loginId")?;
            let e = str_arg(&email, "email")?;
            let uri = opt_str_arg(redirect_url.as_deref(), "redirectUrl")?;
            let o = update_options(options.as_deref())?;
            links::magic_link_update_email(&id, &e, uri.as_deref(), &o)
        })();
        self.inner.start(req.map(Op::Masked))
    }

    /// Sends a link to a new phone number of the signed-in user (SMS or WhatsApp).
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent).
    #[wasm_bindgen(js_name = updatePhone, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn update_phone(
        &self,
        method: LinkPhoneMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] phone: JsValue,
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
        options: Option<UpdateOptionsJs>,
    ) -> Promise {
        let req = (|| {
            let m = DeliveryMethod::parse_link_phone(&method.as_string().unwrap_or_default())?;
            let id = str_arg(&login_id, "loginId")?;
            let p = str_arg(&phone, "phone")?;
            let uri = opt_str_arg(redirect_url.as_deref(), "redirectUrl")?;
            let o = update_options(options.as_deref())?;
            links::magic_link_update_phone(m, &id, &p, uri.as_deref(), &o)
        })();
        self.inner.start(req.map(Op::Masked))
    }
}
