//! `diagnostics()`: a snapshot of the client's internals for support and tests, with no token.

use js_sys::Object;
use wasm_bindgen::prelude::*;

use crate::client::{js_str, Inner};
use crate::js::set;

impl Inner {
    pub(crate) fn diagnostics(&self) -> JsValue {
        let o = Object::new();
        let st = self.state.borrow();
        let cur = st.current();
        set(&o, "persistence", &js_str(self.store.in_use.as_str()));
        set(
            &o,
            "persistenceFallback",
            &JsValue::from_bool(self.persistence_fallback),
        );
        set(&o, "signedIn", &JsValue::from_bool(cur.is_some()));
        set(&o, "refreshCount", &JsValue::from(self.refresh_count.get()));
        let opt = |v: Option<u64>| {
            v.map(|x| JsValue::from(x as f64))
                .unwrap_or(JsValue::UNDEFINED)
        };
        set(&o, "lastRefreshAt", &opt(self.last_refresh_at.get()));
        let next = if self.timer.borrow().is_some() {
            Some(self.timer_due.get())
        } else {
            None
        };
        set(&o, "nextRefreshAt", &opt(next));
        set(
            &o,
            "clockSkewMs",
            &JsValue::from(cur.as_ref().map(|s| s.skew_ms as f64).unwrap_or(0.0)),
        );
        set(
            &o,
            "consecutiveFailures",
            &JsValue::from(self.failures.get()),
        );
        set(
            &o,
            "refreshInFlight",
            &JsValue::from_bool(self.inflight.borrow().is_some()),
        );
        set(
            &o,
            "listenerCount",
            &JsValue::from(self.listeners.borrow().len() as u32),
        );
        set(&o, "disposed", &JsValue::from_bool(self.disposed.get()));
        o.into()
    }
}
