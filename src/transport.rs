//! `fetch` with `redirect: "error"` (F19) and a deadline that covers the body read as well as the
//! headers (F22, F23): one `AbortController` aborted by a timer.

#[allow(unused_imports)]
use crate::prelude::*;
use alloc::rc::Rc;
use core::cell::Cell;

use descope_core::Error;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{AbortController, Headers, Request, RequestInit, RequestRedirect, Response};

use crate::timer::Timer;

#[wasm_bindgen]
extern "C" {
    /// The global `fetch` (window or worker).
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(input: &Request) -> js_sys::Promise;
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
    let init = RequestInit::new();
    init.set_method(method);
    init.set_redirect(RequestRedirect::Error);
    init.set_signal(Some(&controller.signal()));
    let h = Headers::new().map_err(|_| Error::network())?;
    for (k, v) in headers {
        h.set(k, v).map_err(|_| Error::network())?;
    }
    init.set_headers(&h);
    if let Some(b) = body {
        init.set_body(&JsValue::from_str(b));
    }
    let req = Request::new_with_str_and_init(url, &init).map_err(|_| Error::network())?;

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

    let resp = JsFuture::from(global_fetch(&req))
        .await
        .map_err(|_| fail(&timed_out))?;
    let resp: Response = resp.dyn_into().map_err(|_| Error::network())?;
    let status = resp.status();
    let retry_after = resp.headers().get("retry-after").ok().flatten();
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
