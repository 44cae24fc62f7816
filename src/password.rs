//! The `Password` class (descope-api.md §2.7). A password is only ever put in a request body: never
//! in a log line, an error or an event.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::password;
use descope_core::shape;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{Inner, Op};
use crate::families::{opt_str_arg, shaped, void, OptStringJs};
use crate::otp::{login_options, sign_up_user, str_arg};
use crate::types::{LoginOptionsJs, SignUpUserJs};

/// Password sign-in, reset and policy.
#[wasm_bindgen]
pub struct Password {
    inner: Rc<Inner>,
}

impl Password {
    pub(crate) fn new(inner: Rc<Inner>) -> Password {
        Password { inner }
    }
}

#[wasm_bindgen]
impl Password {
    /// Signs up a new user with a password; the session becomes current, is persisted and announced.
    ///
    /// # Errors
    /// `api` `E062905` for a password the policy refuses; `api` `E062107` when the user exists.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<Session>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
        user: Option<SignUpUserJs>,
        options: Option<LoginOptionsJs>,
    ) -> Promise {
        let req = (|| {
            let id = str_arg(&login_id, "loginId")?;
            let p = str_arg(&password, "password")?;
            let u = sign_up_user(user.as_deref())?;
            let o = login_options(options.as_deref())?;
            password::password_sign_up(&id, &p, u.as_ref(), &o)
        })();
        self.inner.start(req.map(Op::SignIn))
    }

    /// Signs in with a password. With `stepup`/`mfa`, needs a session.
    ///
    /// # Errors
    /// `unauthenticated` `E062901` for a wrong password; `api` `E062108` for an unknown user.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<Session>")]
    pub fn sign_in(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] password: JsValue,
        options: Option<LoginOptionsJs>,
    ) -> Promise {
        let req = (|| {
            let id = str_arg(&login_id, "loginId")?;
            let p = str_arg(&password, "password")?;
            let o = login_options(options.as_deref())?;
            password::password_sign_in(&id, &p, &o)
        })();
        self.inner.start(req.map(Op::SignIn))
    }

    /// Replaces a password knowing the old one, and signs in.
    ///
    /// # Errors
    /// `unauthenticated` `E062901` for a wrong old password; `api` `E062905` for a weak new one.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn replace(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = oldPassword, unchecked_param_type = "string")]
        old_password: JsValue,
        #[wasm_bindgen(js_name = newPassword, unchecked_param_type = "string")]
        new_password: JsValue,
    ) -> Promise {
        let req = (|| {
            let id = str_arg(&login_id, "loginId")?;
            let old = str_arg(&old_password, "oldPassword")?;
            let new = str_arg(&new_password, "newPassword")?;
            password::password_replace(&id, &old, &new)
        })();
        self.inner.start(req.map(Op::SignIn))
    }

    /// Sends a reset link (to `redirectUrl`); its page signs in with `magicLink.verify(t)` and then
    /// calls `update`.
    ///
    /// # Errors
    /// `validation` for a redirect URL refused by F39 (no request is sent).
    #[wasm_bindgen(js_name = sendReset, unchecked_return_type = "Promise<PasswordResetResponse>")]
    pub fn send_reset(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
    ) -> Promise {
        let req = (|| {
            let id = str_arg(&login_id, "loginId")?;
            let r = opt_str_arg(redirect_url.as_deref(), "redirectUrl")?;
            password::password_send_reset(&id, r.as_deref())
        })();
        shaped(&self.inner, req, shape::RESET)
    }

    /// Sets a new password for the signed-in user.
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent); `api` `E062905` for a weak password.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn update(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = newPassword, unchecked_param_type = "string")]
        new_password: JsValue,
    ) -> Promise {
        let req = (|| {
            let id = str_arg(&login_id, "loginId")?;
            let new = str_arg(&new_password, "newPassword")?;
            password::password_update(&id, &new)
        })();
        void(&self.inner, req)
    }

    /// The project's password policy.
    #[wasm_bindgen(unchecked_return_type = "Promise<PasswordPolicy>")]
    pub fn policy(&self) -> Promise {
        shaped(&self.inner, Ok(password::password_policy()), shape::POLICY)
    }
}
