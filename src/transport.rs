//! One HTTP request, sent by `send` in src/io.js with the SDK's headers: `fetch` with
//! `redirect: "manual"` and a deadline that covers the body read as well as the headers (F22,
//! F23). A redirect is not followed, so nothing goes to another origin, and it comes back as
//! status 0, which the core makes a `config` error (F19; with `"error"` it would look like any
//! network failure and be retried). The body is read chunk by chunk and stopped at
//! `MAX_BODY_BYTES` (F13), so a huge or endless body costs bounded memory. The I/O is JavaScript
//! because it is smaller there than as wasm-bindgen imports driven from Rust; the rules (the cap,
//! what an oversized body means) stay here.

#[allow(unused_imports)]
use crate::prelude::*;

use descope_core::config::Config;
use descope_core::response::{body_too_large, MAX_BODY_BYTES};
use descope_core::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::js::field;

#[wasm_bindgen(module = "/src/io.js")]
extern "C" {
    /// Resolves to `{status, body, retryAfter}` (`body` null past `max` bytes, `retryAfter` null
    /// when absent); rejects with `true` when the deadline fired, `false` on a network failure.
    #[wasm_bindgen(js_name = send)]
    #[allow(clippy::too_many_arguments)]
    fn io_send(
        url: &str,
        method: &str,
        body: Option<&str>,
        authorization: &str,
        version: &str,
        session_id: &str,
        project_id: &str,
        refresh_cookie_name: Option<&str>,
        cookies: bool,
        timeout_ms: u32,
        max: u32,
    ) -> js_sys::Promise;
}

pub struct HttpResponse {
    pub status: u16,
    pub body: String,
    pub retry_after: Option<String>,
}

/// Sends one request with the SDK's headers (descope-api.md §1.3: `authorization` from
/// `request::authorization`, `sdk_session_id` the page's). Failures before a complete response
/// are `network` or `timeout` errors. In cookie mode the request carries the browser's cookies for
/// the API's origin (`credentials: "include"`), which is another origin whenever the API has its
/// own domain; otherwise fetch's default (`same-origin`), which needs no CORS
/// `Allow-Credentials`.
pub async fn send(
    cfg: &Config,
    sdk_session_id: &str,
    url: &str,
    method: &str,
    authorization: &str,
    body: Option<&str>,
) -> Result<HttpResponse, Error> {
    let sent = io_send(
        url,
        method,
        body,
        authorization,
        env!("CARGO_PKG_VERSION"),
        sdk_session_id,
        &cfg.project_id,
        cfg.refresh_cookie_name.as_deref(),
        cfg.cookie_mode(),
        cfg.timeout_ms,
        MAX_BODY_BYTES as u32,
    );
    let res = JsFuture::from(sent).await.map_err(|timed_out| {
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
