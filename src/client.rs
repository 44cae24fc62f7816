//! The `Descope` class. All state lives in an `Rc<Inner>` shared with `Otp` objects, timers and
//! in-flight promises; methods take `&self` and return promises built from cloned `Rc`s, and no
//! `RefCell` borrow is held across an `.await` (so concurrent calls and a `dispose()` in between are
//! safe, and a listener may call back into the SDK, F33).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::{Rc, Weak};
use core::cell::{Cell, OnceCell, RefCell};

use descope_core::config::{self, Config, ConfigInput};
use descope_core::request::{self, Auth, Request};
use descope_core::response::{self, AuthInfo};
use descope_core::schedule;
use descope_core::session::{refresh_event_kind, Event, EventType, Reason, SessionData, State};
use descope_core::storage::{self as core_storage, Held, TabChange};
use descope_core::{clock, Error, ErrorKind};
use js_sys::{Function, Object, Promise, Reflect};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, spawn_local, JsFuture};

use crate::error::{set, to_js};
use crate::otp::Otp;
use crate::session::Session;
use crate::storage::{StorageListener, Store};
use crate::timer::Timer;
use crate::transport::{self, HttpResponse};
use crate::types::{DescopeConfigJs, SessionListenerJs};

pub(crate) fn now_ms() -> u64 {
    let n = js_sys::Date::now();
    if n.is_finite() && n > 0.0 {
        n as u64
    } else {
        0
    }
}

pub(crate) fn rand_u32() -> u32 {
    (js_sys::Math::random() * 4_294_967_296.0) as u32
}

/// `x-descope-sdk-session-id`: one per page load, shared by every instance (§1.3).
fn sdk_session_id() -> String {
    struct PageId(OnceCell<String>);
    // The module is single-threaded (see allocator.rs), so a plain static cell is enough.
    unsafe impl Sync for PageId {}
    static ID: PageId = PageId(OnceCell::new());
    ID.0.get_or_init(|| clock::sdk_session_id(now_ms(), rand_u32()))
        .clone()
}

/// A token is refreshed before being handed out when it has less than this left.
const HANDOUT_MARGIN_MS: u64 = 5_000;

pub(crate) struct Inner {
    pub cfg: Config,
    logger: Option<Function>,
    store: Store,
    persistence_fallback: bool,
    refresh_key: String,
    session_key: String,
    state: RefCell<State>,
    listeners: RefCell<Vec<(u32, Function)>>,
    next_listener: Cell<u32>,
    inflight: RefCell<Option<Promise>>,
    timer: RefCell<Option<Timer>>,
    timer_due: Cell<u64>,
    disposed: Cell<bool>,
    /// Present while another tab's storage writes are followed (localStorage only).
    tab_sync: RefCell<Option<StorageListener>>,
    refresh_count: Cell<u32>,
    last_refresh_at: Cell<Option<u64>>,
    failures: Cell<u32>,
    sdk_session_id: String,
}

/// A logger field's value. Call sites pass these rather than `JsValue`s, so that no JS value is made
/// (and no glue code is emitted at every call site) unless a logger is set.
#[derive(Clone, Copy)]
pub(crate) enum Field<'a> {
    Str(&'a str),
    Num(f64),
    Undefined,
}

impl Field<'_> {
    fn into_js(self) -> JsValue {
        match self {
            Field::Str(s) => js_str(s),
            Field::Num(n) => JsValue::from_f64(n),
            Field::Undefined => JsValue::UNDEFINED,
        }
    }
}

