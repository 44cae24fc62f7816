//! `verifySession`: the browser's part of verifying a session JWT. The rules (claims, algorithm,
//! when the keys are fetched) are `descope_core::verify`; here the keys are fetched on the
//! client's request path and kept as the parsed JWKS, and WebCrypto checks the signature
//! (`crypto.subtle.importKey("jwk", …)`, then `verify`).
//!
//! Size (gzip, package total 66,719 B): the export and the token's checks about 1,260 B, the two
//! WebCrypto steps 760 B, the key fetch 310 B. It is one `Op` of the client's one async path with
//! two typed imports; measured alternatives that were larger: the JWKS kept as text with the key
//! looked up in Rust, one await site for both WebCrypto steps, the key fetch through the path's
//! shared request await, the bytes made `Uint8Array`s before the awaits, the sync steps in helper
//! functions, a boxed future.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::config::Persistence;
use descope_core::response::parse_object_text;
use descope_core::verify::{self, invalid};
use descope_core::{Error, ErrorKind};
use js_sys::Promise;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::client::{now_ms, Inner};
use crate::js::{field, item, parse_json};

#[wasm_bindgen]
extern "C" {
    /// Throws where there is no WebCrypto (`crypto.subtle` is missing outside secure contexts).
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = importKey)]
    fn import_key(
        format: &str,
        jwk: &JsValue,
        algorithm: &JsValue,
        extractable: bool,
        usages: &JsValue,
    ) -> Result<Promise, JsValue>;

    /// The slices are views of wasm memory: WebCrypto copies them before it returns.
    #[wasm_bindgen(catch, js_namespace = ["crypto", "subtle"], js_name = verify)]
    fn subtle_verify(
        algorithm: &JsValue,
        key: &JsValue,
        signature: &[u8],
        data: &[u8],
    ) -> Result<Promise, JsValue>;
}

/// The key of a JWKS (`{keys:[jwk]}`) whose `kid` is `kid`, or `undefined`.
fn find_key(jwks: &JsValue, kid: &JsValue) -> JsValue {
    let keys = &field(jwks, "keys");
    let len = field(keys, "length").as_f64().unwrap_or(0.0) as u32;
    for i in 0..len {
        let key = item(keys, i);
        if field(&key, "kid") == *kid {
            return key;
        }
    }
    JsValue::UNDEFINED
}

/// A throw of a WebCrypto method: a rejected promise is its answer to bad input, a throw means
/// there is no WebCrypto (`crypto.subtle` exists only in secure contexts).
fn no_crypto(_: JsValue) -> Error {
    Error::new(
        ErrorKind::Config,
        "noWebCrypto",
        "verifySession needs WebCrypto (crypto.subtle), found only in secure contexts",
    )
}

/// Verifies `jwt` (`undefined`: the current session JWT) and resolves to its claims. The claims
/// are checked first (`verify::parse`): they need no keys, so an expired token costs no request.
///
/// # Errors
/// As `Descope.verifySession`.
pub(crate) async fn session(inner: &Rc<Inner>, jwt: JsValue) -> Result<JsValue, Error> {
    inner.check_alive()?;
    let token = if jwt.is_undefined() && inner.cfg.persistence == Persistence::Cookie {
        // The session JWT is in an HttpOnly cookie: the SDK never holds it.
        return Err(Error::validation(
            "noToken",
            "in cookie mode the session JWT is not readable here; pass the token to verify",
        ));
    } else if jwt.is_undefined() {
        inner
            .current()
            .map(|s| s.session_jwt.clone())
            .ok_or_else(Error::no_session)?
    } else {
        // Not a string: as malformed as any other non-JWT.
        jwt.as_string().unwrap_or_default()
    };
    let pid = &inner.cfg.project_id;
    let signed = verify::parse(&token, pid, now_ms() as i64 - inner.skew_ms())?;
    let kid = JsValue::from_str(&signed.kid);
    let mut key = find_key(&inner.keys.borrow(), &kid);
    let mut fetch = inner.key_fetch.get();
    if key.is_undefined() && fetch.allow(!inner.keys.borrow().is_undefined(), now_ms()) {
        inner.key_fetch.set(fetch);
        let r = inner.call(&verify::keys_request(pid), None).await?;
        let jwks = parse_json(&parse_object_text(r.status, &r.body)?);
        key = find_key(&jwks, &kid);
        inner.keys.replace(jwks);
    }
    if field(&key, "alg") != signed.alg {
        return Err(invalid("no key of the project has the token's kid and alg"));
    }
    let algorithm = parse_json(signed.params);
    let usages = parse_json(r#"["verify"]"#);
    let import = import_key("jwk", &key, &algorithm, false, &usages).map_err(no_crypto)?;
    // A key WebCrypto refuses verifies nothing: both end as "does not verify".
    let valid = match JsFuture::from(import).await {
        Ok(key) => {
            let data = token.get(..signed.signed_len).unwrap_or_default();
            let verify = subtle_verify(&algorithm, &key, &signed.signature, data.as_bytes());
            JsFuture::from(verify.map_err(no_crypto)?).await
        }
        Err(e) => Err(e),
    };
    // `verify` resolves to false for a wrong signature and rejects for a malformed one.
    if valid.ok().and_then(|v| v.as_bool()) != Some(true) {
        return Err(invalid("the token's signature does not verify"));
    }
    Ok(parse_json(signed.claims.payload_json()))
}
