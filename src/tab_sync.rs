//! Following other tabs of the same origin and storage prefix through the window `storage` event
//! (localStorage only, F31, F32, F36).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::config::Persistence;
use descope_core::storage::{self as core_storage, Held, TabChange};
use js_sys::Reflect;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

use crate::client::{js_str, now_ms, Inner, Op};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = addEventListener)]
    fn add_event_listener(kind: &str, f: &js_sys::Function);
    #[wasm_bindgen(js_name = removeEventListener)]
    fn remove_event_listener(kind: &str, f: &js_sys::Function);
}

/// The window's `storage` listener (other tabs' writes to `localStorage`, F31/F32). Dropping it
/// (`dispose()`, or the client being freed) removes it, so the closure does not outlive the client.
pub struct StorageListener(Closure<dyn FnMut(JsValue)>);

impl StorageListener {
    pub fn new(f: impl FnMut(JsValue) + 'static) -> StorageListener {
        let c = Closure::<dyn FnMut(JsValue)>::new(f);
        add_event_listener("storage", c.as_ref().unchecked_ref());
        StorageListener(c)
    }
}

impl Drop for StorageListener {
    fn drop(&mut self) {
        remove_event_listener("storage", self.0.as_ref().unchecked_ref());
    }
}

impl Inner {
    /// Starts following other tabs' writes of our keys (localStorage only: sessionStorage and memory
    /// are not shared between tabs).
    pub(crate) fn follow_other_tabs(self: &Rc<Self>) {
        if self.store.in_use != Persistence::LocalStorage {
            return;
        }
        let weak = Rc::downgrade(self);
        // The work runs in a microtask (as for timers), outside the listener that owns the
        // closure, so a `dispose()` from a session listener never drops a running closure.
        let l = StorageListener::new(move |ev: JsValue| {
            if let Some(inner) = weak.upgrade() {
                let key = Reflect::get(&ev, &js_str("key"))
                    .ok()
                    .and_then(|k| k.as_string());
                let _ = inner.start(Ok(Op::Storage(key)));
            }
        });
        *self.tab_sync.borrow_mut() = Some(l);
    }

    /// Another tab changed storage (`key`; `None` when it was cleared): re-read it and follow the
    /// core's verdict, with no network call (F31, F32, F36). A refresh of ours still in flight is
    /// thrown away by the generation check, since every transition here bumps it.
    pub(crate) fn on_storage(self: &Rc<Self>, key: Option<String>) {
        let dsr = self.store.get(&self.refresh_key);
        let ds = self.store.get(&self.session_key);
        let change = {
            let st = self.state.borrow();
            let cur = st.current();
            let refresh = st.refresh_token();
            core_storage::tab_change(
                key.as_deref(),
                &self.cfg.storage_prefix,
                dsr.as_deref(),
                ds.as_deref(),
                &self.cfg.project_id,
                now_ms(),
                Held {
                    refresh: refresh.as_deref(),
                    session: cur.as_ref().map(|c| c.session_jwt.as_str()),
                    user: cur.as_ref().map(|c| c.user_id()),
                },
            )
        };
        match change {
            TabChange::Keep => {}
            TabChange::Adopt(data, kind) => {
                self.commit(data, kind, false);
            }
            TabChange::Dormant(t, j) => {
                self.state.borrow_mut().restore(None, Some((t, j)));
                self.schedule();
            }
            TabChange::SignOut {
                reason,
                remove_refresh,
                remove_session,
            } => {
                if remove_refresh {
                    self.store.remove(&self.refresh_key);
                }
                if remove_session {
                    self.store.remove(&self.session_key);
                }
                self.sign_out(reason);
            }
        }
    }
}
