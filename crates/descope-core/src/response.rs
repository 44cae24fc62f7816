//! Reading response bodies: JWTResponse (§3.1), error bodies (§4) and the small success shapes.
//! Bodies are never echoed into errors (F10, F14).

#[allow(unused_imports)]
use crate::prelude::*;

use crate::error::{Error, ErrorKind};
use crate::json::{self, Value};
use crate::jwt::{self, Jwt, JwtError};
use crate::retry_after::parse_retry_after;

/// The tokens of a successful authentication, validated.
#[derive(Clone, Debug, PartialEq)]
pub struct AuthInfo {
    pub session_jwt: String,
    pub session: Jwt,
    /// `None` when the response had none (rotation off): the caller keeps its current one (F11).
    pub refresh_jwt: Option<String>,
    pub refresh: Option<Jwt>,
    /// The `user` object as JSON text, if the response had one.
    pub user_json: Option<String>,
    /// `user.loginIds[0]` and `user.name`: who signed in, for `lastUser` (storage::LAST_USER_*).
    pub last_user: Option<(String, Option<String>)>,
}

/// Largest response body the SDK reads, in bytes (F13): the JSON parser's limit, room for two
/// tokens of the largest size (`jwt::MAX_TOKEN_BYTES`) and a large user object. The transport stops
/// reading beyond it with [`body_too_large`].
pub const MAX_BODY_BYTES: usize = json::MAX_INPUT_BYTES;

/// A body longer than [`MAX_BODY_BYTES`] (F13): not read further, retried later like any
/// unexpected answer.
pub fn body_too_large(status: u16) -> Error {
    Error::protocol(
        "responseTooLarge",
        "the server's response was larger than 1 MiB",
    )
    .with_status(status)
    .with_retryable(true)
}

pub(crate) fn invalid_response(status: u16) -> Error {
    Error::protocol(
        "invalidResponse",
        "the server's response was not the expected JSON",
    )
    .with_status(status)
    .with_retryable(true)
}

/// Parses a 2xx body. A body that ends inside its JSON was cut short in transit (F12): a `network`
/// error, retried with backoff like a reset connection, not the slow retry of a wrong answer.
pub(crate) fn parse_body(status: u16, body: &str) -> Result<Value, Error> {
    json::parse(body).map_err(|e| match e {
        json::JsonError::Truncated => Error::new(
            ErrorKind::Network,
            "truncatedResponse",
            "the server's response ended before its JSON did",
        )
        .with_status(status),
        _ => invalid_response(status),
    })
}

fn parse_object(status: u16, body: &str) -> Result<Value, Error> {
    let v = parse_body(status, body)?;
    if v.as_object().is_none() {
        return Err(invalid_response(status));
    }
    Ok(v)
}

/// Checks a token's structure, times and issuer, and that it is not the other kind of token
/// (`drn` `DS` vs `DSR`, F06). Custom `drn` names are allowed.
pub fn check_token(token: &str, project_id: &str, want_refresh: bool) -> Result<Jwt, Error> {
    let j = jwt::decode(token).map_err(|e| {
        let code = match e {
            JwtError::TooLarge => "tokenTooLarge",
            _ => "invalidToken",
        };
        Error::protocol(code, e.description())
    })?;
    check_claims(j, project_id, want_refresh)
}

/// The claim checks of [`check_token`].
fn check_claims(j: Jwt, project_id: &str, want_refresh: bool) -> Result<Jwt, Error> {
    if !j.times_valid() {
        return Err(Error::protocol(
            "invalidToken",
            "the token's exp/iat claims are missing or out of range",
        ));
    }
    if !j.issued_for(project_id) {
        return Err(Error::protocol(
            "wrongProject",
            "the token was issued for another project",
        ));
    }
    let wrong = if want_refresh { "DS" } else { "DSR" };
    if j.drn() == Some(wrong) {
        return Err(Error::protocol(
            "tokenRoleMismatch",
            "a session token and a refresh token were swapped",
        ));
    }
    Ok(j)
}

/// Parses a 2xx JWTResponse body. In cookie mode (`cookie`) its tokens are in the server's HttpOnly
/// cookies and the body's are empty: the session is read from `claims` (checked like a session
/// JWT's payload), `session_jwt` is empty and the refresh credential is the cookie
/// (`session::COOKIE_CREDENTIAL`).
pub fn parse_auth_response(
    status: u16,
    body: &str,
    project_id: &str,
    cookie: bool,
) -> Result<AuthInfo, Error> {
    // Every error carries the response's status.
    auth_info(status, body, project_id, cookie).map_err(|e| e.with_status(status))
}

