//! The `Otp` class (descope-api.md §2.1). Inputs are read and validated before any request.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::wire;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;
use crate::types::{DeliveryMethodJs, PhoneMethodJs};

/// One-time-password sign-in: a code is sent by email, SMS, voice or WhatsApp, then verified.
#[wasm_bindgen]
pub struct Otp {
    inner: Rc<Inner>,
}

impl Otp {
    pub(crate) fn new(inner: Rc<Inner>) -> Otp {
        Otp { inner }
    }
}

#[wasm_bindgen]
impl Otp {
    /// Signs up a new user and sends a code.
    ///
    /// # Errors
    /// `validation` for bad input (no request is sent); `api` `E062107` when the user exists.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_up(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpUser | null")] user: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_SIGN_UP,
            &[&method, &login_id, &user, &options],
        )
    }

    /// Sends a code to an existing user. With `stepup`/`mfa`, needs a session.
    ///
    /// # Errors
    /// `validation` for bad input; `unauthenticated` for step-up/MFA without a session (no
    /// request is sent); `api` `E062108` for an unknown user.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_in(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_SIGN_IN,
            &[&method, &login_id, &options],
        )
    }

    /// Sends a code, creating the user first if needed.
    #[wasm_bindgen(js_name = signUpOrIn, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_up_or_in(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_SIGN_UP_OR_IN,
            &[&method, &login_id, &options],
        )
    }

    /// Verifies a code; the new session becomes current, is persisted and announced.
    ///
    /// # Errors
    /// `api` `E061102` for a wrong code.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn verify(
        &self,
        method: DeliveryMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::OTP_VERIFY, &[&method, &login_id, &code])
    }

    /// Sends a code to a new email address of the signed-in user (confirm with `verify("email", …)`).
    #[wasm_bindgen(js_name = updateEmail, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn update_email(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] email: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_UPDATE_EMAIL,
            &[&login_id, &email, &options],
        )
    }

    /// Sends a code to a new phone number of the signed-in user.
    #[wasm_bindgen(js_name = updatePhone, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn update_phone(
        &self,
        method: PhoneMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(unchecked_param_type = "string")] phone: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OTP_UPDATE_PHONE,
            &[&method, &login_id, &phone, &options],
        )
    }
}
