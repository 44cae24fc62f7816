//! `fetch` with `redirect: "error"` (F19) and a deadline that covers the body read as well as the
//! headers (F22, F23): one `AbortController` aborted by a timer.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::Cell;

use descope_core::Error;
use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Response};

use crate::error::set;
use crate::otp::field;
use crate::timer::Timer;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker). The init is a plain object: web-sys's `Request`,
    /// `RequestInit` and `Headers` would cost a glue import per setter.
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(url: &str, init: &Object) -> js_sys::Promise;

    /// A response's `Headers`: `get` answers a JS string or `null` (web-sys's copies an
    /// `Option<String>` into wasm memory with its own glue).
    type HeadersJs;
    #[wasm_bindgen(method, catch)]
    fn get(this: &HeadersJs, name: &str) -> Result<JsValue, JsValue>;
}

pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
}

/// Sends one request. Failures before a complete response are `network` or `timeout` errors.
pub async fn send(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    timeout_ms: u32,
) -> Result<HttpResponse, Error> {
    let controller = AbortController::new().map_err(|_| Error::network())?;
    let init = Object::new();
    let str = JsValue::from_str;
    set(&init, "method", &str(method));
    set(&init, "redirect", &str("error"));
    set(&init, "signal", &field(&controller, "signal"));
    let h = Object::new();
    for (k, v) in headers {
        set(&h, k, &str(v));
    }
    set(&init, "headers", &h);
    if let Some(b) = body {
        set(&init, "body", &str(b));
    }

    let timed_out = Rc::new(Cell::new(false));
    let flag = timed_out.clone();
    let ctl = controller.clone();
    // Dropped (and cleared) when this function returns, whichever way.
    let _deadline = Timer::new(timeout_ms, move || {
        flag.set(true);
        ctl.abort();
    });
    let fail = |timed_out: &Rc<Cell<bool>>| {
        if timed_out.get() {
            Error::timeout()
        } else {
            Error::network()
        }
    };

    let resp = JsFuture::from(global_fetch(url, &init))
        .await
        .map_err(|_| fail(&timed_out))?;
    // `fetch` resolves to a `Response`; no `instanceof` check (one glue import less).
    let resp: Response = resp.unchecked_into();
    let status = field(&resp, "status").as_f64().unwrap_or(0.0) as u16;
    let headers: HeadersJs = field(&resp, "headers").unchecked_into();
    let retry_after = headers.get("retry-after").ok().and_then(|v| v.as_string());
    let text = resp.text().map_err(|_| fail(&timed_out))?;
    let text = JsFuture::from(text).await.map_err(|_| fail(&timed_out))?;
    if timed_out.get() {
        return Err(Error::timeout());
    }
    Ok(HttpResponse {
        status,
        body: text.as_string().unwrap_or_default(),
        retry_after,
    })
}
