//! The few ways every module of the glue reads and writes JS values.

use js_sys::Reflect;
use wasm_bindgen::JsValue;

/// `obj[key]` (`undefined` when reading throws).
pub(crate) fn field(obj: &JsValue, key: &str) -> JsValue {
    Reflect::get(obj, &JsValue::from_str(key)).unwrap_or(JsValue::UNDEFINED)
}

/// `arr[i]`, or `undefined` (read through `Reflect` as `Array::iter` would, without two more glue
/// imports).
pub(crate) fn item(arr: &JsValue, i: u32) -> JsValue {
    Reflect::get(arr, &JsValue::from(i)).unwrap_or(JsValue::UNDEFINED)
}

/// `target[key] = value` (a failed write, on a frozen object, is ignored).
pub(crate) fn set(target: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(target, &JsValue::from_str(key), value);
}

/// `JSON.parse(text)`, or `undefined` when it throws.
pub(crate) fn parse_json(text: &str) -> JsValue {
    js_sys::JSON::parse(text).unwrap_or(JsValue::UNDEFINED)
}

/// The global `navigator`, or `undefined` where the host has none.
pub(crate) fn navigator() -> JsValue {
    field(&js_sys::global(), "navigator")
}
