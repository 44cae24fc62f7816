//! The passkey methods of the `WebAuthn` class (src/families.js; descope-api.md §2.8). The rules (bodies, which finish follows a
//! start, what a browser failure means) are `descope_core::webauthn`; this is the browser's part:
//! whether the page can use passkeys, its origin, and `navigator.credentials.create/get`.
//!
//! Descope's options are the standard WebAuthn JSON (binary members in base64url), so the browser's
//! own WebAuthn Level 3 methods convert them: `PublicKeyCredential.parseCreationOptionsFromJSON` /
//! `parseRequestOptionsFromJSON` on the way in, `credential.toJSON()` on the way out (its
//! `{id, rawId, type, response:{…}}` is what Descope's finish reads; the members it adds, such as
//! `clientExtensionResults`, are ignored by the server, as for Android's full JSON). With them the
//! browser's part is a handful of `Reflect` calls. Measured against a hand-written conversion in
//! its place (base64url-decoding challenge, user id and credential ids into `Uint8Array`s, encoding
//! the answer's `ArrayBuffer`s into the JSON, as Descope's web-js does): the package is 1,770 B gzip
//! smaller (wasm 1,654, JS glue 116), and typed imports instead of `Reflect` would add 227 B. So
//! there is no fallback for browsers from before these methods.
//! The methods are in every major browser since 2025 (MDN: Baseline 2025; Chrome and Edge 129,
//! Firefox 119, Safari 18.4); where they are missing `isSupported()` is false and every call
//! rejects with `validation`/`passkeysUnsupported` naming them, before any request.

use alloc::rc::Rc;

use descope_core::request::{LoginOptions, Request};
use descope_core::webauthn::{self, Ceremony, Start};
use descope_core::Error;
use js_sys::{Function, Object, Promise, JSON};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use crate::client::Inner;
use crate::client::Op;
use crate::families::{login_options, object_arg};
use crate::families::{opt_str_arg, signal_field};
use crate::js::{field, navigator, set};
use crate::poll::AbortSignalJs;

#[wasm_bindgen(typescript_custom_section)]
const TS_WEBAUTHN_TYPES: &'static str = r#"
/** Options of `webauthn.autofill`: `signal` stops waiting for the user to pick a passkey. */
export interface AutofillOptions {
  signal?: AbortSignal;
}
"#;

/// One passkey call, its arguments read and checked: its start and the browser's prompt run in
/// [`prompt`]; its finish request is the client's shared last step (see `Op::WebAuthn`).
pub(crate) struct Passkey {
    pub(crate) ceremony: Ceremony,
    start: Request,
    signal: Option<AbortSignalJs>,
    /// Autofill: the browser offers the passkeys in the username field (`mediation: "conditional"`).
    conditional: bool,
}

/// Whether passkeys can run here.
fn support() -> Result<(), Error> {
    let global = js_sys::global();
    if field(&global, "isSecureContext").as_bool() != Some(true) {
        return Err(webauthn::unsupported(
            "this page is not a secure context (serve it over https, or from http://localhost)",
        ));
    }
    let pkc = field(&global, "PublicKeyCredential");
    if !pkc.is_function() {
        return Err(webauthn::unsupported(
            "this browser has no WebAuthn (PublicKeyCredential)",
        ));
    }
    let has = |obj: &JsValue, name: &str| field(obj, name).is_function();
    if !(has(&pkc, "parseCreationOptionsFromJSON")
        && has(&pkc, "parseRequestOptionsFromJSON")
        && has(&field(&pkc, "prototype"), "toJSON"))
    {
        return Err(webauthn::unsupported(
            "this browser lacks WebAuthn's JSON methods (PublicKeyCredential.parseCreationOptionsFromJSON, \
             parseRequestOptionsFromJSON, toJSON: Chrome 129, Firefox 119, Safari 18.4 or later)",
        ));
    }
    Ok(())
}

/// Starts the passkey call `ceremony` with its JS arguments in order: `loginId, name?, options?`
/// for sign-up, `loginId?, options?` for the others (`update` has no options).
#[inline(never)]
pub(crate) fn start(inner: &Rc<Inner>, ceremony: Ceremony, args: &[&JsValue]) -> Promise {
    let arg = |i: usize| args.get(i).copied();
    let sign_up = ceremony == Ceremony::SignUp;
    let p = (|| {
        let id = opt_str_arg(arg(0), "loginId")?;
        let name = if sign_up {
            opt_str_arg(arg(1), "name")?
        } else {
            None
        };
        let opts = login_options(arg(if sign_up { 2 } else { 1 }))?;
        passkey(ceremony, id.as_deref(), name.as_deref(), &opts, None)
    })();
    inner.start(p.map(Op::WebAuthn))
}

