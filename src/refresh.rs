//! The refresh: one network refresh shared by every caller in this tab (F28), how its failures end
//! or keep the session (F16, F17), and `getSessionToken`.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::config::Persistence;
use descope_core::refresh::{self, AfterWait, Rejected};
use descope_core::request;
use descope_core::schedule;
use descope_core::session::{
    refresh_event_kind, EventType, Reason, SessionData, COOKIE_CREDENTIAL,
};
use descope_core::storage::Held;
use descope_core::{Error, ErrorKind};
use js_sys::{Function, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::client::{js_str, now_ms, rand_u32, Inner, Op, Rejection};
use crate::events::Field;

/// Where the refresh loop is (see `Inner::do_refresh`).
enum Step {
    /// Holding the lock (or done waiting): re-read storage and decide whether to send.
    Decide,
    Send,
    /// A 401/403 to judge after re-reading storage.
    Judge(Error),
}

impl Inner {
    /// The one refresh in flight, started if there is none (F28: however many callers).
    pub(crate) fn refresh_shared(self: &Rc<Self>) -> Promise {
        if let Some(p) = self.inflight.borrow().as_ref() {
            return p.clone();
        }
        let p = self.start(Ok(Op::Refresh));
        *self.inflight.borrow_mut() = Some(p.clone());
        p
    }

    /// The refresh (one per call of `refresh_shared`). Where tabs share storage it runs under the
    /// cross-tab lock and starts by re-reading storage: another tab's newer session is adopted with
    /// no request (F29). Holding the lock through the request and the storage write means the next
    /// tab finds the result; the lock is released before listeners run. One loop with one await
    /// for every wait (lock, pause) and one for the request keeps the async state machine small.
    pub(crate) async fn do_refresh(self: &Rc<Self>) -> Result<Rc<SessionData>, Error> {
        self.check_alive()?;
        // What this tab held when asked: storage is compared with it.
        let held_current = self.current();
        let held_refresh = self.state.borrow().refresh_token();
        let Some(mut token) = held_refresh.clone() else {
            return Err(Error::no_session());
        };
        // No session yet, only its credential (a reload, another tab's sign-in): `try-refresh`.
        let restoring = held_current.is_none();
        // Tabs share localStorage, and in cookie mode the cookie jar: refreshes take turns.
        let shared = matches!(
            self.store.in_use,
            Persistence::LocalStorage | Persistence::Cookie
        );
        let mut step = if shared { Step::Decide } else { Step::Send };
        let mut wait = shared.then(|| self.lock_promise(0));
        // Without Web Locks the refresh is claimed in storage (F33); `mine` is our claim (0: none).
        let claims = shared && crate::lock::web_locks().is_none();
        let mut mine = 0;
        let (mut retried, mut resent, mut relocked) = (false, false, false);
        let result = loop {
            if let Some(p) = wait.take() {
                let granted = JsFuture::from(p).await.ok();
                if let Some(release) = granted.and_then(|v| v.dyn_into::<Function>().ok()) {
                    *self.lock.borrow_mut() = Some(release);
                }
            }
            let held = Held::of(held_refresh.as_deref(), held_current.as_deref());
            match step {
                Step::Decide => {
                    if !self.state.borrow().has_credentials() {
                        // Signed out while waiting (a logout here or in another tab).
                        break Err(Error::no_session());
                    }
                    let (dsr, ds) = self.stored();
                    match refresh::after_wait(
                        held,
                        dsr.as_deref(),
                        ds.as_deref(),
                        &self.cfg.project_id,
                        now_ms(),
                        self.skew_ms(),
                        !self.persist_failed.get(),
                    ) {
                        AfterWait::Adopt(data, kind) => break Ok(self.take_stored(data, kind)),
                        AfterWait::Gone => {
                            self.sign_out(Reason::OtherTab);
                            break Err(Error::no_session());
                        }
                        AfterWait::Send(t) => {
                            token = t;
                            // Without Web Locks: send once our claim stands, else decide again.
                            wait = claims.then(|| self.claim_wait(&mut mine)).flatten();
                            step = if wait.is_some() {
                                Step::Decide
                            } else {
                                Step::Send
                            };
                        }
                    }
                }
                Step::Send => {
                    // F04: an expired refresh token cannot be refreshed; end without a request.
                    // (The cookie's expiry is the browser's business: it drops the cookie.)
                    let expired = token != COOKIE_CREDENTIAL
                        && descope_core::jwt::decode(&token).map_or(true, |j| {
                            j.is_expired_at(
                                now_ms().saturating_sub(descope_core::session::REFRESH_LEEWAY_MS),
                            )
                        });
                    if expired {
                        self.sign_out(Reason::Expired);
                        break Err(Error::unauthenticated(
                            "refreshExpired",
                            "the refresh token has expired",
                        ));
                    }
                    let generation = self.state.borrow().generation();
                    let res = self.call(&request::refresh(restoring), Some(&token)).await;
                    if self.state.borrow().generation() != generation {
                        // Signed out or replaced while in flight (F31): the answer is dropped.
                        break self.current().ok_or_else(Error::no_session);
                    }
                    let err = match res.and_then(|r| {
                        refresh::parse_answer(
                            r.status,
                            &r.body,
                            &self.cfg.project_id,
                            self.cfg.cookie_mode(),
                            restoring,
                        )
                    }) {
                        Ok(info) => {
                            self.refresh_count.set(self.refresh_count.get() + 1);
                            self.last_refresh_at.set(Some(now_ms()));
                            self.ambiguous.borrow_mut().take();
                            let previous = self.current().map(|s| s.user_id().to_string());
                            let kind = refresh_event_kind(
                                previous.as_deref(),
                                info.session.subject().unwrap_or(""),
                                self.restoring.replace(false),
                            );
                            // Persisted before the lock is released (in `emit`): the next tab
                            // finds it.
                            break Ok(self.adopt(info, kind));
                        }
                        Err(e) => e,
                    };
                    if err.kind == ErrorKind::Unauthenticated {
                        if shared && !relocked {
                            // Judged once another tab's newer token can have reached this one
                            // (`JUDGE_PAUSE_MS`): sent without the lock (the wait timed out, or
                            // no Web Locks), once the holder has finished too.
                            relocked = true;
                            wait = Some(if self.lock.borrow().is_some() {
                                crate::timer::pause(refresh::JUDGE_PAUSE_MS)
                            } else {
                                self.lock_promise(refresh::JUDGE_PAUSE_MS)
                            });
                        }
                        step = Step::Judge(err);
                    } else if refresh::maybe_committed(err.kind) && !resent {
                        // The server may have rotated the token and the answer been lost (F21):
                        // retry once, soon, with the same token (a server grace window answers
                        // it); a refusal then means the rotation is lost.
                        resent = true;
                        *self.ambiguous.borrow_mut() = Some(token.clone());
                        wait = Some(crate::timer::pause(refresh::LOST_RETRY_MS as u32));
                    } else {
                        if refresh::maybe_committed(err.kind) {
                            *self.ambiguous.borrow_mut() = Some(token.clone());
                        }
                        self.schedule_retry(&err);
                        break Err(err);
                    }
                }
                Step::Judge(err) => {
                    let (dsr, ds) = self.stored();
                    let lost = self.ambiguous.borrow().as_deref() == Some(token.as_str());
                    match refresh::on_rejected(
                        &token,
                        held,
                        dsr.as_deref(),
                        ds.as_deref(),
                        &self.cfg.project_id,
                        now_ms(),
                        self.skew_ms(),
                        retried,
                        lost,
                    ) {
                        Rejected::Adopt(data, kind) => break Ok(self.take_stored(data, kind)),
                        Rejected::Retry(t) => {
                            retried = true;
                            token = t;
                            step = Step::Send;
                        }
                        verdict => {
                            self.log(
                                "warn",
                                "refreshRejected",
                                &[(
                                    "status",
                                    err.status
                                        .map_or(Field::Undefined, |s| Field::Num(s.into())),
                                )],
                            );
                            self.sign_out(if verdict == Rejected::Lost {
                                Reason::RefreshLost
                            } else if restoring {
                                // The session stored before the reload ended meanwhile.
                                Reason::Expired
                            } else {
                                Reason::Revoked
                            });
                            break Err(err);
                        }
                    }
                }
            }
        };
        self.unlock();
        self.release_claim(mine);
        result
    }

    /// Our two keys as stored now.
    pub(crate) fn stored(&self) -> (Option<String>, Option<String>) {
        (
            self.store.get(&self.refresh_key),
            self.store.get(&self.session_key),
        )
    }

    /// Makes a session another tab stored current (no request, no storage write), unless it
    /// already is (the storage event got there first).
    fn take_stored(self: &Rc<Self>, data: SessionData, kind: EventType) -> Rc<SessionData> {
        match self.current() {
            Some(c) if c.session_jwt == data.session_jwt && c.refresh_jwt == data.refresh_jwt => c,
            _ => self.commit(data, kind, false),
        }
    }

    pub(crate) fn schedule_retry(self: &Rc<Self>, err: &Error) {
        let n = self.failures.get();
        self.failures.set(n.saturating_add(1));
        if self.state.borrow().has_credentials() {
            let online = crate::lifecycle::navigator_online();
            self.arm(schedule::failure_delay_ms(err, n, rand_u32(), online));
        }
    }

    /// `getSessionToken()` without waiting: a session token valid for a few more seconds, or
    /// `undefined` when signed out; `None` when the shared refresh must come first (then
    /// [`Inner::token_after`]).
    pub(crate) fn token_now(&self) -> Result<Option<JsValue>, Error> {
        self.check_alive()?;
        let st = self.state.borrow();
        if let Some(s) = st.current() {
            let margin = refresh::handout_margin_ms(s.lifetime_ms());
            if s.expires_at_ms() > now_ms().saturating_add(margin) {
                return Ok(Some(js_str(&s.session_jwt)));
            }
        }
        Ok((!st.has_credentials()).then_some(JsValue::UNDEFINED))
    }

    /// `getSessionToken()` after the shared refresh (`r`); `restoring`: there was no current
    /// session, only a credential to restore it with.
    pub(crate) fn token_after(
        &self,
        restoring: bool,
        r: Result<JsValue, JsValue>,
    ) -> Result<JsValue, Rejection> {
        match r {
            Ok(v) => Ok(crate::js::field(&v, "sessionJwt")),
            // A session being restored (after a reload) that the server no longer has: this
            // browser is simply signed out. A current session that ends is an error.
            Err(_) if restoring && !self.state.borrow().has_credentials() => Ok(JsValue::UNDEFINED),
            Err(e) => Err(Rejection::Js(e)),
        }
    }
}