fn js_str(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// Reads an optional string field; a present non-string is a config error.
fn opt_string(obj: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = Reflect::get(obj, &js_str(key)).unwrap_or(JsValue::UNDEFINED);
    if v.is_undefined() {
        return Ok(None);
    }
    v.as_string().map(Some).ok_or_else(|| {
        let mut d = String::from(key);
        d.push_str(" must be a string");
        Error::config(&d)
    })
}

impl Inner {
    fn new(config: &JsValue) -> Result<Rc<Inner>, Error> {
        if !config.is_object() {
            return Err(Error::config(
                "the config must be an object with a projectId",
            ));
        }
        let project_id = opt_string(config, "projectId")?;
        let base_url = opt_string(config, "baseUrl")?;
        let persistence = opt_string(config, "persistence")?;
        let storage_prefix = opt_string(config, "storagePrefix")?;
        let get = |k: &str| Reflect::get(config, &js_str(k)).unwrap_or(JsValue::UNDEFINED);
        let auto_refresh = match get("autoRefresh") {
            v if v.is_undefined() => None,
            v => Some(
                v.as_bool()
                    .ok_or_else(|| Error::config("autoRefresh must be a boolean"))?,
            ),
        };
        let timeout_ms = match get("timeoutMs") {
            v if v.is_undefined() => None,
            v => Some(
                v.as_f64()
                    .ok_or_else(|| Error::config("timeoutMs must be a number"))?,
            ),
        };
        let logger = match get("logger") {
            v if v.is_undefined() => None,
            v => Some(
                v.dyn_into::<Function>()
                    .map_err(|_| Error::config("logger must be a function"))?,
            ),
        };
        let cfg = config::validate(&ConfigInput {
            project_id: project_id.as_deref(),
            base_url: base_url.as_deref(),
            persistence: persistence.as_deref(),
            storage_prefix: storage_prefix.as_deref(),
            auto_refresh,
            timeout_ms,
        })?;
        let (store, fallback) = Store::open(cfg.persistence);
        let inner = Rc::new(Inner {
            refresh_key: core_storage::refresh_key(&cfg.storage_prefix),
            session_key: core_storage::session_key(&cfg.storage_prefix),
            cfg,
            logger,
            store,
            persistence_fallback: fallback,
            state: RefCell::new(State::default()),
            listeners: RefCell::new(Vec::new()),
            next_listener: Cell::new(1),
            inflight: RefCell::new(None),
            timer: RefCell::new(None),
            timer_due: Cell::new(0),
            disposed: Cell::new(false),
            tab_sync: RefCell::new(None),
            refresh_count: Cell::new(0),
            last_refresh_at: Cell::new(None),
            failures: Cell::new(0),
            sdk_session_id: sdk_session_id(),
        });
        if fallback {
            inner.log(
                "warn",
                "storageFallback",
                &[
                    ("requested", Field::Str(inner.cfg.persistence.as_str())),
                    ("using", Field::Str("memory")),
                ],
            );
        }
        inner.restore_from_storage();
        if inner.store.in_use == config::Persistence::LocalStorage {
            let weak = Rc::downgrade(&inner);
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
            *inner.tab_sync.borrow_mut() = Some(l);
        }
        Ok(inner)
    }

    /// Reads storage (not network I/O) and queues the outcome as an event delivered in a microtask,
    /// so listeners added right after the constructor hear `restored` (or `signedOut` with
    /// `corruptStorage`/`expired`). Listeners added later read `session` instead.
    fn restore_from_storage(self: &Rc<Self>) {
        let dsr = self.store.get(&self.refresh_key);
        let ds = self.store.get(&self.session_key);
        let out = core_storage::restore(
            dsr.as_deref(),
            ds.as_deref(),
            &self.cfg.project_id,
            now_ms(),
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
        self.state.borrow_mut().restore(out.session, out.dormant);
        self.schedule();
        if let Some(ev) = event {
            let weak = Rc::downgrade(self);
            spawn_local(async move {
                if let Some(inner) = weak.upgrade() {
                    let current = inner.state.borrow().current();
                    inner.emit(ev, current);
                }
            });
        }
    }

    pub fn log(&self, level: &str, event: &str, fields: &[(&str, Field)]) {
        let Some(logger) = &self.logger else { return };
        let obj = Object::new();
        for &(k, v) in fields {
            set(&obj, k, &v.into_js());
        }
        let _ = logger.call3(&JsValue::NULL, &js_str(level), &js_str(event), &obj);
    }

    pub fn current(&self) -> Option<Rc<SessionData>> {
        self.state.borrow().current()
    }

    fn emit(&self, ev: Event, session: Option<Rc<SessionData>>) {
        if self.disposed.get() {
            return;
        }
        let obj = Object::new();
        set(&obj, "type", &js_str(ev.kind.as_str()));
        let s = match session {
            Some(s) if ev.kind != EventType::SignedOut => JsValue::from(Session::new(s)),
            _ => JsValue::UNDEFINED,
        };
        set(&obj, "session", &s);
        if let Some(r) = ev.reason {
            set(&obj, "reason", &js_str(r.as_str()));
        }
        self.log(
            "info",
            "sessionChange",
            &[("type", Field::Str(ev.kind.as_str()))],
        );
        // Snapshot first: a listener may subscribe, unsubscribe or call the SDK (F33).
        let listeners: Vec<Function> = self
            .listeners
            .borrow()
            .iter()
            .map(|(_, f)| f.clone())
            .collect();
        for f in listeners {
            if f.call1(&JsValue::NULL, &obj).is_err() {
                self.log("warn", "listenerThrew", &[]);
            }
        }
    }

    fn check_alive(&self) -> Result<(), Error> {
        if self.disposed.get() {
            Err(Error::disposed())
        } else {
            Ok(())
        }
    }

    /// Sends a request with the SDK headers; a non-2xx answer becomes a typed error.
    pub async fn call(
        self: &Rc<Self>,
        req: &Request,
        token: Option<&str>,
    ) -> Result<HttpResponse, Error> {
        self.check_alive()?;
        if req.auth == Auth::Refresh && token.is_none() {
            return Err(Error::no_session());
        }
        let url = config::join_url(&self.cfg.base_url, &req.path, &[]);
        let auth = request::authorization(
            &self.cfg.project_id,
            if req.auth == Auth::Refresh {
                token
            } else {
                None
            },
        );
        let mut headers: Vec<(&str, &str)> = vec![
            ("Authorization", &auth),
            ("x-descope-sdk-name", "descope-wasm"),
            ("x-descope-sdk-version", env!("CARGO_PKG_VERSION")),
            ("x-descope-sdk-session-id", &self.sdk_session_id),
            ("x-descope-project-id", &self.cfg.project_id),
        ];
        if req.body.is_some() {
            headers.push(("Content-Type", "application/json"));
        }
        let method = req.method.as_str();
        self.log(
            "debug",
            "requestSent",
            &[
                ("method", Field::Str(method)),
                ("path", Field::Str(&req.path)),
            ],
        );
        let res = transport::send(
            &url,
            method,
            &headers,
            req.body.as_deref(),
            self.cfg.timeout_ms,
        )
        .await;
        match &res {
            Ok(r) => self.log(
                if (200..300).contains(&r.status) {
                    "debug"
                } else {
                    "warn"
                },
                "responseReceived",
                &[
                    ("method", Field::Str(method)),
                    ("path", Field::Str(&req.path)),
                    ("status", Field::Num(r.status.into())),
                ],
            ),
            Err(e) => self.log(
                "warn",
                "requestFailed",
                &[
                    ("path", Field::Str(&req.path)),
                    ("kind", Field::Str(e.kind.as_str())),
                ],
            ),
        }
        let r = res?;
        if !(200..300).contains(&r.status) {
            return Err(response::error_from_response(
                r.status,
                &r.body,
                r.retry_after.as_deref(),
                now_ms(),
            ));
        }
        Ok(r)
    }

    /// Sends `req`, attaching the refresh JWT when the route needs one (rejecting with
    /// `unauthenticated` before any I/O when there is no session).
    pub async fn call_with_session(self: &Rc<Self>, req: &Request) -> Result<HttpResponse, Error> {
        self.check_alive()?;
        let token = match req.auth {
            Auth::Refresh => Some(
                self.state
                    .borrow()
                    .refresh_token()
                    .ok_or_else(Error::no_session)?,
            ),
            Auth::Project => None,
        };
        self.call(req, token.as_deref()).await
    }

    /// Makes a fresh server session current, persists it and emits `kind`.
    pub fn adopt(self: &Rc<Self>, info: AuthInfo, kind: EventType) -> Rc<SessionData> {
        let prev = self.state.borrow().refresh_pair();
        let data = SessionData::from_auth(info, prev, now_ms());
        self.commit(data, kind, true)
    }

    /// Makes `data` current (persisting it unless it came from storage) and emits `kind`.
    fn commit(self: &Rc<Self>, data: SessionData, kind: EventType, store: bool) -> Rc<SessionData> {
        let (rc, ev) = self.state.borrow_mut().adopt(data, kind);
        if store {
            self.persist(&rc);
        }
        self.failures.set(0);
        self.schedule();
        self.emit(ev, Some(rc.clone()));
        rc
    }

    fn persist(&self, s: &SessionData) {
        let mut ok = true;
        if let Some(r) = &s.refresh_jwt {
            ok &= self.store.set(&self.refresh_key, r);
        }
        ok &= self.store.set(&self.session_key, &s.session_jwt);
        if !ok {
            self.log("warn", "storageWriteFailed", &[]);
        }
    }

    /// Ends the session. `Logout` clears our keys unconditionally; `OtherTab` leaves storage to the
    /// tab that changed it (F31); other reasons compare-and-delete so that a newer token written by
    /// another tab survives (F17).
    pub fn sign_out(self: &Rc<Self>, reason: Reason) {
        let (refresh, session) = {
            let st = self.state.borrow();
            (
                st.refresh_token(),
                st.current().map(|s| s.session_jwt.clone()),
            )
        };
        let ev = self.state.borrow_mut().sign_out(reason);
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

    /// Another tab changed storage (`key`; `None` when it was cleared): re-read it and follow the
    /// core's verdict, with no network call (F31, F32, F36). A refresh of ours still in flight is
    /// thrown away by the generation check, since every transition here bumps it.
    fn on_storage(self: &Rc<Self>, key: Option<String>) {
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

    /// The one refresh in flight, started if there is none (F28: however many callers).
    pub fn refresh_shared(self: &Rc<Self>) -> Promise {
        if let Some(p) = self.inflight.borrow().as_ref() {
            return p.clone();
        }
        let p = self.start(Ok(Op::Refresh));
        *self.inflight.borrow_mut() = Some(p.clone());
        p
    }

    async fn do_refresh(self: &Rc<Self>) -> Result<Rc<SessionData>, Error> {
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

    fn schedule_retry(self: &Rc<Self>, err: &Error) {
        let n = self.failures.get();
        self.failures.set(n.saturating_add(1));
        if self.state.borrow().has_credentials() {
            self.arm(schedule::failure_delay_ms(err, n, rand_u32()));
        }
    }

    /// (Re)arms the auto-refresh timer from the current session.
    pub fn schedule(self: &Rc<Self>) {
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

    fn arm(self: &Rc<Self>, delay_ms: u64) {
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

    async fn on_timer(self: &Rc<Self>) {
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

    /// A session token valid for a few more seconds, refreshing first when needed.
    pub async fn session_token(self: &Rc<Self>) -> Result<Option<String>, Error> {
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

    pub fn diagnostics(&self) -> JsValue {
        let o = Object::new();
        let st = self.state.borrow();
        let cur = st.current();
        set(&o, "persistence", &js_str(self.store.in_use.as_str()));
        set(
            &o,
            "persistenceFallback",
            &JsValue::from_bool(self.persistence_fallback),
        );
        set(&o, "signedIn", &JsValue::from_bool(cur.is_some()));
        set(&o, "refreshCount", &JsValue::from(self.refresh_count.get()));
        let opt = |v: Option<u64>| {
            v.map(|x| JsValue::from(x as f64))
                .unwrap_or(JsValue::UNDEFINED)
        };
        set(&o, "lastRefreshAt", &opt(self.last_refresh_at.get()));
        let next = if self.timer.borrow().is_some() {
            Some(self.timer_due.get())
        } else {
            None
        };
        set(&o, "nextRefreshAt", &opt(next));
        set(
            &o,
            "clockSkewMs",
            &JsValue::from(cur.as_ref().map(|s| s.skew_ms as f64).unwrap_or(0.0)),
        );
        set(
            &o,
            "consecutiveFailures",
            &JsValue::from(self.failures.get()),
        );
        set(
            &o,
            "refreshInFlight",
            &JsValue::from_bool(self.inflight.borrow().is_some()),
        );
        set(
            &o,
            "listenerCount",
            &JsValue::from(self.listeners.borrow().len() as u32),
        );
        set(&o, "disposed", &JsValue::from_bool(self.disposed.get()));
        o.into()
    }
}

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

/// What a promise-returning method does once its arguments are read. Every promise of the SDK is
/// one [`Inner::run`] future: one async state machine and one `future_to_promise` instantiation in
/// the wasm instead of one per method (each costs about 1 KB).
pub(crate) enum Op {
    /// Sends a code; resolves to a `MaskedAddress`.
    Masked(Request),
    /// Verifies a code; resolves to the new `Session`.
    SignIn(Request),
    Me,
    /// `logout` / `logoutAll`.
    End(Request),
    SessionToken,
    /// The one shared refresh (see `refresh_shared`).
    Refresh,
    /// The auto-refresh timer fired.
    Timer,
    /// Another tab changed storage (the event's key).
    Storage(Option<String>),
    /// An operation of the other sign-in families (see families.rs).
    Family(crate::families::FamilyOp),
    /// A passkey call (see webauthn.rs).
    WebAuthn(crate::webauthn::Passkey),
}

impl Inner {
    /// Runs `op` as a JS promise whose rejection is a `DescopeError`. The work starts in a microtask.
    pub(crate) fn start(self: &Rc<Self>, op: Result<Op, Error>) -> Promise {
        let inner = self.clone();
        future_to_promise(async move {
            match op {
                Ok(op) => inner.run(op).await,
                // A disposed instance says so before complaining about the arguments.
                Err(e) => inner.check_alive().and(Err(e)),
            }
            .map_err(|e| to_js(&e))
        })
    }

    async fn run(self: Rc<Self>, op: Op) -> Result<JsValue, Error> {
        use crate::families::FamilyOp;
        // Every "send, then read the answer" operation shares one await of `call_with_session`:
        // each await site adds its own states and drop paths to the one state machine.
        let (req, then) = match op {
            Op::Masked(req) => (req, Then::Masked),
            Op::SignIn(req) => (req, Then::SignIn),
            Op::Me => (request::me(), Then::Me),
            Op::Family(FamilyOp::Shaped(req, shape)) => (req, Then::Shaped(shape)),
            Op::Family(FamilyOp::Void(req)) => (req, Then::Void),
            Op::Family(FamilyOp::Wait(req, timing, pending, signal)) => {
                // Boxed: its state machine (request, sleep, abort watch) is then polled through
                // one pointer instead of being laid out, and dropped, inside every state of `run`
                // (measured: boxing the other awaits here does not pay).
                return alloc::boxed::Box::pin(crate::poll::wait_for_session(
                    &self, &req, timing, pending, signal,
                ))
                .await
                .map(JsValue::from);
            }
            // A passkey call: start and browser prompt, then the finish goes the shared way.
            Op::WebAuthn(p) => (
                crate::webauthn::prompt(&self, &p).await?,
                if p.ceremony == descope_core::webauthn::Ceremony::Update {
                    Then::Void
                } else {
                    Then::SignIn
                },
            ),
            Op::End(req) => {
                self.check_alive()?;
                let token = self.state.borrow().refresh_token();
                let res = match token {
                    Some(t) => self.call(&req, Some(&t)).await.map(|_| ()),
                    None => Ok(()),
                };
                self.sign_out(Reason::Logout);
                return res.map(|_| JsValue::UNDEFINED);
            }
            Op::SessionToken => {
                return Ok(self
                    .session_token()
                    .await?
                    .map(JsValue::from)
                    .unwrap_or(JsValue::UNDEFINED))
            }
            Op::Refresh => {
                let r = self.do_refresh().await;
                self.inflight.borrow_mut().take();
                return r.map(|s| JsValue::from(Session::new(s)));
            }
            Op::Timer => {
                self.on_timer().await;
                return Ok(JsValue::UNDEFINED);
            }
            Op::Storage(key) => {
                // Never rejects (nobody awaits this promise): after `dispose()` it does nothing.
                if !self.disposed.get() {
                    self.on_storage(key);
                }
                return Ok(JsValue::UNDEFINED);
            }
        };
        let r = self.call_with_session(&req).await?;
        self.then(then, &r)
    }

    /// The synchronous second half of a simple operation: its response made into the JS result.
    fn then(self: &Rc<Self>, then: Then, r: &HttpResponse) -> Result<JsValue, Error> {
        let parse = |text: &str, what: &str| {
            js_sys::JSON::parse(text).map_err(|_| Error::protocol("invalidResponse", what))
        };
        match then {
            Then::Masked => {
                let m = response::parse_masked(r.status, &r.body)?;
                let o = Object::new();
                if let Some(e) = &m.masked_email {
                    set(&o, "maskedEmail", &js_str(e));
                }
                if let Some(p) = &m.masked_phone {
                    set(&o, "maskedPhone", &js_str(p));
                }
                Ok(o.into())
            }
            Then::SignIn => self.adopt_response(r).map(JsValue::from),
            Then::Me => parse(
                &response::parse_object_text(r.status, &r.body)?,
                "the user object could not be read",
            ),
            Then::Shaped(shape) => parse(
                &descope_core::shape::reshape(r.status, &r.body, shape)?,
                "the response could not be read",
            ),
            Then::Void => Ok(JsValue::UNDEFINED),
        }
    }
}

/// What [`Inner::then`] makes of a response.
enum Then {
    Masked,
    SignIn,
    Me,
    Shaped(descope_core::shape::Shape),
    Void,
}

/// The Descope client: sign-in methods, the current session, refresh and events.
#[wasm_bindgen]
pub struct Descope {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Descope {
    /// Validates the config synchronously and restores a stored session. Never does network I/O.
    ///
    /// # Errors
    /// Throws a `DescopeError` of kind `"config"` (code `"invalidConfig"`) on a bad config.
    #[wasm_bindgen(constructor)]
    pub fn new(config: DescopeConfigJs) -> Result<Descope, JsValue> {
        Inner::new(&config)
            .map(|inner| Descope { inner })
            .map_err(|e| to_js(&e))
    }

    /// The project id this client was configured with.
    #[wasm_bindgen(getter, js_name = projectId, unchecked_return_type = "string")]
    pub fn project_id(&self) -> JsValue {
        js_str(&self.inner.cfg.project_id)
    }

    /// The API base URL in use (configured, or derived from the project id).
    #[wasm_bindgen(getter, js_name = baseUrl, unchecked_return_type = "string")]
    pub fn base_url(&self) -> JsValue {
        js_str(&self.inner.cfg.base_url)
    }

    /// The current session, or `undefined` when signed out.
    #[wasm_bindgen(getter)]
    pub fn session(&self) -> Option<Session> {
        self.inner.current().map(Session::new)
    }

    /// One-time-password sign-in (email, SMS, voice, WhatsApp).
    #[wasm_bindgen(getter)]
    pub fn otp(&self) -> Otp {
        Otp::new(self.inner.clone())
    }

    /// A valid session JWT, refreshing first when it has expired or is about to; `undefined` when
    /// signed out. Concurrent callers share one network refresh.
    #[wasm_bindgen(js_name = getSessionToken, unchecked_return_type = "Promise<string | undefined>")]
    pub fn get_session_token(&self) -> Promise {
        self.inner.start(Ok(Op::SessionToken))
    }

    /// Refreshes the session now (sharing a refresh already in flight).
    ///
    /// # Errors
    /// Rejects with kind `"unauthenticated"` when there is no session or the refresh token was
    /// revoked (the session then ends with `signedOut`/`revoked`).
    #[wasm_bindgen(unchecked_return_type = "Promise<Session>")]
    pub fn refresh(&self) -> Promise {
        if let Err(e) = self.inner.check_alive() {
            // Rejected on the one async path (no `Promise.reject` import).
            return self.inner.start(Err(e));
        }
        self.inner.refresh_shared()
    }

    /// The signed-in user's details (`GET /v1/auth/me`).
    #[wasm_bindgen(unchecked_return_type = "Promise<User>")]
    pub fn me(&self) -> Promise {
        self.inner.start(Ok(Op::Me))
    }

    /// Signs out: revokes the refresh token on the server and clears the session and storage.
    /// Storage is cleared even when the server call fails; the promise then rejects with that error.
    #[wasm_bindgen(unchecked_return_type = "Promise<void>")]
    pub fn logout(&self) -> Promise {
        self.inner.start(Ok(Op::End(request::logout())))
    }

    /// Signs out of every device of this user (`/v1/auth/logoutall`); like `logout` otherwise.
    #[wasm_bindgen(js_name = logoutAll, unchecked_return_type = "Promise<void>")]
    pub fn logout_all(&self) -> Promise {
        self.inner.start(Ok(Op::End(request::logout_all())))
    }

    /// Subscribes to session changes; returns the function that unsubscribes.
    #[wasm_bindgen(js_name = onSessionChange, unchecked_return_type = "() => void")]
    pub fn on_session_change(&self, listener: SessionListenerJs) -> Result<JsValue, JsValue> {
        let f = listener.dyn_into::<Function>().map_err(|_| {
            to_js(&Error::validation(
                "invalidListener",
                "listener must be a function",
            ))
        })?;
        let id = self.inner.next_listener.get();
        self.inner.next_listener.set(id.wrapping_add(1));
        self.inner.listeners.borrow_mut().push((id, f));
        let weak = Rc::downgrade(&self.inner);
        let unsubscribe = Closure::<dyn Fn()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.listeners.borrow_mut().retain(|(x, _)| *x != id);
            }
        });
        Ok(unsubscribe.into_js_value())
    }

    /// A snapshot of the client's internals for support and tests. Contains no token.
    #[wasm_bindgen(unchecked_return_type = "Diagnostics")]
    pub fn diagnostics(&self) -> JsValue {
        self.inner.diagnostics()
    }

    /// Stops timers and listeners; later calls reject with kind `"config"`, code `"disposed"`.
    pub fn dispose(&self) {
        self.inner.disposed.set(true);
        self.inner.timer.borrow_mut().take();
        self.inner.tab_sync.borrow_mut().take();
        self.inner.listeners.borrow_mut().clear();
    }
}

/// Sign-in helpers shared by the method families.
impl Inner {
    pub(crate) async fn session_call(self: &Rc<Self>, req: &Request) -> Result<Session, Error> {
        let r = self.call_with_session(req).await?;
        self.adopt_response(&r)
    }

    /// A sign-in response made the current session.
    fn adopt_response(self: &Rc<Self>, r: &HttpResponse) -> Result<Session, Error> {
        let info = response::parse_auth_response(r.status, &r.body, &self.cfg.project_id)?;
        self.check_alive()?;
        Ok(Session::new(self.adopt(info, EventType::SignedIn)))
    }
}
