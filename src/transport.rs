//! `fetch` with `redirect: "manual"` and a deadline that covers the body read as well as the
//! headers (F22, F23): one `AbortController` aborted by a timer. A redirect is not followed, so
//! nothing goes to another origin, and it comes back as status 0, which the core makes a `config`
//! error (F19; with `"error"` it would look like any network failure and be retried). The body is
//! read chunk by chunk and stopped at `MAX_BODY_BYTES` (F13), so a huge or endless body costs
//! bounded memory.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::Cell;

use descope_core::response::{body_too_large, MAX_BODY_BYTES};
use descope_core::Error;
use js_sys::{Object, Uint8Array};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Response};

use crate::error::set;
use crate::families::field;
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

    /// A response's body stream (`null` for a body-less status: `getReader` then throws).
    type BodyJs;
    #[wasm_bindgen(method, catch, js_name = getReader)]
    fn get_reader(this: &BodyJs) -> Result<ReaderJs, JsValue>;
    type ReaderJs;
    /// Resolves to `{done, value}`, `value` a `Uint8Array`; rejects when the connection fails or
    /// the request is aborted.
    #[wasm_bindgen(method)]
    fn read(this: &ReaderJs) -> js_sys::Promise;

    /// Copies a chunk into wasm memory, `Uint8Array.prototype.set.call(dst, chunk)`, as js-sys's
    /// `copy_to` does behind a length assert that would link `core::fmt` (about 1 KB gzip).
    #[wasm_bindgen(js_namespace = Uint8Array, js_name = "prototype.set.call")]
    fn copy_chunk(dst: &mut [u8], chunk: &Uint8Array);
}

pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
}

/// Sends one request. Failures before a complete response are `network` or `timeout` errors.
/// `cookies`: cookie mode, where the request carries the browser's cookies for the API's origin
/// (`credentials: "include"`), which is another origin whenever the API has its own domain.
/// Otherwise fetch's default (`same-origin`), which needs no CORS `Allow-Credentials`.
pub async fn send(
    url: &str,
    method: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
    timeout_ms: u32,
    cookies: bool,
) -> Result<HttpResponse, Error> {
    let controller = AbortController::new().map_err(|_| Error::network())?;
    let init = Object::new();
    let str = JsValue::from_str;
    set(&init, "method", &str(method));
    if cookies {
        set(&init, "credentials", &str("include"));
    }
    set(&init, "redirect", &str("manual"));
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
    let mut body: Vec<u8> = Vec::new();
    if let Ok(reader) = field(&resp, "body").unchecked_into::<BodyJs>().get_reader() {
        loop {
            let chunk = JsFuture::from(reader.read())
                .await
                .map_err(|_| fail(&timed_out))?;
            if field(&chunk, "done").is_truthy() {
                break;
            }
            let bytes: Uint8Array = field(&chunk, "value").unchecked_into();
            let (at, n) = (body.len(), bytes.length() as usize);
            if at + n > MAX_BODY_BYTES {
                // Stops the download too. An error status is still judged by its status alone (a
                // huge proxy page is no error body of ours, F10).
                controller.abort();
                if (200..300).contains(&status) {
                    return Err(body_too_large(status));
                }
                body.clear();
                break;
            }
            body.resize(at + n, 0);
            copy_chunk(body.get_mut(at..).unwrap_or_default(), &bytes);
        }
    }
    if timed_out.get() {
        return Err(Error::timeout());
    }
    Ok(HttpResponse {
        status,
        // Not UTF-8 is not JSON either: one replacement character keeps it a non-JSON body (F10).
        body: String::from_utf8(body).unwrap_or_else(|_| "\u{fffd}".to_string()),
        retry_after,
    })
}
