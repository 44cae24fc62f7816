//! descope-wasm: a browser SDK for Descope's authentication API, in Rust compiled to
//! WebAssembly. Protocol logic lives in `descope-core`; this crate is the thin glue: JS classes,
//! promises, `fetch`, storage, timers and `DescopeError`s.
// The release build links no std: every dependency has its `std` feature off, and the panic handler
// below traps without formatting a message (std's handler pulls in about 5 KB of `core::fmt`).
// Debug builds, which `wasm-pack test` makes, link std through wasm-bindgen-test and use its handler;
// wasm-bindgen itself keys its no-std behaviour on `debug_assertions` the same way.
#![cfg_attr(all(target_arch = "wasm32", not(debug_assertions)), no_std)]
#![cfg_attr(
    not(test),
    deny(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

extern crate alloc;

/// The parts of std's prelude the crate uses, from `alloc`.
mod prelude {
    pub use alloc::string::{String, ToString};
    pub use alloc::vec::Vec;
}

#[cfg(target_arch = "wasm32")]
mod allocator;
mod auto_refresh;
mod client;
mod diagnostics;
mod error;
mod events;
pub mod families;
mod js;
mod lifecycle;
mod lock;
mod poll;
mod refresh;
mod session;
mod state;
mod storage;
mod tab_sync;
mod timer;
mod transport;
pub mod types;
mod verify;
mod webauthn;

pub use client::Descope;
pub use session::Session;

/// Panics cannot come from our code (clippy denies unwrap/expect/panic/indexing); what is left is
/// allocation failure and library invariants, where trapping is all there is to do.
#[cfg(all(target_arch = "wasm32", not(debug_assertions)))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    core::arch::wasm32::unreachable()
}

use crate::prelude::*;
use descope_core::jwt::{self, Jwt};
use descope_core::Error;
use wasm_bindgen::prelude::*;

fn decode(token: &JsValue) -> Result<Jwt, JsValue> {
    let t = token.as_string().filter(|t| !t.is_empty()).ok_or_else(|| {
        error::to_js(&Error::validation(
            "invalidJwt",
            "jwt must be a non-empty string",
        ))
    })?;
    jwt::decode(&t).map_err(|e| error::to_js(&Error::validation("invalidJwt", e.description())))
}

/// Decodes a JWT's payload without verifying it.
///
/// # Errors
/// Throws a `DescopeError` of kind `"validation"` on a malformed token.
#[wasm_bindgen(js_name = decodeJwt, unchecked_return_type = "Record<string, unknown>")]
pub fn decode_jwt(
    #[wasm_bindgen(unchecked_param_type = "string")] jwt: JsValue,
) -> Result<JsValue, JsValue> {
    let j = decode(&jwt)?;
    js_sys::JSON::parse(j.payload_json())
}

/// True when the token's `exp` has passed (or is missing or malformed). No signature check.
#[wasm_bindgen(js_name = isJwtExpired)]
pub fn is_jwt_expired(
    #[wasm_bindgen(unchecked_param_type = "string")] jwt: JsValue,
) -> Result<bool, JsValue> {
    Ok(decode(&jwt)?.is_expired_at(client::now_ms()))
}

/// A JS array of strings, made here rather than by wasm-bindgen's `Vec<String>` return glue
/// (which copies every string through linear memory and costs about 1 KB of wasm): written as
/// JSON and parsed, with the `JSON.parse` import the SDK already has (no `new Array`/`push`).
#[inline(never)]
pub(crate) fn str_array(v: Vec<String>) -> JsValue {
    let mut text = String::from("[");
    for (i, s) in v.iter().enumerate() {
        if i > 0 {
            text.push(',');
        }
        descope_core::json::write_string(&mut text, s);
    }
    text.push(']');
    js::parse_json(&text)
}

/// A JS string, or `undefined` (returned as a `JsValue`: wasm-bindgen's `String` / `Option<String>`
/// returns copy through linear memory with a glue function and a free each).
pub(crate) fn opt_str(v: Option<&str>) -> JsValue {
    v.map_or(JsValue::UNDEFINED, JsValue::from_str)
}

/// A token's roles or permissions (`list`: `Jwt::roles` or `Jwt::permissions`) for `tenant` (not a
/// string: the project's), as a JS array. One body for the four exports that read them.
#[inline(never)]
pub(crate) fn authz_list(
    jwt: &Jwt,
    tenant: &JsValue,
    list: fn(&Jwt, Option<&str>) -> Vec<String>,
) -> JsValue {
    str_array(list(jwt, tenant.as_string().as_deref()))
}

/// Project roles of the token, or the roles of `tenant`.
#[wasm_bindgen(js_name = getJwtRoles, unchecked_return_type = "string[]")]
pub fn get_jwt_roles(
    #[wasm_bindgen(unchecked_param_type = "string")] jwt: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] tenant: JsValue,
) -> Result<JsValue, JsValue> {
    Ok(authz_list(&decode(&jwt)?, &tenant, Jwt::roles))
}

/// Project permissions of the token, or the permissions of `tenant`.
#[wasm_bindgen(js_name = getJwtPermissions, unchecked_return_type = "string[]")]
pub fn get_jwt_permissions(
    #[wasm_bindgen(unchecked_param_type = "string")] jwt: JsValue,
    #[wasm_bindgen(unchecked_optional_param_type = "string | null")] tenant: JsValue,
) -> Result<JsValue, JsValue> {
    Ok(authz_list(&decode(&jwt)?, &tenant, Jwt::permissions))
}

/// Tenant ids of the token's `tenants` claim.
#[wasm_bindgen(js_name = getTenants, unchecked_return_type = "string[]")]
pub fn get_tenants(
    #[wasm_bindgen(unchecked_param_type = "string")] jwt: JsValue,
) -> Result<JsValue, JsValue> {
    Ok(str_array(decode(&jwt)?.tenants()))
}

/// The selected tenant (`dct`), if any.
#[wasm_bindgen(js_name = getCurrentTenant, unchecked_return_type = "string | undefined")]
pub fn get_current_tenant(
    #[wasm_bindgen(unchecked_param_type = "string")] jwt: JsValue,
) -> Result<JsValue, JsValue> {
    Ok(opt_str(decode(&jwt)?.current_tenant()))
}

/// True for errors thrown or rejected by this SDK.
#[wasm_bindgen(js_name = isDescopeError, unchecked_return_type = "e is DescopeError")]
pub fn is_descope_error(#[wasm_bindgen(unchecked_param_type = "unknown")] e: JsValue) -> bool {
    error::is_descope_error(&e)
}
