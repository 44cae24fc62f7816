//! CORS for every answer (API, control API, static files and errors).

use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};

/// Adds the CORS headers for a request with these headers.
pub fn decorate(req: &HeaderMap, resp: &mut Response) {
    let origin = req
        .get("origin")
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("*"));
    let h = resp.headers_mut();
    h.insert("access-control-allow-origin", origin);
    h.insert(
        "access-control-allow-credentials",
        HeaderValue::from_static("true"),
    );
    h.insert(
        "access-control-expose-headers",
        HeaderValue::from_static("Retry-After, X-Descope-Flow-Nonce"),
    );
    h.insert("vary", HeaderValue::from_static("Origin"));
}

/// Answer to a preflight `OPTIONS`: 204, methods, and the requested headers echoed.
pub fn preflight(req: &HeaderMap) -> Response {
    let mut resp = StatusCode::NO_CONTENT.into_response();
    let h = resp.headers_mut();
    h.insert(
        "access-control-allow-methods",
        HeaderValue::from_static("GET, POST, OPTIONS"),
    );
    let allow = req
        .get("access-control-request-headers")
        .cloned()
        .unwrap_or_else(|| HeaderValue::from_static("authorization, content-type, x-descope-sdk-name, x-descope-sdk-version, x-descope-sdk-session-id, x-descope-project-id, x-descope-refresh-cookie-name, x-descope-trusted-device-token, x-descope-known-device-token, x-descope-flow-nonce"));
    h.insert("access-control-allow-headers", allow);
    h.insert("access-control-max-age", HeaderValue::from_static("600"));
    decorate(req, &mut resp);
    resp
}
