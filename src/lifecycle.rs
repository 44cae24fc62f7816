//! The window events a client follows, with one closure: other tabs' writes to localStorage
//! (`storage`, tab_sync.rs) and the page waking up or coming back online (`visibilitychange`,
//! `focus`, `pageshow`, `online`: F24, F25). Removed on dispose, or when the client is freed.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{Inner, Op};
use crate::js::{field, navigator};

#[wasm_bindgen]
extern "C" {
    // `catch`: Node and other hosts with no `addEventListener` global throw a ReferenceError.
    #[wasm_bindgen(catch, js_name = addEventListener)]
    fn add_event_listener(kind: &str, f: &js_sys::Function) -> Result<(), JsValue>;
    #[wasm_bindgen(js_name = removeEventListener)]
    fn remove_event_listener(kind: &str, f: &js_sys::Function);
}

/// Whether the browser does not say it is offline (`navigator.onLine`; a host without it counts
/// as online): a refresh that failed offline waits for the `online` event (F24).
pub(crate) fn navigator_online() -> bool {
    field(&navigator(), "onLine").as_bool() != Some(false)
}

/// `visibilitychange` is fired at the document and bubbles to the window.
const EVENTS: [&str; 5] = ["storage", "visibilitychange", "focus", "pageshow", "online"];

/// The closure registered for `kinds`; dropping it removes it, so it does not outlive the client.
pub struct WindowListener {
    closure: Closure<dyn FnMut(JsValue)>,
    kinds: &'static [&'static str],
}

impl WindowListener {
    /// `None` where the host has no window events (Node, server rendering): nothing to follow.
    fn new(
        kinds: &'static [&'static str],
        f: impl FnMut(JsValue) + 'static,
    ) -> Option<WindowListener> {
        let closure = Closure::<dyn FnMut(JsValue)>::new(f);
        for k in kinds {
            add_event_listener(k, closure.as_ref().unchecked_ref()).ok()?;
        }
        Some(WindowListener { closure, kinds })
    }
}

impl Drop for WindowListener {
    fn drop(&mut self) {
        for k in self.kinds {
            remove_event_listener(k, self.closure.as_ref().unchecked_ref());
        }
    }
}

impl Inner {
    /// Follows other tabs' writes of our keys and the page's wake-ups. (Under sessionStorage or
    /// memory another tab's write re-reads storage that holds what we hold, and without autoRefresh
    /// a wake-up does nothing: one listener for all keeps the code small.)
    pub(crate) fn follow_window(self: &Rc<Self>) {
        let kinds: &'static [&'static str] = &EVENTS;
        let weak = Rc::downgrade(self);
        // The work runs in a microtask (as for timers), outside the listener that owns the
        // closure, so a `dispose()` from a session listener never drops a running closure.
        let l = WindowListener::new(kinds, move |ev: JsValue| {
            if let Some(inner) = weak.upgrade() {
                let get = |k: &str| crate::js::field(&ev, k).as_string();
                let op = match get("type").as_deref() {
                    Some("storage") => Op::Storage(get("key")),
                    kind => Op::Wake(kind == Some("online")),
                };
                let _ = inner.start(Ok(op));
            }
        });
        *self.window_events.borrow_mut() = l;
    }
}
