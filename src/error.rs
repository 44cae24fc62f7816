//! Core errors as JS `DescopeError`s: real `Error` objects carrying `code`, `kind`, `description`,
//! `status`, `retryAfterMs` and `retryable`.

use descope_core::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::js::set;

/// Builds the JS `DescopeError` for a core error.
pub fn to_js(e: &Error) -> JsValue {
    let err = js_sys::Error::new(&e.description);
    let o: &JsValue = err.as_ref();
    // Through `Reflect` like the other fields: `set_name` would be one more glue import.
    set(o, "name", &JsValue::from_str("DescopeError"));
    set(o, "code", &JsValue::from_str(&e.code));
    set(o, "kind", &JsValue::from_str(e.kind.as_str()));
    set(o, "description", &JsValue::from_str(&e.description));
    if let Some(s) = e.status {
        set(o, "status", &JsValue::from(s));
    }
    if let Some(ms) = e.retry_after_ms {
        set(o, "retryAfterMs", &JsValue::from(ms as f64));
    }
    set(o, "retryable", &JsValue::from_bool(e.retryable));
    err.into()
}

/// True for errors made by [`to_js`].
pub fn is_descope_error(v: &JsValue) -> bool {
    let get = |k: &str| crate::js::field(v, k);
    v.is_instance_of::<js_sys::Error>()
        && get("name").as_string().as_deref() == Some("DescopeError")
        && get("kind").is_string()
}
