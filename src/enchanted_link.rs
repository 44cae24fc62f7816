//! The `EnchantedLink` class (descope-api.md §2.3): a link is emailed; the page it opens calls
//! `verify(token)`, while the page that asked waits with `waitForSession(pendingRef)`.

use alloc::rc::Rc;

use descope_core::wire;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;

/// Enchanted-link sign-in: an email link signs in the page that is waiting for it.
#[wasm_bindgen]
pub struct EnchantedLink {
    inner: Rc<Inner>,
}

impl EnchantedLink {
    pub(crate) fn new(inner: Rc<Inner>) -> EnchantedLink {
        EnchantedLink { inner }
    }
}

#[wasm_bindgen]
impl EnchantedLink {
    /// Signs up a new user and emails a link to `redirectUrl`.
    ///
    /// # Errors
    /// `validation` for bad input or a redirect URL refused by F39 (no request is sent); `api`
    /// `E062107` when the user exists.
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<PendingLink>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpUser | null")] user: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::ENCHANTED_LINK_SIGN_UP,
            &[&login_id, &redirect_url, &user, &options],
        )
    }

    /// Emails a link to an existing user. With `stepup`/`mfa`, needs a session.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<PendingLink>")]
    pub fn sign_in(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::ENCHANTED_LINK_SIGN_IN,
            &[&login_id, &redirect_url, &options],
        )
    }

    /// Emails a link, creating the user first if needed.
    #[wasm_bindgen(js_name = signUpOrIn, unchecked_return_type = "Promise<PendingLink>")]
    pub fn sign_up_or_in(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_param_type = "string")] login_id: JsValue,
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::ENCHANTED_LINK_SIGN_UP_OR_IN,
            &[&login_id, &redirect_url, &options],
        )
    }

    /// Emails a link to a new address of the signed-in user; resolves like `signIn`. The change is
    /// confirmed when the link's page calls `verify(token)`; `waitForSession(pendingRef)` then
    /// resolves to a new session whose user has the new email.
    ///
    /// # Errors
    /// `validation` for bad input or a redirect URL refused by F39; `unauthenticated` without a
    /// session (no request is sent in either case).
    #[wasm_bindgen(js_name = updateEmail, unchecked_return_type = "Promise<PendingLink>")]
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
            &wire::ENCHANTED_LINK_UPDATE_EMAIL,
            &[&login_id, &email, &redirect_url, &options],
        )
    }

    /// Confirms the link's token (on the page the link opened). The session goes to the waiting
    /// page, not to this one.
    ///
    /// # Errors
    /// `unauthenticated` `E061201` for an unknown, used or expired token.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn verify(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] token: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::ENCHANTED_LINK_VERIFY, &[&token])
    }

    /// Polls until the link is opened; the session then becomes current, is persisted and
    /// announced. Polls every `pollIntervalMs` (≥ 1000) for up to `timeoutMs` (≤ 600000).
    ///
    /// # Errors
    /// `timeout` `pollingTimeout` at the deadline; `aborted` `aborted` as soon as `signal`
    /// aborts; a non-retryable server error (e.g. `E011004` for an unknown `pendingRef`) as is.
    #[wasm_bindgen(js_name = waitForSession, unchecked_return_type = "Promise<Session>")]
    pub fn wait_for_session(
        &self,
        #[wasm_bindgen(js_name = pendingRef, unchecked_param_type = "string")] pending_ref: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions | null")] opts: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::ENCHANTED_LINK_WAIT,
            &[&pending_ref, &opts],
        )
    }
}
