//! The auto-refresh timer: armed from the session's lifetime (F26), clamped and re-armed (F27),
//! cancelled on sign-out and dispose.

use alloc::rc::Rc;

use descope_core::schedule;

use crate::client::{now_ms, rand_u32, Inner, Op};
use crate::events::Field;
use crate::timer::Timer;

impl Inner {
    /// (Re)arms the auto-refresh timer from the current session.
    pub(crate) fn schedule(self: &Rc<Self>) {
        self.timer.borrow_mut().take();
        if !self.cfg.auto_refresh || self.disposed.get() {
            return;
        }
        let delay = {
            let st = self.state.borrow();
            match st.current() {
                Some(s) => schedule::spread_ms(
                    schedule::refresh_delay_ms(
                        now_ms(),
                        s.expires_at_ms(),
                        s.lifetime_ms(),
                        self.last_refresh_at.get(),
                    ),
                    s.lifetime_ms(),
                    rand_u32(),
                ),
                None if st.has_credentials() => schedule::MIN_DELAY_MS,
                None => return,
            }
        };
        self.arm(delay);
    }

    pub(crate) fn arm(self: &Rc<Self>, delay_ms: u64) {
        if !self.cfg.auto_refresh || self.disposed.get() {
            return;
        }
        let due = now_ms().saturating_add(delay_ms);
        self.timer_due.set(due);
        // The armed timer holds the client (a strong reference, a cycle broken by sign-out,
        // logout and dispose): an instance keeps refreshing while it holds a session whether or
        // not the app keeps a reference to it (api.md), instead of being freed by wasm-bindgen's
        // finalizer with its timer. The work runs in a microtask (`start` polls first from one),
        // outside the timer callback that owns the closure.
        let inner = self.clone();
        let t = Timer::new(schedule::timer_ms(delay_ms), move || {
            let _ = inner.start(Ok(Op::Timer));
        });
        *self.timer.borrow_mut() = Some(t);
        self.log(
            "debug",
            "refreshScheduled",
            &[("delayMs", Field::Num(delay_ms as f64))],
        );
    }

    /// The page came back (`visibilitychange`, `focus`, `pageshow`) or went online: timers may
    /// have been throttled or frozen meanwhile (laptop asleep, tab hidden, back/forward cache), so
    /// the wall clock is checked again (F25); after an outage the refresh comes at once (F24, G14).
    pub(crate) fn on_wake(self: &Rc<Self>, online: bool) {
        if self.disposed.get() || !self.cfg.auto_refresh || self.inflight.borrow().is_some() {
            return;
        }
        let (has, expires_at) = {
            let st = self.state.borrow();
            (
                st.has_credentials(),
                st.current().map(|s| s.expires_at_ms()),
            )
        };
        if !has {
            return;
        }
        let due = self.timer.borrow().is_some().then(|| self.timer_due.get());
        if schedule::refresh_now_on_wake(now_ms(), due, expires_at, self.failures.get(), online) {
            let _ = self.refresh_shared();
        }
    }

    /// The timer fired: true when the refresh is due (a clamped long delay is re-armed instead,
    /// F27).
    pub(crate) fn on_timer(self: &Rc<Self>) -> bool {
        self.timer.borrow_mut().take();
        if self.disposed.get() {
            return false;
        }
        let now = now_ms();
        let due = self.timer_due.get();
        if now + 50 < due {
            self.arm(due - now);
            return false;
        }
        true
    }
}
