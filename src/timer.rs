//! `setTimeout` / `clearTimeout` on the global object, owned by a Rust value: dropping the
//! [`Timer`] cancels it.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(handler: &js_sys::Function, ms: u32) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);
}

/// A promise resolved after `ms` (the promise's `resolve` is the timer's callback: no closure).
pub(crate) fn pause(ms: u32) -> js_sys::Promise {
    js_sys::Promise::new(&mut |res, _| {
        set_timeout(&res, ms);
    })
}

pub struct Timer {
    id: JsValue,
    _closure: Closure<dyn FnMut()>,
}

impl Timer {
    /// Calls `f` once after `ms` milliseconds (`ms` comes from `schedule::timer_ms`, so it is never
    /// NaN, zero or above 2^31−1).
    pub fn new(ms: u32, f: impl FnOnce() + 'static) -> Timer {
        let mut f = Some(f);
        let closure = Closure::<dyn FnMut()>::new(move || {
            if let Some(f) = f.take() {
                f();
            }
        });
        let id = set_timeout(closure.as_ref().unchecked_ref(), ms);
        Timer {
            id,
            _closure: closure,
        }
    }
}

impl Drop for Timer {
    fn drop(&mut self) {
        clear_timeout(&self.id);
    }
}
