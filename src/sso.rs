//! The `Sso` class (descope-api.md §2.5, the `saml/*` paths of Descope's JS SDK): like OAuth, with a
//! tenant (id or a user's email) instead of a provider.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::oauth;
use descope_core::shape;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{Inner, Op};
use crate::families::{opt_str_arg, shaped, OptStringJs};
use crate::otp::{login_options, str_arg};
use crate::types::LoginOptionsJs;

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
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
        options: Option<LoginOptionsJs>,
    ) -> Promise {
        let req = (|| {
            let t = str_arg(&tenant, "tenant")?;
            let r = opt_str_arg(redirect_url.as_deref(), "redirectUrl")?;
            let o = login_options(options.as_deref())?;
            oauth::sso_start(&t, r.as_deref(), &o)
        })();
        shaped(&self.inner, req, shape::URL)
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
        let req = str_arg(&code, "code").and_then(|c| oauth::sso_exchange(&c));
        self.inner.start(req.map(Op::SignIn))
    }
}
