//! Cookie mode (`tokenResponseMethod: "cookies"`, `--cookies`): every JWT answer of the API moves
//! its tokens into HttpOnly `DS` / `DSR` cookies and leaves `sessionJwt` / `refreshJwt` empty in the
//! body (keeping `sessionExpiration`, `claims`, `user` and the `cookie*` fields); a successful
//! logout expires both cookies. Done on the finished answer, so every route that answers a
//! JWTResponse (top level, or under `jwt`) gets it without knowing about cookies.

use axum::body::Body;
use axum::http::header::{CONTENT_LENGTH, CONTENT_TYPE, SET_COOKIE};
use axum::http::HeaderValue;
use axum::response::Response;
use http_body_util::BodyExt;
use serde_json::{json, Map, Value};

use crate::errors::{ApiError, ApiResult};
use crate::state::App;

pub const SESSION_COOKIE: &str = "DS";
pub const REFRESH_COOKIE: &str = "DSR";

/// How tokens travel, and the cookie attributes of cookie mode (control API `POST /emulator/config`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CookieSettings {
    /// `tokenResponseMethod: "cookies"`.
    pub enabled: bool,
    /// `cookieSameSite`: `Strict` (default), `Lax` or `None`.
    pub same_site: &'static str,
    /// `cookieSecure` (default true: Chromium keeps Secure cookies from http://localhost and
    /// http://127.0.0.1, and `SameSite=None` needs it).
    pub secure: bool,
    /// `cookieDomain`: a `Domain` attribute (none by default: a host-only cookie).
    pub domain: Option<String>,
    /// `refreshCookieName`: the refresh cookie's name instead of `DSR`.
    pub refresh_name: Option<String>,
}

impl CookieSettings {
    pub fn new(enabled: bool) -> Self {
        Self {
            enabled,
            same_site: "Strict",
            secure: true,
            domain: None,
            refresh_name: None,
        }
    }

    pub fn refresh_cookie(&self) -> &str {
        self.refresh_name.as_deref().unwrap_or(REFRESH_COOKIE)
    }

    /// `name=value` with this mode's attributes.
    fn cookie(&self, name: &str, value: &str, max_age: i64) -> String {
        let mut c = format!(
            "{name}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite={}",
            self.same_site
        );
        if self.secure {
            c.push_str("; Secure");
        }
        if let Some(d) = &self.domain {
            c.push_str("; Domain=");
            c.push_str(d);
        }
        c
    }

    /// Moves the tokens of a JWTResponse into cookies; returns the `Set-Cookie` values.
    fn take_tokens(&self, body: &mut Map<String, Value>, now: i64) -> Vec<String> {
        let mut cookies = Vec::new();
        let number = |k: &str| body.get(k).and_then(Value::as_i64);
        let session_age = number("sessionExpiration").map(|e| (e - now).max(0));
        let refresh_age = number("cookieMaxAge").unwrap_or(0).max(0);
        if let Some(st) = body
            .get("sessionJwt")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            cookies.push(self.cookie(SESSION_COOKIE, st, session_age.unwrap_or(refresh_age)));
        }
        if let Some(rt) = body
            .get("refreshJwt")
            .and_then(Value::as_str)
            .filter(|t| !t.is_empty())
        {
            cookies.push(self.cookie(self.refresh_cookie(), rt, refresh_age));
        }
        body.insert("sessionJwt".into(), json!(""));
        if body.contains_key("refreshJwt") {
            body.insert("refreshJwt".into(), json!(""));
        }
        self.describe(body);
        cookies
    }

    /// The `cookie*` fields that tell a client where the refresh cookie lives.
    fn describe(&self, body: &mut Map<String, Value>) {
        body.insert(
            "cookieDomain".into(),
            json!(self.domain.clone().unwrap_or_default()),
        );
        body.insert("cookiePath".into(), json!("/"));
        if let Some(n) = &self.refresh_name {
            body.insert("cookieName".into(), json!(n));
        }
    }

    /// `Set-Cookie` values that delete both cookies (same name, path and domain, `Max-Age=0`).
    fn expire_both(&self) -> Vec<String> {
        vec![
            self.cookie(SESSION_COOKIE, "", 0),
            self.cookie(self.refresh_cookie(), "", 0),
        ]
    }
}

/// Parses `cookieSameSite` (any case) into its canonical spelling.
pub fn parse_same_site(v: &str) -> Option<&'static str> {
    ["Strict", "Lax", "None"]
        .into_iter()
        .find(|s| s.eq_ignore_ascii_case(v))
}

