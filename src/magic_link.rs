//! The `MagicLink` class (descope-api.md §2.2): a link `<redirectUrl>?t=<token>` is sent by email,
//! SMS or WhatsApp; the page it opens calls `verify(token)`.

use alloc::rc::Rc;

use descope_core::wire;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::{go, LinkMethodJs, LinkPhoneMethodJs};

/// Magic-link sign-in: a one-click link is sent by email, SMS or WhatsApp.
#[wasm_bindgen]
pub struct MagicLink {
    inner: Rc<Inner>,
}

impl MagicLink {
    pub(crate) fn new(inner: Rc<Inner>) -> MagicLink {
        MagicLink { inner }
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
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpUser | null")] user: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::MAGIC_LINK_SIGN_UP,
            &[&method, &login_id, &redirect_url, &user, &options],
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
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::MAGIC_LINK_SIGN_IN,
            &[&method, &login_id, &redirect_url, &options],
        )
    }

    /// Sends a link, creating the user first if needed.
    #[wasm_bindgen(js_name = signUpOrIn, unchecked_return_type = "Promise<MaskedAddress>")]
    pub fn sign_up_or_in(
        &self,
        method: LinkMethodJs,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::MAGIC_LINK_SIGN_UP_OR_IN,
            &[&method, &login_id, &redirect_url, &options],
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
        go(&self.inner, &wire::MAGIC_LINK_VERIFY, &[&token])
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
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::MAGIC_LINK_UPDATE_EMAIL,
            &[&login_id, &email, &redirect_url, &options],
        )
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
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "UpdateOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::MAGIC_LINK_UPDATE_PHONE,
            &[&method, &login_id, &phone, &redirect_url, &options],
        )
    }
}
