//! The `Notp` class (descope-api.md §2.9): WhatsApp "no-OTP" sign-in. The user opens a WhatsApp link
//! (or scans its QR code); this page waits with `waitForSession(pendingRef)`.

use alloc::rc::Rc;

use descope_core::wire;

use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;

/// WhatsApp "no-OTP" sign-in.
#[wasm_bindgen]
pub struct Notp {
    inner: Rc<Inner>,
}

impl Notp {
    pub(crate) fn new(inner: Rc<Inner>) -> Notp {
        Notp { inner }
    }
}

#[wasm_bindgen]
impl Notp {
    /// Starts a sign-up; `loginId` may be left out (the phone then comes from the WhatsApp message).
    #[wasm_bindgen(js_name = signUp, unchecked_return_type = "Promise<PendingNotp>")]
    pub fn sign_up(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_optional_param_type = "string | null")]
        login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "SignUpUser | null")] user: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::NOTP_SIGN_UP,
            &[&login_id, &user, &options],
        )
    }

    /// Starts a sign-in. With `stepup`/`mfa`, needs a session.
    #[wasm_bindgen(js_name = signIn, unchecked_return_type = "Promise<PendingNotp>")]
    pub fn sign_in(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_optional_param_type = "string | null")]
        login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::NOTP_SIGN_IN, &[&login_id, &options])
    }

    /// Starts a sign-up or sign-in.
    #[wasm_bindgen(js_name = signUpOrIn, unchecked_return_type = "Promise<PendingNotp>")]
    pub fn sign_up_or_in(
        &self,
        #[wasm_bindgen(js_name = loginId, unchecked_optional_param_type = "string | null")]
        login_id: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::NOTP_SIGN_UP_OR_IN,
            &[&login_id, &options],
        )
    }

    /// Polls until the WhatsApp link is approved; the session then becomes current, is persisted
    /// and announced. Same timing, abort and errors as `EnchantedLink.waitForSession`.
    #[wasm_bindgen(js_name = waitForSession, unchecked_return_type = "Promise<Session>")]
    pub fn wait_for_session(
        &self,
        #[wasm_bindgen(js_name = pendingRef, unchecked_param_type = "string")] pending_ref: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "WaitOptions | null")] opts: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::NOTP_WAIT, &[&pending_ref, &opts])
    }
}
