//! The `Descope` class. All state lives in an `Rc<Inner>` shared with `Otp` objects, timers and
//! in-flight promises; methods take `&self` and return promises built from cloned `Rc`s, and no
//! `RefCell` borrow is held across an `.await` (so concurrent calls and a `dispose()` in between are
//! safe, and a listener may call back into the SDK, F33).

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};

use descope_core::config::{self, Config, ConfigInput};
use descope_core::request::{self, Auth, Request};
use descope_core::response;
use descope_core::session::{EventType, Reason, State};
use descope_core::storage as core_storage;
use descope_core::wire::{self, Answer};
use descope_core::{clock, Error};
use js_sys::{Function, Object, Promise};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::{future_to_promise, JsFuture};

use crate::error::to_js;
use crate::events::{Field, Listeners};
use crate::js::set;
use crate::lifecycle::WindowListener;
use crate::session::Session;
use crate::storage::Store;
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
    struct PageId(Cell<Option<String>>);
    // The module is single-threaded (see allocator.rs), so a plain static cell is enough.
    unsafe impl Sync for PageId {}
    static ID: PageId = PageId(Cell::new(None));
    // Taken out and put back: a `Cell` rather than a `OnceCell`, whose `get_or_init` brings a
    // panic path for a reentrant init (that cannot happen here).
    let id =
        ID.0.take()
            .unwrap_or_else(|| clock::sdk_session_id(now_ms(), rand_u32()));
    ID.0.set(Some(id.clone()));
    id
}

pub(crate) struct Inner {
    pub(crate) cfg: Config,
    pub(crate) logger: Option<Function>,
    pub(crate) store: Store,
    pub(crate) persistence_fallback: bool,
    pub(crate) refresh_key: String,
    pub(crate) session_key: String,
    pub(crate) state: RefCell<State>,
    pub(crate) listeners: RefCell<Listeners>,
    pub(crate) inflight: RefCell<Option<Promise>>,
    pub(crate) timer: RefCell<Option<Timer>>,
    pub(crate) timer_due: Cell<u64>,
    pub(crate) disposed: Cell<bool>,
    /// Present while window events are followed (lifecycle.rs).
    pub(crate) window_events: RefCell<Option<WindowListener>>,
    /// The cross-tab refresh lock while this instance holds it (lock.rs).
    pub(crate) lock: RefCell<Option<Function>>,
    /// The refresh JWT of a request that failed in a way that may have committed a rotation (F21).
    pub(crate) ambiguous: RefCell<Option<String>>,
    /// This device's clock minus the server's (ms), kept in `${prefix}DSK` across reloads (F26).
    pub(crate) skew: Cell<i64>,
    pub(crate) skew_key: String,
    /// The last storage write failed (F35).
    pub(crate) persist_failed: Cell<bool>,
    /// The session stored before a reload is being restored over the network (`try-refresh`):
    /// its arrival is announced as `restored`.
    pub(crate) restoring: Cell<bool>,
    pub(crate) refresh_count: Cell<u32>,
    pub(crate) last_refresh_at: Cell<Option<u64>>,
    pub(crate) failures: Cell<u32>,
    pub(crate) sdk_session_id: String,
    /// The project's public keys for `verifySession` (the JWKS, `undefined` until fetched), and
    /// when they may be fetched again (verify.rs).
    pub(crate) keys: RefCell<JsValue>,
    pub(crate) key_fetch: Cell<descope_core::verify::KeyFetch>,
}

pub(crate) fn js_str(s: &str) -> JsValue {
    JsValue::from_str(s)
}

