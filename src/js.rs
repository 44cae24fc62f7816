//! Reading and writing members of JS values, the few ways every module of the glue does it.

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
