//! The `Totp` class (descope-api.md §2.6): authenticator-app codes.

use alloc::rc::Rc;

use descope_core::wire;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;

/// Authenticator-app (TOTP) sign-in.
#[wasm_bindgen]
pub struct Totp {
    inner: Rc<Inner>,
}

impl Totp {
    pub(crate) fn new(inner: Rc<Inner>) -> Totp {
        Totp { inner }
    }
}

#[wasm_bindgen]
impl Totp {
    /// Signs up a new user with a TOTP seed; show `image` (a QR code) or `key` to the user.
    ///
    /// # Errors
    /// `api` `E062107` when the user exists.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<TotpResponse>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpUser | null")] user: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::TOTP_SIGN_UP, &[&login_id, &user])
    }

    /// Verifies a code from the authenticator app; the new session becomes current, is persisted
    /// and announced. With `stepup`/`mfa`, needs a session.
    ///
    /// # Errors
    /// `unauthenticated` `E065102` for a wrong code; `api` `E065101` for a user without a seed.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn verify(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::TOTP_VERIFY,
            &[&login_id, &code, &options],
        )
    }

    /// Replaces the signed-in user's seed.
    ///
    /// # Errors
    /// `unauthenticated` without a session (no request is sent).
    #[wasm_bindgen(unchecked_return_type = "Promise<TotpResponse>")]
    pub fn update(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::TOTP_UPDATE, &[&login_id])
    }
}