/// Reads an optional string field; a present non-string is a config error.
fn opt_string(obj: &JsValue, key: &str) -> Result<Option<String>, Error> {
    let v = crate::js::field(obj, key);
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
        let refresh_cookie_name = opt_string(config, "refreshCookieName")?;
        let get = |k: &str| crate::js::field(config, k);
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
            refresh_cookie_name: refresh_cookie_name.as_deref(),
        })?;
        let (store, fallback) = Store::open(cfg.persistence);
        let inner = Rc::new(Inner {
            refresh_key: core_storage::refresh_key(&cfg.storage_prefix),
            session_key: core_storage::session_key(&cfg.storage_prefix),
            skew_key: core_storage::skew_key(&cfg.storage_prefix),
            cfg,
            logger,
            store,
            persistence_fallback: fallback,
            state: RefCell::new(State::default()),
            listeners: RefCell::new(Listeners::default()),
            inflight: RefCell::new(None),
            timer: RefCell::new(None),
            timer_due: Cell::new(0),
            disposed: Cell::new(false),
            window_events: RefCell::new(None),
            lock: RefCell::new(None),
            ambiguous: RefCell::new(None),
            persist_failed: Cell::new(false),
            restoring: Cell::new(false),
            skew: Cell::new(0),
            refresh_count: Cell::new(0),
            last_refresh_at: Cell::new(None),
            failures: Cell::new(0),
            sdk_session_id: sdk_session_id(),
            keys: RefCell::new(JsValue::UNDEFINED),
            key_fetch: Cell::default(),
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
        let skew = inner.store.get(&inner.skew_key);
        inner.skew.set(core_storage::parse_skew(skew.as_deref()));
        inner.restore_on_load();
        inner.follow_window();
        Ok(inner)
    }

    pub(crate) fn check_alive(&self) -> Result<(), Error> {
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
            &self.cfg,
            &self.sdk_session_id,
            &url,
            method,
            &auth,
            req.body.as_deref(),
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
}

/// What a promise-returning method does once its arguments are read. Every promise of the SDK is
/// one [`Inner::run`] future: one async state machine and one `future_to_promise` instantiation in
/// the wasm instead of one per method (each costs about 1 KB).
pub(crate) enum Op {
    /// Sends the request; resolves to what [`Inner::then`] makes of the answer.
    Send(Request, Answer),
    /// `waitForSession`: polls a pending session (the `&str` is the server's "not yet" error
    /// code) until it is a `Session`.
    Wait(
        Request,
        descope_core::poll::PollTiming,
        &'static str,
        Option<crate::poll::AbortSignalJs>,
    ),
    /// `logout` / `logoutAll`.
    End(Request),
    SessionToken,
    /// The one shared refresh (see `refresh_shared`).
    Refresh,
    /// The auto-refresh timer fired.
    Timer,
    /// What construction found (`Inner::restore_on_load`), in a microtask so that listeners
    /// added right after the constructor hear it: the event of a stored session, or, without one,
    /// the session to get from the server (a reload, or in cookie mode another tab's sign-in):
    /// the shared refresh, which nobody awaits; its outcome is the event.
    Restore(Option<descope_core::session::Event>),
    /// Another tab changed storage (the event's key).
    Storage(Option<String>),
    /// The page woke up (`true`: it came back online).
    Wake(bool),
    /// A passkey call (see webauthn.rs).
    WebAuthn(crate::webauthn::Passkey),
    /// `verifySession`: the `jwt` argument (`undefined`: the current session's), see verify.rs.
    Verify(JsValue),
}

/// Why a promise of the SDK rejects: a core error, which `start` makes a `DescopeError`, or a
/// `DescopeError` made already (the shared refresh's own, which `getSessionToken` passes on as
/// it is, so every caller sees the same error, F28).
pub(crate) enum Rejection {
    Sdk(Error),
    Js(JsValue),
}

impl From<Error> for Rejection {
    fn from(e: Error) -> Rejection {
        Rejection::Sdk(e)
    }
}

impl Inner {
    /// Runs `op` as a JS promise whose rejection is a `DescopeError`. The work starts in a microtask.
    pub(crate) fn start(self: &Rc<Self>, op: Result<Op, Error>) -> Promise {
        let inner = self.clone();
        future_to_promise(async move {
            match op {
                Ok(op) => inner.run(op).await,
                // A disposed instance says so before complaining about the arguments.
                Err(e) => Err(inner.check_alive().err().unwrap_or(e).into()),
            }
            .map_err(|r| match r {
                Rejection::Sdk(e) => to_js(&e),
                Rejection::Js(v) => v,
            })
        })
    }

    async fn run(self: Rc<Self>, op: Op) -> Result<JsValue, Rejection> {
        // Every "send, then read the answer" operation shares one await of `call_with_session`:
        // each await site adds its own states and drop paths to the one state machine.
        let (req, then) = match op {
            Op::Send(req, then) => (req, then),
            Op::Wait(req, timing, pending, signal) => {
                // Boxed: its state machine (request, sleep, abort watch) is then polled through
                // one pointer instead of being laid out, and dropped, inside every state of `run`
                // (measured: boxing the other awaits here does not pay).
                return alloc::boxed::Box::pin(crate::poll::wait_for_session(
                    &self, &req, timing, pending, signal,
                ))
                .await
                .map(JsValue::from)
                .map_err(Rejection::Sdk);
            }
            // A passkey call: start and browser prompt, then the finish goes the shared way.
            Op::WebAuthn(p) => (
                crate::webauthn::prompt(&self, &p).await?,
                if p.ceremony == descope_core::webauthn::Ceremony::Update {
                    Answer::Void
                } else {
                    Answer::SignIn
                },
            ),
            Op::End(req) => {
                self.check_alive()?;
                // Without a session there is nothing to revoke on the server.
                let signed_in = self.state.borrow().refresh_token().is_some();
                let res = if signed_in {
                    self.call_with_session(&req).await.map(|_| ())
                } else {
                    Ok(())
                };
                self.sign_out(Reason::Logout);
                return Ok(res.map(|_| JsValue::UNDEFINED)?);
            }
            Op::Refresh => {
                let r = self.do_refresh().await;
                self.inflight.borrow_mut().take();
                return Ok(r.map(|s| JsValue::from(Session::new(s)))?);
            }
            Op::Restore(Some(ev)) => {
                let current = self.current();
                self.emit(ev, current);
                return Ok(JsValue::UNDEFINED);
            }
            // One await of the shared refresh: for `getSessionToken()` when the token needs it
            // first, or for nobody (the timer fired, or a session to restore at load; a failure
            // is retried on the failure schedule).
            op @ (Op::SessionToken | Op::Timer | Op::Restore(None)) => {
                let token = match op {
                    Op::SessionToken => match self.token_now()? {
                        Some(v) => return Ok(v),
                        None => true,
                    },
                    Op::Timer if !self.on_timer() => return Ok(JsValue::UNDEFINED),
                    _ => false,
                };
                let restoring = self.current().is_none();
                let r = JsFuture::from(self.refresh_shared()).await;
                return if token {
                    self.token_after(restoring, r)
                } else {
                    Ok(JsValue::UNDEFINED)
                };
            }
            Op::Storage(key) => {
                // Never rejects (nobody awaits this promise): after `dispose()` it does nothing.
                if !self.disposed.get() {
                    self.on_storage(key);
                }
                return Ok(JsValue::UNDEFINED);
            }
            Op::Verify(jwt) => return Ok(crate::verify::session(&self, jwt).await?),
            Op::Wake(online) => {
                self.on_wake(online);
                return Ok(JsValue::UNDEFINED);
            }
        };
        let r = self.call_with_session(&req).await?;
        Ok(self.then(then, &r)?)
    }

    /// The synchronous second half of a simple operation: its response made into the JS result.
    fn then(self: &Rc<Self>, then: Answer, r: &HttpResponse) -> Result<JsValue, Error> {
        match then {
            Answer::SignIn => self.adopt_response(r).map(JsValue::from),
            Answer::Shaped(shape) => {
                js_sys::JSON::parse(&descope_core::shape::reshape(r.status, &r.body, *shape)?)
                    .map_err(|_| {
                        Error::protocol("invalidResponse", "the response could not be read")
                    })
            }
            // `Wait` goes its own way (`Op::Wait`).
            Answer::Void | Answer::Wait(_) => Ok(JsValue::UNDEFINED),
        }
    }
}

/// The Descope client: sign-in methods, the current session, refresh and events.
#[wasm_bindgen]
pub struct Descope {
    pub(crate) inner: Rc<Inner>,
}

#[wasm_bindgen]
impl Descope {
    /// Validates the config synchronously and restores a stored session. Never does network I/O
    /// (a session to restore from the server is asked for right after, see `SessionEvent`).
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

    /// Who last signed in on this browser (Descope's `dls_last_user_*` keys, also those its web
    /// SDK wrote), kept after logout: for a "welcome back" screen.
    #[wasm_bindgen(
        getter,
        js_name = lastUser,
        unchecked_return_type = "{ loginId: string; name?: string } | undefined"
    )]
    pub fn last_user(&self) -> JsValue {
        let store = &self.inner.store;
        match core_storage::last_user(
            store.get(core_storage::LAST_USER_LOGIN_ID_KEY),
            store.get(core_storage::LAST_USER_NAME_KEY),
        ) {
            Some((login_id, name)) => {
                let o = Object::new();
                set(&o, "loginId", &js_str(&login_id));
                if let Some(n) = &name {
                    set(&o, "name", &js_str(n));
                }
                o.into()
            }
            None => JsValue::UNDEFINED,
        }
    }

    /// A valid session JWT, refreshing first when it has expired or is about to; `undefined` when
    /// signed out. Concurrent callers share one network refresh, and wait for the restore that
    /// follows a reload. In cookie mode `""` while signed in (the browser sends the `DS` cookie).
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
        crate::families::go(&self.inner, &wire::ME, &[])
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
        let index = self.inner.listeners.borrow_mut().add(f);
        let weak = Rc::downgrade(&self.inner);
        let unsubscribe = Closure::<dyn Fn()>::new(move || {
            if let Some(inner) = weak.upgrade() {
                inner.listeners.borrow_mut().remove(index);
            }
        });
        Ok(unsubscribe.into_js_value())
    }

    /// Verifies the current session JWT, or `jwt`, against the project's public keys with
    /// WebCrypto: the signature by the key its `kid` names and that key's `alg` (RS256, ES256,
    /// ES384), `exp`/`nbf` with 5 s leeway on the server's clock, an issuer naming the project and
    /// `drn` `"DS"`. Resolves to the verified claims. The keys are cached; an unknown `kid` fetches
    /// them again at most once per 30 s.
    ///
    /// # Errors
    /// `unauthenticated`/`invalidToken` when the token is not a genuine, current session token of
    /// this project; `unauthenticated`/`noSession` with no session and no `jwt`;
    /// `validation`/`invalidJwt` for a malformed `jwt`; the request's errors (e.g. `network`,
    /// `timeout`) when the keys cannot be fetched; `config`/`noWebCrypto` outside a secure context.
    #[wasm_bindgen(js_name = verifySession, unchecked_return_type = "Promise<Record<string, unknown>>")]
    pub fn verify_session(
        &self,
        #[wasm_bindgen(unchecked_optional_param_type = "string")] jwt: JsValue,
    ) -> Promise {
        self.inner.start(Ok(Op::Verify(jwt)))
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
        self.inner.window_events.borrow_mut().take();
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
        let info = response::parse_auth_response(
            r.status,
            &r.body,
            &self.cfg.project_id,
            self.cfg.cookie_mode(),
        )?;
        self.check_alive()?;
        Ok(Session::new(self.adopt(info, EventType::SignedIn)))
    }
}
