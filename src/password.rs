//! The `Password` class (descope-api.md §2.7). A password is only ever put in a request body: never
//! in a log line, an error or an event.

use alloc::rc::Rc;

use descope_core::wire;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;

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
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpUser | null")] user: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::PASSWORD_SIGN_UP,
            &[&login_id, &password, &user, &options],
        )
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
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::PASSWORD_SIGN_IN,
            &[&login_id, &password, &options],
        )
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
        go(
            &self.inner,
            &wire::PASSWORD_REPLACE,
            &[&login_id, &old_password, &new_password],
        )
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
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::PASSWORD_SEND_RESET,
            &[&login_id, &redirect_url],
        )
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
        go(
            &self.inner,
            &wire::PASSWORD_UPDATE,
            &[&login_id, &new_password],
        )
    }

    /// The project's password policy.
    #[wasm_bindgen(unchecked_return_type = "Promise<PasswordPolicy>")]
    pub fn policy(&self) -> Promise {
        go(&self.inner, &wire::PASSWORD_POLICY, &[])
    }
}
