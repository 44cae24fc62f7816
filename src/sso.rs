//! The `Sso` class (descope-api.md §2.5, the `saml/*` paths of Descope's JS SDK): like OAuth, with a
//! tenant (id or a user's email) instead of a provider.

use alloc::rc::Rc;

use descope_core::wire;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::Inner;
use crate::families::go;

/// Enterprise SSO (SAML / OIDC) through Descope's redirect.
#[wasm_bindgen]
pub struct Sso {
    inner: Rc<Inner>,
}

impl Sso {
    pub(crate) fn new(inner: Rc<Inner>) -> Sso {
        Sso { inner }
    }
}

#[wasm_bindgen]
impl Sso {
    /// Starts SSO for `tenant` (a tenant id, or an email whose domain names one); resolves to the
    /// URL to open.
    ///
    /// # Errors
    /// `validation` for an empty tenant or a redirect URL refused by F39 (no request is sent).
    #[wasm_bindgen(unchecked_return_type = "Promise<RedirectStart>")]
    pub fn start(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] tenant: JsValue,
        #[wasm_bindgen(js_name = redirectUrl, unchecked_optional_param_type = "string | null")]
        redirect_url: JsValue,
        #[wasm_bindgen(unchecked_optional_param_type = "LoginOptions | null")] options: JsValue,
    ) -> Promise {
        go(
            &self.inner,
            &wire::SSO_START,
            &[&tenant, &redirect_url, &options],
        )
    }

    /// Exchanges the `code` the SSO redirect brought back for a session.
    ///
    /// # Errors
    /// `unauthenticated` `E061401` for an unknown, used or expired code.
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn exchange(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string")] code: JsValue,
    ) -> Promise {
        go(&self.inner, &wire::SSO_EXCHANGE, &[&code])
    }
}
