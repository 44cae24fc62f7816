//! The refresh: one network refresh shared by every caller in this tab (F28), how its failures end
//! or keep the session (F16, F17), and `getSessionToken`.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;

use descope_core::request;
use descope_core::response;
use descope_core::schedule;
use descope_core::session::{refresh_event_kind, Reason, SessionData};
use descope_core::storage as core_storage;
use descope_core::{Error, ErrorKind};
use js_sys::{Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::client::{js_str, now_ms, rand_u32, Inner, Op};
use crate::events::Field;

/// A token is refreshed before being handed out when it has less than this left.
const HANDOUT_MARGIN_MS: u64 = 5_000;

/// Turns a rejection of one of our promises back into a core error (for `getSessionToken`, which
/// shares the refresh promise's outcome).
fn js_error_back(v: &JsValue) -> Error {
    let get = |k: &str| Reflect::get(v, &js_str(k)).ok();
    let kind = match get("kind").and_then(|k| k.as_string()).as_deref() {
        Some("api") => ErrorKind::Api,
        Some("network") => ErrorKind::Network,
        Some("timeout") => ErrorKind::Timeout,
        Some("rateLimited") => ErrorKind::RateLimited,
        Some("unauthenticated") => ErrorKind::Unauthenticated,
        Some("validation") => ErrorKind::Validation,
        Some("config") => ErrorKind::Config,
        Some("storage") => ErrorKind::Storage,
        _ => ErrorKind::Protocol,
    };
    let code = get("code")
        .and_then(|c| c.as_string())
        .unwrap_or_else(|| "unknown".to_string());
    let desc = get("description")
        .and_then(|c| c.as_string())
        .unwrap_or_default();
    let mut e = Error::new(kind, &code, &desc);
    e.status = get("status").and_then(|s| s.as_f64()).map(|s| s as u16);
    e.retry_after_ms = get("retryAfterMs")
        .and_then(|s| s.as_f64())
        .map(|s| s as u64);
    e.retryable = get("retryable").and_then(|s| s.as_bool()).unwrap_or(false);
    e
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

    pub(crate) async fn do_refresh(self: &Rc<Self>) -> Result<Rc<SessionData>, Error> {
        self.check_alive()?;
        let mut retried_other_tab = false;
        loop {
            let (pair, generation) = {
                let st = self.state.borrow();
                (st.refresh_pair(), st.generation())
            };
            let Some((token, rjwt)) = pair else {
                return Err(Error::no_session());
            };
            // F04: an expired refresh token cannot be refreshed; end without a network call.
            if rjwt.is_expired_at(now_ms().saturating_sub(descope_core::session::REFRESH_LEEWAY_MS))
            {
                self.sign_out(Reason::Expired);
                return Err(Error::unauthenticated(
                    "refreshExpired",
                    "the refresh token has expired",
                ));
            }
            let res = self.call(&request::refresh(), Some(&token)).await;
            if self.state.borrow().generation() != generation {
                // Signed out or replaced while in flight (F31): the late answer is thrown away.
                return self.current().ok_or_else(Error::no_session);
            }
            let err = match res.and_then(|r| {
                response::parse_auth_response(r.status, &r.body, &self.cfg.project_id)
            }) {
                Ok(info) => {
                    self.refresh_count.set(self.refresh_count.get() + 1);
                    self.last_refresh_at.set(Some(now_ms()));
                    let previous = self.current().map(|s| s.user_id().to_string());
                    let kind = refresh_event_kind(
                        previous.as_deref(),
                        info.session.subject().unwrap_or(""),
                    );
                    return Ok(self.adopt(info, kind));
                }
                Err(e) => e,
            };
            if err.kind == ErrorKind::Unauthenticated {
                // F16: another tab may have rotated the token; adopt a newer stored one, retry once.
                if !retried_other_tab {
                    retried_other_tab = true;
                    let stored = self.store.get(&self.refresh_key);
                    if stored.as_deref().is_some_and(|s| s != token) {
                        let ds = self.store.get(&self.session_key);
                        let out = core_storage::restore(
                            stored.as_deref(),
                            ds.as_deref(),
                            &self.cfg.project_id,
                            now_ms(),
                        );
                        if out.session.is_some() || out.dormant.is_some() {
                            self.state.borrow_mut().restore(out.session, out.dormant);
                            continue;
                        }
                    }
                }
                // F17: revoked or expired on the server.
                self.log(
                    "warn",
                    "refreshRejected",
                    &[(
                        "status",
                        err.status
                            .map_or(Field::Undefined, |s| Field::Num(s.into())),
                    )],
                );
                self.sign_out(Reason::Revoked);
                return Err(err);
            }
            self.schedule_retry(&err);
            return Err(err);
        }
    }

    pub(crate) fn schedule_retry(self: &Rc<Self>, err: &Error) {
        let n = self.failures.get();
        self.failures.set(n.saturating_add(1));
        if self.state.borrow().has_credentials() {
            self.arm(schedule::failure_delay_ms(err, n, rand_u32()));
        }
    }

    /// A session token valid for a few more seconds, refreshing first when needed.
    pub(crate) async fn session_token(self: &Rc<Self>) -> Result<Option<String>, Error> {
        self.check_alive()?;
        let (current, has) = {
            let st = self.state.borrow();
            (st.current(), st.has_credentials())
        };
        if let Some(s) = &current {
            if s.expires_at_ms() > now_ms().saturating_add(HANDOUT_MARGIN_MS) {
                return Ok(Some(s.session_jwt.clone()));
            }
        }
        if !has {
            return Ok(None);
        }
        match JsFuture::from(self.refresh_shared()).await {
            Ok(v) => Ok(Reflect::get(&v, &js_str("sessionJwt"))
                .ok()
                .and_then(|t| t.as_string())),
            Err(e) => Err(js_error_back(&e)),
        }
    }
}