fn auth_info(status: u16, body: &str, project_id: &str, cookie: bool) -> Result<AuthInfo, Error> {
    let v = parse_object(status, body)?;
    let missing =
        || Error::protocol("missingSessionJwt", "the response had no session").with_retryable(true);
    let (session_jwt, session, refresh_jwt, refresh) = if cookie {
        let claims = v
            .get("claims")
            .filter(|c| c.as_object().is_some_and(|o| !o.is_empty()))
            .ok_or_else(missing)?;
        let j = jwt::from_payload(claims.to_json()).map_err(|_| invalid_response(status))?;
        let session = check_claims(j, project_id, false)?;
        let cookie = crate::session::COOKIE_CREDENTIAL.to_string();
        (String::new(), session, Some(cookie), None)
    } else {
        let session_jwt = match v.get("sessionJwt") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            _ => return Err(missing()),
        };
        let session = check_token(&session_jwt, project_id, false)?;
        let (refresh_jwt, refresh) = match v.get("refreshJwt") {
            None | Some(Value::Null) => (None, None),
            Some(Value::String(s)) if s.is_empty() => (None, None),
            Some(Value::String(s)) => {
                let j = check_token(s, project_id, true)?;
                (Some(s.clone()), Some(j))
            }
            Some(_) => return Err(invalid_response(status)),
        };
        if refresh_jwt.as_deref() == Some(session_jwt.as_str()) {
            return Err(Error::protocol(
                "tokenRoleMismatch",
                "the session and refresh tokens are the same",
            ));
        }
        (session_jwt, session, refresh_jwt, refresh)
    };
    let user = v.get("user").filter(|u| u.as_object().is_some());
    let text = |u: &Value, k: &str| {
        u.get(k)
            .and_then(Value::as_str)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
    };
    let last_user = user.and_then(|u| {
        let id = u.get("loginIds")?.as_array()?.first()?.as_str()?;
        (!id.is_empty()).then(|| (id.to_string(), text(u, "name")))
    });
    Ok(AuthInfo {
        session_jwt,
        session,
        refresh_jwt,
        refresh,
        user_json: user.map(Value::to_json),
        last_user,
    })
}

/// A bare JSON object (e.g. `/v1/auth/me`): checked and handed back as text.
pub fn parse_object_text(status: u16, body: &str) -> Result<String, Error> {
    parse_object(status, body).map(|v| v.to_json())
}

fn plausible_code(c: &str) -> bool {
    !c.is_empty()
        && c.len() <= 32
        && c.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s.get(..end).unwrap_or("")
}

