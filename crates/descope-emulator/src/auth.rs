//! The `Authorization: Bearer <projectId>[:<token>]` header and the `DSR` refresh cookie.

use axum::http::HeaderMap;

/// Project id and optional token from `Authorization`. `None` when absent or not Bearer.
pub fn bearer(headers: &HeaderMap) -> Option<(String, Option<String>)> {
    let v = headers.get("authorization")?.to_str().ok()?;
    let rest = v
        .strip_prefix("Bearer ")
        .or_else(|| v.strip_prefix("bearer "))?
        .trim();
    if rest.is_empty() {
        return None;
    }
    // A third part (`pid:rt:managementKey`) is backend-only; keep just the token.
    let mut parts = rest.splitn(3, ':');
    let pid = parts.next()?.to_string();
    let token = parts.next().filter(|t| !t.is_empty()).map(str::to_string);
    Some((pid, token))
}

/// The refresh token: from `Authorization` first, else the `DSR` cookie (or the cookie named by
/// `x-descope-refresh-cookie-name`).
pub fn refresh_token(headers: &HeaderMap) -> Option<String> {
    if let Some((_, Some(t))) = bearer(headers) {
        return Some(t);
    }
    let name = headers
        .get("x-descope-refresh-cookie-name")
        .and_then(|v| v.to_str().ok())
        .filter(|s| !s.is_empty())
        .unwrap_or("DSR");
    cookie(headers, name)
}

pub fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    for h in headers.get_all("cookie") {
        let Ok(s) = h.to_str() else { continue };
        for pair in s.split(';') {
            if let Some((k, v)) = pair.trim().split_once('=') {
                if k == name && !v.is_empty() {
                    return Some(v.to_string());
                }
            }
        }
    }
    None
}
