//! The `OAuth` class (descope-api.md §2.4): `start` answers the provider URL to send the browser to;
//! the provider sends it back to `redirectUrl?code=…`, and `exchange(code)` signs in.

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
        #[wasm_bindgen(js_name = redirectUrl)] redirect_url: Option<OptStringJs>,
        options: Option<LoginOptionsJs>,
    ) -> Promise {
        let req = (|| {
            let p = str_arg(&provider, "provider")?;
            let r = opt_str_arg(redirect_url.as_deref(), "redirectUrl")?;
            let o = login_options(options.as_deref())?;
            oauth::oauth_start(&p, r.as_deref(), &o)
        })();
        shaped(&self.inner, req, shape::URL)
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
        let req = str_arg(&code, "code").and_then(|c| oauth::oauth_exchange(&c));
        self.inner.start(req.map(Op::SignIn))
    }
}