/// Maps a non-2xx response to a typed error (§4). `retry_after` is the raw `Retry-After` header.
/// Status → kind: 401/403 unauthenticated; 429 rateLimited; 5xx api (retryable); other 4xx api;
/// a redirect config (F19: the API never redirects, so `baseUrl` points elsewhere; not retried).
/// The transport does not follow redirects: the browser reports one as status 0 (an opaque
/// redirect, whose real status and `Location` it hides).
pub fn error_from_response(
    status: u16,
    body: &str,
    retry_after: Option<&str>,
    now_ms: u64,
) -> Error {
    let parsed = json::parse(body).ok();
    let obj = parsed.as_ref().filter(|v| v.as_object().is_some());
    let code = obj
        .and_then(|o| o.get("errorCode"))
        .and_then(Value::as_str)
        .filter(|c| plausible_code(c));
    let desc = obj
        .and_then(|o| o.get("errorDescription").or_else(|| o.get("errorMessage")))
        .and_then(Value::as_str)
        .filter(|d| !d.is_empty());
    let (kind, retryable, fallback_code, fallback_desc) = match status {
        401 | 403 => (
            ErrorKind::Unauthenticated,
            false,
            "unauthenticated",
            "the server refused the credentials",
        ),
        429 => (
            ErrorKind::RateLimited,
            true,
            "E130429",
            "too many requests; retry later",
        ),
        0 | 300..=399 => (
            ErrorKind::Config,
            false,
            "unexpectedRedirect",
            "the API answered with a redirect; check baseUrl",
        ),
        408 => (ErrorKind::Api, true, "httpError", "the server timed out"),
        500..=599 => (
            ErrorKind::Api,
            true,
            "serverError",
            "the server failed to handle the request",
        ),
        _ => (
            ErrorKind::Api,
            false,
            "httpError",
            "the server rejected the request",
        ),
    };
    let mut e = Error::new(
        kind,
        code.unwrap_or(fallback_code),
        truncate(desc.unwrap_or(fallback_desc), 300),
    )
    .with_status(status)
    .with_retryable(retryable);
    if status == 429 || status == 503 {
        e.retry_after_ms = parse_retry_after(retry_after, now_ms);
    }
    e
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::jwt::test_support::token;
    use crate::shape::{reshape, MASKED, USER};

    const PID: &str = "P2abc";

    fn st(drn: &str) -> String {
        token(&format!(
            r#"{{"iss":"https://x/P2abc","sub":"U1","drn":"{drn}","exp":2000000600,"iat":2000000000}}"#
        ))
    }

    fn body(s: &str, r: Option<&str>) -> String {
        let mut w = json::ObjectWriter::new();
        w.string("sessionJwt", s);
        if let Some(r) = r {
            w.string("refreshJwt", r);
        }
        w.raw("user", r#"{"userId":"U1","name":"N"}"#);
        w.finish()
    }

    #[test]
    fn parses_jwt_response() {
        let a = parse_auth_response(200, &body(&st("DS"), Some(&st("DSR"))), PID, false).unwrap();
        assert_eq!(a.session.subject(), Some("U1"));
        assert!(a.refresh_jwt.is_some());
        assert!(a.user_json.unwrap().contains("\"N\""));
    }

    #[test]
    fn f06_swapped_tokens_are_protocol_errors() {
        let e =
            parse_auth_response(200, &body(&st("DSR"), Some(&st("DS"))), PID, false).unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::Protocol, "tokenRoleMismatch")
        );
        let e =
            parse_auth_response(200, &body(&st("DS"), Some(&st("DS"))), PID, false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
    }

    #[test]
    fn f07_other_project_tokens_rejected() {
        let e = parse_auth_response(200, &body(&st("DS"), None), "P2other", false).unwrap_err();
        assert_eq!(e.code, "wrongProject");
    }

    #[test]
    fn f11_missing_refresh_keeps_current_missing_session_is_protocol() {
        let a = parse_auth_response(200, &body(&st("DS"), None), PID, false).unwrap();
        assert!(a.refresh_jwt.is_none());
        let a = parse_auth_response(
            200,
            &format!(r#"{{"sessionJwt":"{}","refreshJwt":null}}"#, st("DS")),
            PID,
            false,
        )
        .unwrap();
        assert!(a.refresh_jwt.is_none());
        for b in [
            r#"{}"#,
            r#"{"sessionJwt":null}"#,
            r#"{"sessionJwt":5}"#,
            r#"{"sessionJwt":""}"#,
            r#"{"sessionJwt":"a.b.c"}"#,
        ] {
            let e = parse_auth_response(200, b, PID, false).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Protocol, "{b}");
            assert_eq!(e.status, Some(200));
        }
        let e = parse_auth_response(
            200,
            &format!(r#"{{"sessionJwt":"{}","refreshJwt":7}}"#, st("DS")),
            PID,
            false,
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::Protocol);
    }

    #[test]
    fn f10_html_bodies_are_typed_and_not_echoed() {
        let html = "<html><body>Sign in to the Wi-Fi</body></html>";
        let e = parse_auth_response(200, html, PID, false).unwrap_err();
        assert_eq!(
            (e.kind, e.retryable, e.status),
            (ErrorKind::Protocol, true, Some(200))
        );
        assert!(!e.description.contains("Wi-Fi"));
        let e = error_from_response(502, html, None, 0);
        assert_eq!(
            (e.kind, e.retryable, e.status, e.code.as_str()),
            (ErrorKind::Api, true, Some(502), "serverError")
        );
        assert!(!e.description.contains("Wi-Fi"));
        assert!(reshape(200, html, MASKED).is_err());
    }

    #[test]
    fn f12_truncated_body_is_a_retryable_network_error() {
        let full = body(&st("DS"), Some(&st("DSR")));
        for cut in [1, full.len() / 2, full.len() - 1] {
            let e = parse_auth_response(200, &full[..cut], PID, false).unwrap_err();
            assert_eq!(
                (e.kind, e.code.as_str(), e.retryable, e.status),
                (ErrorKind::Network, "truncatedResponse", true, Some(200)),
                "cut at {cut}"
            );
        }
        let e = parse_auth_response(200, "", PID, false).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Network);
        // A refresh that failed so is retried with the network backoff (2 s at first), not after
        // the 60 s of an unexpected answer.
        use crate::schedule::{failure_delay_ms, FAILURE_DELAY_MS};
        assert!(failure_delay_ms(&e, 0, u32::MAX, true) <= 2_000);
        let html = parse_auth_response(200, "<html>", PID, false).unwrap_err();
        assert!(failure_delay_ms(&html, 0, 0, true) >= FAILURE_DELAY_MS);
        assert_eq!(
            reshape(200, "{\"maskedEmail\":\"a", MASKED)
                .unwrap_err()
                .kind,
            ErrorKind::Network
        );
        // Not JSON at all (a captive portal, F10) stays a protocol error.
        assert_eq!(
            parse_auth_response(200, "<html>", PID, false)
                .unwrap_err()
                .kind,
            ErrorKind::Protocol
        );
    }

    #[test]
    fn f08_f13_size_limits() {
        // A response with two tokens of the largest size fits the body cap.
        const { assert!(2 * crate::jwt::MAX_TOKEN_BYTES + 64 * 1024 < MAX_BODY_BYTES) };
        let e = body_too_large(200);
        assert_eq!(
            (e.kind, e.code.as_str(), e.retryable, e.status),
            (ErrorKind::Protocol, "responseTooLarge", true, Some(200))
        );
        // A token over the limit is a size error of its own (F08).
        let big = token(&format!(
            r#"{{"iss":"P2abc","sub":"U","drn":"DS","exp":2000000600,"iat":2000000000,"x":"{}"}}"#,
            "a".repeat(crate::jwt::MAX_TOKEN_BYTES)
        ));
        let e = parse_auth_response(200, &body(&big, None), PID, false).unwrap_err();
        assert_eq!(
            (e.kind, e.code.as_str()),
            (ErrorKind::Protocol, "tokenTooLarge")
        );
    }

    #[test]
    fn f14_odd_error_bodies() {
        for b in [
            "null",
            "[]",
            r#"{"errorCode":123}"#,
            "",
            "{",
            r#"{"errorCode":"<script>"}"#,
        ] {
            let e = error_from_response(400, b, None, 0);
            assert_eq!(
                (e.kind, e.code.as_str(), e.status),
                (ErrorKind::Api, "httpError", Some(400)),
                "{b}"
            );
        }
        let e = error_from_response(
            400,
            r#"{"errorCode":"E062108","errorDescription":"User not found"}"#,
            None,
            0,
        );
        assert_eq!(
            (e.code.as_str(), e.description.as_str(), e.retryable),
            ("E062108", "User not found", false)
        );
        let e = error_from_response(401, "null", None, 0);
        assert_eq!(e.kind, ErrorKind::Unauthenticated);
        let e = error_from_response(429, "null", None, 0);
        assert_eq!((e.kind, e.retryable), (ErrorKind::RateLimited, true));
    }

    #[test]
    fn f19_a_redirect_is_a_config_error_never_retried() {
        // 0: what the browser shows of a redirect it was told not to follow.
        for status in [0, 301, 302, 307, 308] {
            let e = error_from_response(status, "", None, 0);
            assert_eq!(
                (e.kind, e.code.as_str(), e.retryable),
                (ErrorKind::Config, "unexpectedRedirect", false),
                "{status}"
            );
            assert!(!crate::refresh::maybe_committed(e.kind));
        }
    }

    #[test]
    fn f15_retry_after_on_429() {
        let e = error_from_response(429, r#"{"errorCode":"E130429"}"#, Some("120"), 0);
        assert_eq!(e.retry_after_ms, Some(120_000));
        let e = error_from_response(429, "{}", Some("999999999"), 0);
        assert_eq!(e.retry_after_ms, Some(600_000));
        let e = error_from_response(429, "{}", Some("garbage"), 0);
        assert_eq!(e.retry_after_ms, None);
        let e = error_from_response(400, "{}", Some("120"), 0);
        assert_eq!(e.retry_after_ms, None);
    }

    #[test]
    fn masked_and_objects() {
        let m = |body| reshape(200, body, MASKED).unwrap();
        assert_eq!(
            m(r#"{"maskedEmail":"a***@b.co","x":1}"#),
            r#"{"maskedEmail":"a***@b.co"}"#
        );
        // As the server sends it: an empty string is kept, a non-string left out.
        assert_eq!(
            m(r#"{"maskedPhone":"","maskedEmail":7}"#),
            r#"{"maskedPhone":""}"#
        );
        assert!(parse_object_text(200, "[]").is_err());
        assert!(parse_object_text(200, r#"{"userId":"U"}"#).is_ok());
        // `me`: any object, as it is.
        assert!(reshape(200, "[]", USER).is_err());
        assert_eq!(
            reshape(200, r#"{"userId":"U","x":[1]}"#, USER).unwrap(),
            r#"{"userId":"U","x":[1]}"#
        );
    }
}
