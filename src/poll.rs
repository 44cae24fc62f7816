//! `waitForSession` (enchanted link, NOTP): polls a pending session until it becomes a `Session`,
//! the deadline passes, or the caller's `AbortSignal` fires. The rules (interval bounds, which
//! failures mean "keep polling", how long to wait) are `descope_core::poll`; this is the loop.
//!
//! Never a tight loop: every poll that does not end the wait is followed by a sleep of at least
//! `pollIntervalMs` (≥ 1000 ms) unless the deadline is closer. An abort settles the promise at once,
//! whether it comes during a request or during a sleep (the request's answer is then ignored).

use alloc::rc::Rc;
use core::future::{poll_fn, Future};
use core::pin::pin;
use core::task::Poll;

use descope_core::poll::{self, PollTiming};
use descope_core::request::Request;
use descope_core::Error;
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::client::{now_ms, Inner};
use crate::session::Session;
use crate::timer::{clear_timeout, set_timeout};

#[wasm_bindgen]
extern "C" {
    /// The caller's `AbortSignal` (checked to have a boolean `aborted`).
    #[wasm_bindgen(typescript_type = "AbortSignal")]
    pub type AbortSignalJs;
    #[wasm_bindgen(method, js_name = addEventListener)]
    fn add_event_listener(this: &AbortSignalJs, kind: &str, f: &Function);
    #[wasm_bindgen(method, js_name = removeEventListener)]
    fn remove_event_listener(this: &AbortSignalJs, kind: &str, f: &Function);
}

/// A promise that resolves when the signal aborts (never, without a signal). The listener is
/// removed on drop.
struct AbortWatch {
    signal: Option<AbortSignalJs>,
    resolve: Option<Function>,
    promise: Promise,
}

impl AbortWatch {
    fn new(signal: Option<AbortSignalJs>) -> AbortWatch {
        let mut resolve = None;
        let promise = Promise::new(&mut |res, _| resolve = Some(res));
        if let (Some(s), Some(r)) = (&signal, &resolve) {
            s.add_event_listener("abort", r);
        }
        AbortWatch {
            signal,
            resolve,
            promise,
        }
    }

    fn aborted(&self) -> bool {
        // Read through `Reflect` (as `wait_args` checks it): a getter import costs glue.
        self.signal
            .as_ref()
            .is_some_and(|s| crate::js::field(s, "aborted").as_bool() == Some(true))
    }

    /// Runs `f` unless the signal aborts first (`None` then).
    async fn or_abort<F: Future>(&self, f: F) -> Option<F::Output> {
        let mut f = pin!(f);
        let mut a = pin!(JsFuture::from(self.promise.clone()));
        poll_fn(|cx| {
            if let Poll::Ready(v) = f.as_mut().poll(cx) {
                return Poll::Ready(Some(v));
            }
            if a.as_mut().poll(cx).is_ready() {
                return Poll::Ready(None);
            }
            Poll::Pending
        })
        .await
    }
}

impl Drop for AbortWatch {
    fn drop(&mut self) {
        if let (Some(s), Some(r)) = (&self.signal, &self.resolve) {
            s.remove_event_listener("abort", r);
        }
    }
}

/// Sleeps `ms`; false when the signal aborted first (the timer is cleared either way).
async fn sleep(watch: &AbortWatch, ms: u32) -> bool {
    let mut id = JsValue::UNDEFINED;
    // Passing the promise's `resolve` straight to `setTimeout` needs no Rust closure.
    let p = Promise::new(&mut |res, _| id = set_timeout(&res, ms));
    let slept = watch.or_abort(JsFuture::from(p)).await.is_some();
    clear_timeout(&id);
    slept
}

/// Polls `req` (a `pending-session` call) until it answers a session, which becomes current and is
/// persisted like any sign-in.
///
/// # Errors
/// `aborted`/`aborted` when the signal aborts; `timeout`/`pollingTimeout` at the deadline; a
/// failure that is neither `pending` nor retryable (e.g. an unknown `pendingRef`) as is.
pub(crate) async fn wait_for_session(
    inner: &Rc<Inner>,
    req: &Request,
    t: PollTiming,
    pending: &str,
    signal: Option<AbortSignalJs>,
) -> Result<Session, Error> {
    let watch = AbortWatch::new(signal);
    let deadline = now_ms().saturating_add(t.timeout_ms.into());
    loop {
        if watch.aborted() {
            return Err(poll::aborted());
        }
        let retry_after = match watch.or_abort(inner.session_call(req)).await {
            None => return Err(poll::aborted()),
            Some(Ok(s)) => return Ok(s),
            Some(Err(e)) if poll::keeps_polling(&e, pending) => e.retry_after_ms,
            Some(Err(e)) => return Err(e),
        };
        let now = now_ms();
        if now >= deadline {
            return Err(poll::polling_timeout());
        }
        if !sleep(&watch, poll::next_wait_ms(&t, retry_after, deadline - now)).await {
            return Err(poll::aborted());
        }
        if now_ms() >= deadline {
            return Err(poll::polling_timeout());
        }
    }
}
