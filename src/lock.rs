//! The refresh lock shared by every tab of one origin and storage prefix, so that one of them sends
//! the refresh and the others adopt its result (F29), with the Web Locks API. Waits are bounded
//! (`refresh::lock_wait_ms`): a tab that could not get the lock in time goes ahead without it (a
//! hung holder, F30; the browser itself releases a dead tab's lock). Where `navigator.locks` is
//! missing (F33) a tab pauses a random moment instead, so tabs that started together do not decide
//! together, and then claims the refresh in storage (`Inner::claim_wait`); the rules of
//! `descope_core::refresh` (re-read storage first, judge a 401 only after another pause) keep a
//! lost race from signing anyone out. The lock is released before any
//! session listener runs (`Inner::emit`).

#[allow(unused_imports)]
use crate::prelude::*;

use descope_core::clock::u64_to_string;
use descope_core::refresh::{self, Claim};
use descope_core::storage::claim_key;
use js_sys::Promise;
use wasm_bindgen::prelude::*;

use crate::client::{now_ms, rand_u32, Inner};
use crate::js::{field, navigator};
use crate::timer::{pause, set_timeout};

/// `navigator.locks`, where it exists.
pub(crate) fn web_locks() -> Option<JsValue> {
    let locks = field(&navigator(), "locks");
    locks.is_object().then_some(locks)
}

#[wasm_bindgen(module = "/src/io.js")]
extern "C" {
    /// A promise of the Web Lock `name` that resolves to the function releasing it once the
    /// browser grants it, or to something else (the `AbortError`) when `wait_ms` passed first.
    /// Without `navigator.locks` it resolves to `undefined` after `pause_ms`.
    #[wasm_bindgen(js_name = lock)]
    fn request_lock(name: &str, wait_ms: u32, pause_ms: u32) -> Promise;
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

    /// Without Web Locks (F33), the refresh claim in storage (see `refresh::read_claim`): `None`
    /// when this tab may send (its claim `mine` stood), else the pause after which to decide
    /// again: a claim was just written, or another tab's holds and its result will be adopted.
    pub(crate) fn claim_wait(&self, mine: &mut u64) -> Option<Promise> {
        let key = claim_key(&self.cfg.storage_prefix);
        let now = now_ms();
        let ms = match refresh::read_claim(self.store.get(&key).as_deref(), *mine, now) {
            Claim::Mine => return None,
            Claim::Other => refresh::CLAIM_POLL_MS,
            Claim::Free => {
                let claim = refresh::claim_value(now, self.cfg.timeout_ms, rand_u32());
                // A claim that cannot be stored is no claim: send.
                if !self.store.set(&key, &u64_to_string(claim)) {
                    return None;
                }
                *mine = claim;
                refresh::CLAIM_SETTLE_MS
            }
        };
        Some(pause(ms))
    }

    /// Removes our refresh claim (`mine`, 0 for none) if it still stands, once the result is stored.
    pub(crate) fn release_claim(&self, mine: u64) {
        if mine != 0 {
            let key = claim_key(&self.cfg.storage_prefix);
            self.store.remove_if(&key, &u64_to_string(mine));
        }
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