/// A passkey call whose arguments were read (see [`start`]); `signal` is
/// `Some(the caller's signal, if any)` for autofill (`mediation: "conditional"`), `None` otherwise.
/// Checks that the page can use passkeys last, so bad arguments are reported first.
pub(crate) fn passkey(
    ceremony: Ceremony,
    login_id: Option<&str>,
    name: Option<&str>,
    opts: &LoginOptions,
    signal: Option<Option<AbortSignalJs>>,
) -> Result<Passkey, Error> {
    let origin = field(&field(&js_sys::global(), "location"), "origin")
        .as_string()
        .unwrap_or_default();
    let start = webauthn::start(ceremony, login_id, name, &origin, opts)?;
    support()?;
    Ok(Passkey {
        ceremony,
        start,
        conditional: signal.is_some(),
        signal: signal.flatten(),
    })
}

impl Passkey {
    fn aborted(&self) -> bool {
        self.signal
            .as_ref()
            .is_some_and(|s| field(s, "aborted").as_bool() == Some(true))
    }
}

/// The start request and the browser's prompt; returns the finish request. The signal goes to the
/// browser, which stops its prompt when it fires (at once, or as soon as the start request is
/// answered). The start request itself is not raced against the signal: that would add a second
/// abort watch to this path (measured with it and a second finish await: 0.8 KB gzip more) for the
/// few milliseconds the request lasts.
///
/// # Errors
/// `aborted` when the signal has fired, whatever the browser rejected with (e.g. the caller's own
/// abort reason); else the start's failure, or the browser's as `webauthn::browser_error` says.
pub(crate) async fn prompt(inner: &Rc<Inner>, p: &Passkey) -> Result<Request, Error> {
    if p.aborted() {
        return Err(webauthn::aborted());
    }
    let r = inner.call_with_session(&p.start).await?;
    let start = webauthn::parse_start(r.status, &r.body)?;
    // Whatever the browser throws, at whichever step, is converted once, in this one async fn
    // (a nested `credential` future cost 0.1 KB gzip more).
    let cred = match ask(p, &start) {
        Ok(promise) => JsFuture::from(promise).await,
        Err(e) => Err(e),
    };
    let json = cred
        .and_then(|c| call(&c, "toJSON", &JsValue::UNDEFINED))
        .map_err(|e| {
            if p.aborted() {
                webauthn::aborted()
            } else {
                dom_error(&e)
            }
        })?;
    // The credential as the JSON text finish sends.
    let response = JSON::stringify(&json)
        .ok()
        .and_then(|s| s.as_string())
        .ok_or_else(|| webauthn::browser_error(""))?;
    webauthn::finish(p.ceremony, &start, &response)
}

/// `this[method](arg)`, through `Reflect`: a typed import per browser method would cost glue.
fn call(this: &JsValue, method: &str, arg: &JsValue) -> Result<JsValue, JsValue> {
    field(this, method).dyn_into::<Function>()?.call1(this, arg)
}

/// A rejection of the browser's WebAuthn calls as a `DescopeError`, by the exception's name.
fn dom_error(e: &JsValue) -> Error {
    webauthn::browser_error(&field(e, "name").as_string().unwrap_or_default())
}

/// Descope's options → `navigator.credentials.create/get` (the promise of the credential).
fn ask(p: &Passkey, start: &Start) -> Result<Promise, JsValue> {
    let options = JSON::parse(&start.options)?;
    let (parse, method) = if start.create {
        ("parseCreationOptionsFromJSON", "create")
    } else {
        ("parseRequestOptionsFromJSON", "get")
    };
    let request = Object::new();
    set(
        &request,
        "publicKey",
        &call(
            &field(&js_sys::global(), "PublicKeyCredential"),
            parse,
            &field(&options, "publicKey"),
        )?,
    );
    if let Some(s) = &p.signal {
        set(&request, "signal", s);
    }
    if p.conditional {
        set(&request, "mediation", &JsValue::from_str("conditional"));
    }
    let credentials = field(&navigator(), "credentials");
    Ok(call(&credentials, method, &request)?.unchecked_into())
}

/// `webauthn.isSupported()`: whether this page can use passkeys.
pub(crate) fn is_supported() -> bool {
    support().is_ok()
}

/// `webauthn.autofill(opts)`: a sign-in offered in the browser's autofill (see [`passkey`]).
pub(crate) fn autofill(inner: &Rc<Inner>, opts: &JsValue) -> Promise {
    let signal = match object_arg(Some(opts), "opts") {
        Ok(Some(o)) => signal_field(o),
        Ok(None) => Ok(None),
        Err(e) => Err(e),
    };
    let p = signal.and_then(|s| {
        passkey(
            Ceremony::SignIn,
            None,
            None,
            &LoginOptions::default(),
            Some(s),
        )
    });
    inner.start(p.map(Op::WebAuthn))
}
