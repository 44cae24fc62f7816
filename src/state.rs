//! The client's session state made current, persisted and ended: the one place where storage is
//! written and `signedIn` / `refreshed` / `signedOut` are decided.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::response::AuthInfo;
use descope_core::session::{Event, EventType, Reason, SessionData};
use descope_core::storage as core_storage;

use crate::client::{now_ms, Inner, Op};
use crate::events::Field;

impl Inner {
    /// Reads storage (not network I/O) and queues the outcome as an event delivered in a microtask,
    /// so listeners added right after the constructor hear `restored` (or `signedOut` with
    /// `corruptStorage`/`expired`). Listeners added later read `session` instead. A session that
    /// must come from the server (`storage::on_load`) is asked for with one `try-refresh`, started
    /// in a microtask too; its outcome is the event (`restored`, or `signedOut`).
    pub(crate) fn restore_on_load(self: &Rc<Self>) {
        let (dsr, ds) = self.stored();
        let indicator = self.store.get(core_storage::LOGIN_INDICATOR_KEY);
        let out = core_storage::on_load(
            self.cfg.cookie_mode(),
            indicator.as_deref(),
            dsr.as_deref(),
            ds.as_deref(),
            &self.cfg.project_id,
            now_ms(),
            // Judged on the server's clock as estimated before the reload (F26).
            self.skew.get(),
        );
        if out.remove_refresh {
            self.store.remove(&self.refresh_key);
        }
        if out.remove_session {
            self.store.remove(&self.session_key);
        }
        let event = match (&out.session, out.dropped) {
            (Some(_), _) => Some(Event {
                kind: EventType::Restored,
                reason: None,
            }),
            (None, Some(r)) => Some(Event {
                kind: EventType::SignedOut,
                reason: Some(r),
            }),
            _ => None,
        };
        if let Some(r) = out.dropped {
            self.log(
                "warn",
                "storageDropped",
                &[("reason", Field::Str(r.as_str()))],
            );
        }
        let over_network = out.dormant.is_some();
        self.state.borrow_mut().restore(out.session, out.dormant);
        self.restoring.set(over_network);
        if !over_network {
            self.schedule();
        }
        if over_network || event.is_some() {
            let _ = self.start(Ok(Op::Restore(event)));
        }
    }

    /// This device's clock minus the server's, as last estimated (0 when unknown).
    pub(crate) fn skew_ms(&self) -> i64 {
        self.skew.get()
    }

    pub(crate) fn current(&self) -> Option<Rc<SessionData>> {
        self.state.borrow().current()
    }

    /// Makes a fresh server session current, persists it and emits `kind`.
    pub(crate) fn adopt(self: &Rc<Self>, info: AuthInfo, kind: EventType) -> Rc<SessionData> {
        if let Some((login_id, name)) = &info.last_user {
            // Who signed in, for `lastUser` (failed writes only cost the "welcome back").
            self.store
                .set(core_storage::LAST_USER_LOGIN_ID_KEY, login_id);
            match name {
                Some(n) => {
                    self.store.set(core_storage::LAST_USER_NAME_KEY, n);
                }
                None => self.store.remove(core_storage::LAST_USER_NAME_KEY),
            }
        }
        let prev = self.state.borrow().refresh_pair();
        let data = SessionData::from_auth(info, prev, now_ms());
        self.commit(data, kind, true)
    }

    /// Makes `data` current (persisting it unless it came from storage) and emits `kind`.
    pub(crate) fn commit(
        self: &Rc<Self>,
        data: SessionData,
        kind: EventType,
        store: bool,
    ) -> Rc<SessionData> {
        let before = self.state.borrow().refresh_token();
        let (rc, ev) = self.state.borrow_mut().adopt(data, kind);
        if store {
            self.persist(&rc, before.as_deref());
        }
        self.failures.set(0);
        self.schedule();
        self.emit(ev, Some(rc.clone()));
        rc
    }

    /// Writes the session; the refresh JWT only when it changed (`before`: the one we held), or
    /// when the last write failed (F35: the next write retries). In cookie mode there is no token
    /// to write (both are empty); the login indicator is written in every mode.
    pub(crate) fn persist(&self, s: &SessionData, before: Option<&str>) {
        let mut ok = true;
        if let Some(r) = s.refresh_jwt.as_ref().filter(|r| !r.is_empty()) {
            if before != Some(r.as_str()) || self.persist_failed.get() {
                ok &= self.store.set(&self.refresh_key, r);
            }
        }
        if !s.session_jwt.is_empty() {
            ok &= self.store.set(&self.session_key, &s.session_jwt);
        }
        if let Some(v) = core_storage::login_indicator(s) {
            ok &= self.store.set(core_storage::LOGIN_INDICATOR_KEY, &v);
        }
        if s.skew_ms != self.skew.get() || self.persist_failed.get() {
            self.skew.set(s.skew_ms);
            ok &= self
                .store
                .set(&self.skew_key, &core_storage::skew_value(s.skew_ms));
        }
        self.persist_failed.set(!ok);
        if !ok {
            self.log("warn", "storageWriteFailed", &[]);
        }
    }

    /// Ends the session. `Logout` clears our keys unconditionally; `OtherTab` leaves storage to the
    /// tab that changed it (F31); other reasons compare-and-delete so that a newer token written by
    /// another tab survives (F17).
    pub(crate) fn sign_out(self: &Rc<Self>, reason: Reason) {
        let (refresh, session) = {
            let st = self.state.borrow();
            (
                st.refresh_token(),
                st.current().map(|s| s.session_jwt.clone()),
            )
        };
        let ev = self.state.borrow_mut().sign_out(reason);
        self.restoring.set(false);
        if reason != Reason::OtherTab {
            // The session ended here: a reload has nothing to restore (another tab's end removed
            // it already).
            self.store.remove(core_storage::LOGIN_INDICATOR_KEY);
        }
        if reason == Reason::Logout {
            self.store.remove(&self.refresh_key);
            self.store.remove(&self.session_key);
        } else if reason != Reason::OtherTab {
            if let Some(r) = &refresh {
                self.store.remove_if(&self.refresh_key, r);
            }
            if let Some(s) = &session {
                self.store.remove_if(&self.session_key, s);
            }
        }
        self.timer.borrow_mut().take();
        if let Some(ev) = ev {
            self.emit(ev, None);
        }
    }
}
