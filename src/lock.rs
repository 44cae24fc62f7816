//! The refresh lock shared by every tab of one origin and storage prefix, so that one of them sends
//! the refresh and the others adopt its result (F29), with the Web Locks API. Waits are bounded
//! (`refresh::lock_wait_ms`): a tab that could not get the lock in time goes ahead without it (a
//! hung holder, F30; the browser itself releases a dead tab's lock). Where `navigator.locks` is
//! missing (F33) a tab pauses a random moment instead, so tabs that started together do not send
//! together, and the rules of `descope_core::refresh` (re-read storage first, judge a 401 only after
//! another pause) keep a lost race from signing anyone out. The lock is released before any
//! session listener runs (`Inner::emit`).

#[allow(unused_imports)]
use crate::prelude::*;

use descope_core::refresh;
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::AbortController;

use crate::client::{js_str, rand_u32, Inner};
use crate::error::set;
use crate::otp::field;
use crate::timer::set_timeout;

/// `navigator.locks`, where it exists.
fn web_locks() -> Option<JsValue> {
    let nav = Reflect::get(&js_sys::global(), &js_str("navigator")).ok()?;
    let locks = Reflect::get(&nav, &js_str("locks")).ok()?;
    locks.is_object().then_some(locks)
}

/// A promise of the Web Lock `name` that resolves to the function releasing it once the browser
/// grants it, or to something else (the `AbortError`) when `wait_ms` passed first. Without
/// `navigator.locks` it resolves to `undefined` after `pause_ms`.
fn request_lock(name: &str, wait_ms: u32, pause_ms: u32) -> Promise {
    Promise::new(&mut |resolve, _| {
        let locks = web_locks();
        let request = locks.as_ref().and_then(|l| {
            Reflect::get(l, &js_str("request"))
                .ok()?
                .dyn_into::<Function>()
                .ok()
        });
        let (Some(locks), Some(request), Ok(ctl)) = (locks, request, AbortController::new()) else {
            set_timeout(&resolve, pause_ms);
            return;
        };
        let opts = Object::new();
        set(&opts, "signal", &field(&ctl, "signal"));
        // Aborting a granted request does nothing, so the timer is left to fire.
        if let Ok(abort) = Reflect::get(&ctl, &js_str("abort")) {
            set_timeout(&abort.unchecked_into::<Function>().bind0(&ctl), wait_ms);
        }
        let grant = resolve.clone();
        // The lock is held until the promise the callback returns settles: its `resolve` is the
        // release function handed back.
        let on_grant = Closure::once_into_js(move |_lock: JsValue| {
            Promise::new(&mut |release, _| {
                let _ = grant.call1(&JsValue::NULL, &release);
            })
        });
        match request.call3(&locks, &js_str(name), &opts, &on_grant) {
            // An aborted wait rejects; the rejection resolves ours with the error (no lock).
            Ok(p) => {
                if let Ok(catch) = Reflect::get(&p, &js_str("catch")) {
                    let _ = catch.unchecked_into::<Function>().call1(&p, &resolve);
                }
            }
            Err(e) => {
                let _ = resolve.call1(&JsValue::NULL, &e);
            }
        }
    })
}

impl Inner {
    /// A promise of the refresh lock (see `request_lock`), with a pause of `pause_ms` plus up to
    /// 200 ms where there are no Web Locks.
    pub(crate) fn lock_promise(&self, pause_ms: u32) -> Promise {
        // Named after the refresh JWT's key (`${prefix}DSR`): Web Locks are per origin already.
        request_lock(
            &self.refresh_key,
            refresh::lock_wait_ms(self.cfg.timeout_ms),
            pause_ms + rand_u32() % 200,
        )
    }

    /// Releases the refresh lock if this instance holds it, `LOCK_SETTLE_MS` later (by a timer:
    /// nothing this tab runs meanwhile, listeners included, can hold it longer).
    pub(crate) fn unlock(&self) {
        let release = self.lock.borrow_mut().take();
        if let Some(f) = release {
            set_timeout(&f, refresh::LOCK_SETTLE_MS);
        }
    }
}
