//! The `OAuth` class (descope-api.md §2.4): `start` answers the provider URL to send the browser to;
//! the provider sends it back to `redirectUrl?code=…`, and `exchange(code)` signs in.

use alloc::rc::Rc;

use descope_core::wire;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;

/// Social sign-in (Google, GitHub, Apple, …) through Descope's OAuth redirect.
#[wasm_bindgen]
pub struct OAuth {
    inner: Rc<Inner>,
}

impl OAuth {
    pub(crate) fn new(inner: Rc<Inner>) -> OAuth {
        OAuth { inner }
    }
}

#[wasm_bindgen]
impl OAuth {
    /// Starts a sign-up-or-in with `provider` (e.g. "google"); resolves to the URL to open.
    ///
    /// # Errors
    /// `validation` for an empty provider or a redirect URL refused by F39 (no request is sent);
    /// `unauthenticated` for step-up/MFA without a session.
    #[wasm_bindgen(unchecked_return_type = "Promise<RedirectStart>")]
    pub fn start(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] provider: JsValue,
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::OAUTH_START,
            &[&provider, &redirect_url, &options],
        )
    }

    /// Exchanges the `code` the provider redirect brought back for a session, which becomes
    /// current, is persisted and announced.
    ///
    /// # Errors
    /// `unauthenticated` `E061401` for an unknown, used or expired code.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn exchange(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::OAUTH_EXCHANGE, &[&code])
    }
}
