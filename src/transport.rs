//! One HTTP request, sent by `send` in src/io.js: `fetch` with `redirect: "manual"` and a deadline
//! that covers the body read as well as the headers (F22, F23). A redirect is not followed, so
//! nothing goes to another origin, and it comes back as status 0, which the core makes a `config`
//! error (F19; with `"error"` it would look like any network failure and be retried). The body is
//! read chunk by chunk and stopped at `MAX_BODY_BYTES` (F13), so a huge or endless body costs
//! bounded memory. The I/O is JavaScript because it is smaller there than as wasm-bindgen imports
//! driven from Rust; the rules (the cap, what an oversized body means) stay here.

#[allow(unused_imports)]
use crate::prelude::*;

use descope_core::response::{body_too_large, MAX_BODY_BYTES};
use descope_core::Error;
use js_sys::Object;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::js::{field, set};

#[wasm_bindgen(module = "/src/io.js")]
extern "C" {
    /// Resolves to `{status, body, retryAfter}` (`body` null past `max` bytes, `retryAfter` null
    /// when absent); rejects with `true` when the deadline fired, `false` on a network failure.
    #[wasm_bindgen(js_name = send)]
    fn io_send(url: &str, init: &Object, timeout_ms: u32, max: u32) -> js_sys::Promise;
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
    let init = Object::new();
    let str = JsValue::from_str;
    set(&init, "method", &str(method));
    if cookies {
        set(&init, "credentials", &str("include"));
    }
    let h = Object::new();
    for (k, v) in headers {
        set(&h, k, &str(v));
    }
    set(&init, "headers", &h);
    if let Some(b) = body {
        set(&init, "body", &str(b));
    }

    let res = JsFuture::from(io_send(url, &init, timeout_ms, MAX_BODY_BYTES as u32))
        .await
        .map_err(|timed_out| {
            if timed_out.is_truthy() {
                Error::timeout()
            } else {
                Error::network()
            }
        })?;
    let status = field(&res, "status").as_f64().unwrap_or(0.0) as u16;
    let body = match field(&res, "body").as_string() {
        Some(body) => body,
        // An error status is still judged by its status alone (a huge proxy page is no error
        // body of ours, F10).
        None if !(200..300).contains(&status) => String::new(),
        None => return Err(body_too_large(status)),
    };
    Ok(HttpResponse {
        status,
        body,
        retry_after: field(&res, "retryAfter").as_string(),
    })
}