/// `refreshCookieName`: an RFC 6265 token, not the session cookie's name.
pub fn check_cookie_name(v: &str) -> ApiResult<String> {
    let token = !v.is_empty()
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b));
    if !token || v == SESSION_COOKIE {
        return Err(ApiError::invalid(
            "refreshCookieName must be a cookie name (letters, digits, !#$%&'*+-.^_`|~) other than DS",
        ));
    }
    Ok(v.to_string())
}

/// `cookieDomain`: a host name (letters, digits, `-`, `.`); empty means none.
pub fn check_domain(v: &str) -> ApiResult<Option<String>> {
    if v.is_empty() {
        return Ok(None);
    }
    if !v
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"-.".contains(&b))
    {
        return Err(ApiError::invalid("cookieDomain must be a host name"));
    }
    Ok(Some(v.to_string()))
}

fn is_logout(path: &str) -> bool {
    matches!(path, "/v1/auth/logout" | "/v1/auth/logoutall")
}

/// The JWTResponse inside an answer: the body itself, or its `jwt` member (WebAuthn update with MFA).
fn jwt_response(body: &mut Value) -> Option<&mut Map<String, Value>> {
    let obj = body.as_object_mut()?;
    if obj.contains_key("sessionJwt") {
        return Some(obj);
    }
    obj.get_mut("jwt")?
        .as_object_mut()
        .filter(|j| j.contains_key("sessionJwt"))
}

/// Applies cookie mode to a successful JSON answer of an API route; anything else passes untouched.
pub async fn apply(app: &App, path: &str, resp: Response) -> Response {
    let settings = app.runtime.lock().cookies.clone();
    let json = resp
        .headers()
        .get(CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if !settings.enabled || !resp.status().is_success() || !json {
        return resp;
    }
    let (mut parts, body) = resp.into_parts();
    let bytes = match body.collect().await {
        Ok(c) => c.to_bytes(),
        Err(_) => return Response::from_parts(parts, Body::empty()),
    };
    let mut value: Value = match serde_json::from_slice(&bytes) {
        Ok(v) => v,
        Err(_) => return Response::from_parts(parts, Body::from(bytes)),
    };
    let now = app.now();
    let cookies = if is_logout(path) {
        if let Some(obj) = value.as_object_mut() {
            settings.describe(obj);
        }
        settings.expire_both()
    } else {
        match jwt_response(&mut value) {
            Some(obj) => settings.take_tokens(obj, now),
            None => return Response::from_parts(parts, Body::from(bytes)),
        }
    };
    for c in cookies {
        if let Ok(v) = HeaderValue::from_str(&c) {
            parts.headers.append(SET_COOKIE, v);
        }
    }
    parts.headers.remove(CONTENT_LENGTH);
    Response::from_parts(parts, Body::from(value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cookie_attributes() {
        let mut s = CookieSettings::new(true);
        assert_eq!(
            s.cookie("DS", "v", 60),
            "DS=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure"
        );
        s.same_site = "None";
        s.secure = false;
        s.domain = Some("example.test".into());
        assert_eq!(
            s.cookie("DSR", "", 0),
            "DSR=; Path=/; Max-Age=0; HttpOnly; SameSite=None; Domain=example.test"
        );
    }

    #[test]
    fn finds_the_jwt_response_at_the_top_or_under_jwt() {
        let s = CookieSettings::new(true);
        let mut nested = json!({"jwt": {"sessionJwt": "a.b.c", "refreshJwt": "d.e.f",
                                        "sessionExpiration": 1060, "cookieMaxAge": 500}});
        let obj = jwt_response(&mut nested).map(|o| s.take_tokens(o, 1000));
        assert_eq!(
            obj,
            Some(vec![
                "DS=a.b.c; Path=/; Max-Age=60; HttpOnly; SameSite=Strict; Secure".to_string(),
                "DSR=d.e.f; Path=/; Max-Age=500; HttpOnly; SameSite=Strict; Secure".to_string(),
            ])
        );
        assert_eq!(nested["jwt"]["sessionJwt"], "");
        assert_eq!(nested["jwt"]["refreshJwt"], "");
        assert!(jwt_response(&mut json!({"maskedEmail": "x"})).is_none());
        assert!(jwt_response(&mut json!({"jwt": "x"})).is_none());
    }

    #[test]
    fn setting_checks() {
        assert_eq!(parse_same_site("lax"), Some("Lax"));
        assert_eq!(parse_same_site("none"), Some("None"));
        assert_eq!(parse_same_site("sometimes"), None);
        assert!(check_cookie_name("MyRT").is_ok());
        for bad in ["", "DS", "a b", "a;b", "a=b"] {
            assert!(check_cookie_name(bad).is_err(), "{bad}");
        }
        assert_eq!(check_domain("").ok(), Some(None));
        assert!(check_domain("app.example.test").is_ok());
        assert!(check_domain("a; Secure").is_err());
    }
}
