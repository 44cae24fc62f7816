//! The auto-refresh timer: armed from the session's lifetime (F26), clamped and re-armed (F27),
//! cancelled on sign-out and dispose.

use alloc::rc::{Rc, Weak};

use descope_core::schedule;
use wasm_bindgen_futures::JsFuture;

use crate::client::{now_ms, Inner, Op};
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
                Some(s) => schedule::refresh_delay_ms(
                    now_ms(),
                    s.expires_at_ms(),
                    s.lifetime_ms(),
                    self.last_refresh_at.get(),
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
        let weak: Weak<Inner> = Rc::downgrade(self);
        // The work runs in a microtask (`start` polls first from one), outside the timer callback
        // that owns the closure.
        let t = Timer::new(schedule::timer_ms(delay_ms), move || {
            if let Some(inner) = weak.upgrade() {
                let _ = inner.start(Ok(Op::Timer));
            }
        });
        *self.timer.borrow_mut() = Some(t);
        self.log(
            "debug",
            "refreshScheduled",
            &[("delayMs", Field::Num(delay_ms as f64))],
        );
    }

    pub(crate) async fn on_timer(self: &Rc<Self>) {
        self.timer.borrow_mut().take();
        if self.disposed.get() {
            return;
        }
        let now = now_ms();
        let due = self.timer_due.get();
        if now + 50 < due {
            // A clamped long delay (F27): re-arm for the rest.
            self.arm(due - now);
            return;
        }
        let _ = JsFuture::from(self.refresh_shared()).await;
    }
}
