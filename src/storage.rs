//! Token storage: `localStorage`, `sessionStorage` or memory (cookie mode keeps its few keys, none a
//! token, in `localStorage`). A storage that throws on access
//! (F34: sandboxed iframe, blocked site data) falls back to memory; failed writes (F35) leave the
//! in-memory session running and are retried by the next write.

#[allow(unused_imports)]
use crate::prelude::*;
use core::cell::RefCell;

use descope_core::config::Persistence;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

#[wasm_bindgen]
extern "C" {
    /// `localStorage` / `sessionStorage`. Own bindings rather than web-sys's `Storage`, whose
    /// `getItem` copies its `Option<String>` into wasm memory with its own glue; here the value
    /// comes back as a JS string or `null`.
    pub type WebStorage;
    #[wasm_bindgen(method, catch, js_name = getItem)]
    fn get_item(this: &WebStorage, key: &str) -> Result<JsValue, JsValue>;
    #[wasm_bindgen(method, catch, js_name = setItem)]
    fn set_item(this: &WebStorage, key: &str, value: &str) -> Result<(), JsValue>;
    #[wasm_bindgen(method, catch, js_name = removeItem)]
    fn remove_item(this: &WebStorage, key: &str) -> Result<(), JsValue>;
}

enum Backend {
    Web(WebStorage),
    Memory(RefCell<Vec<(String, String)>>),
}

pub struct Store {
    backend: Backend,
    pub in_use: Persistence,
}

fn web_storage(p: Persistence) -> Option<WebStorage> {
    let name = match p {
        Persistence::LocalStorage | Persistence::Cookie => "localStorage",
        Persistence::SessionStorage => "sessionStorage",
        Persistence::Memory => return None,
    };
    // Read off the global object through `Reflect` (the getter throws where site data is
    // blocked; `field` reads a throw as `undefined`) rather than `web_sys::window()?.local_storage()`, which
    // costs an `instanceof Window` check and two getter imports in the glue. Outside a window there
    // is no such property and memory is used.
    let s = crate::js::field(&js_sys::global(), name);
    if s.is_undefined() || s.is_null() {
        return None;
    }
    let s: WebStorage = s.unchecked_into();
    // Some browsers hand out the object and throw on first use.
    s.get_item("DSR").ok()?;
    Some(s)
}

impl Store {
    /// Opens the requested storage; the bool is true when it fell back to memory.
    pub fn open(p: Persistence) -> (Store, bool) {
        match web_storage(p) {
            Some(s) => (
                Store {
                    backend: Backend::Web(s),
                    in_use: p,
                },
                false,
            ),
            // Memory was asked for, or the web storage is missing or throws (F34).
            None => (
                Store {
                    backend: Backend::Memory(RefCell::new(Vec::new())),
                    in_use: Persistence::Memory,
                },
                p != Persistence::Memory,
            ),
        }
    }

    pub fn get(&self, key: &str) -> Option<String> {
        match &self.backend {
            Backend::Web(s) => s.get_item(key).ok().and_then(|v| v.as_string()),
            Backend::Memory(m) => m
                .borrow()
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone()),
        }
    }

    /// False when the browser refused the write (quota, F35).
    pub fn set(&self, key: &str, value: &str) -> bool {
        match &self.backend {
            Backend::Web(s) => s.set_item(key, value).is_ok(),
            Backend::Memory(m) => {
                let mut m = m.borrow_mut();
                match m.iter_mut().find(|(k, _)| k == key) {
                    Some(slot) => slot.1 = value.to_string(),
                    None => m.push((key.to_string(), value.to_string())),
                }
                true
            }
        }
    }

    pub fn remove(&self, key: &str) {
        match &self.backend {
            Backend::Web(s) => {
                let _ = s.remove_item(key);
            }
            Backend::Memory(m) => {
                // Keys are unique (see `set`); `swap_remove` is much smaller than `retain`.
                let mut m = m.borrow_mut();
                if let Some(i) = m.iter().position(|(k, _)| k == key) {
                    m.swap_remove(i);
                }
            }
        }
    }

    /// Removes `key` only if it still holds `expected` (compare-and-delete, F17).
    pub fn remove_if(&self, key: &str, expected: &str) {
        if self.get(key).as_deref() == Some(expected) {
            self.remove(key);
        }
    }
}
