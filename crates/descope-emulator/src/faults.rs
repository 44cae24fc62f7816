//! Injected faults (`POST /emulator/faults`): delay, canned answer, or a dropped connection for
//! the next `times` requests whose path matches. A canned body can also be sent badly (`stream`):
//! cut off mid-body (F12), one byte a second (F23) or without end (F13).

use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use crate::errors::{ApiError, ApiResult};

/// When a fault closes the connection instead of answering.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DropMode {
    No,
    /// `drop: "before"`: before the request is handled (nothing happens on the server).
    Before,
    /// `drop: true`: after the request is handled, so its effects (a rotation, a logout, a
    /// consumed code) are committed and only the answer is lost (see [`lose_answer`]).
    After,
}

#[derive(Clone, Debug)]
pub struct Fault {
    /// Exact path, or a prefix when it ends with `*`.
    pub path: String,
    pub status: Option<u16>,
    pub body: Option<Value>,
    pub delay_ms: u64,
    pub drop: DropMode,
    pub retry_after: Option<String>,
    /// `location`: a redirect to this URL (status 302 unless `status` says otherwise), F19.
    pub location: Option<String>,
    pub times: u64,
    pub stream: Stream,
}

/// How a canned body travels (`stream` in the fault).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// All at once (the default).
    Whole,
    /// `content-length` of the whole body, the first half sent, then the connection reset (F12).
    Truncate,
    /// Headers at once, then one byte a second (F23).
    Trickle,
    /// The body repeated forever, as fast as the client reads (F13).
    Endless,
}

impl Fault {
    /// Parses `{path, status?, body?, delayMs?, drop?, retryAfter?, location?, stream?, times}`
    /// (`times` defaults to 1; `drop`: `true` / `"after"` or `"before"`).
    pub fn from_json(v: &Value) -> ApiResult<Fault> {
        let obj = v.as_object().ok_or_else(ApiError::malformed)?;
        let path = match obj.get("path") {
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(Value::String(_)) | None | Some(Value::Null) => {
                return Err(ApiError::missing("path"))
            }
            Some(_) => return Err(ApiError::invalid("path must be a string")),
        };
        let num = |k: &str| -> ApiResult<Option<u64>> {
            match obj.get(k) {
                None | Some(Value::Null) => Ok(None),
                Some(v) => v.as_u64().map(Some).ok_or_else(|| {
                    ApiError::invalid(format!("{k} must be a non-negative integer"))
                }),
            }
        };
        let status = match num("status")? {
            None => None,
            Some(s) if (100..=599).contains(&s) => Some(s as u16),
            Some(_) => return Err(ApiError::invalid("status must be 100..599")),
        };
        let drop = match obj.get("drop") {
            None | Some(Value::Null) | Some(Value::Bool(false)) => DropMode::No,
            Some(Value::Bool(true)) => DropMode::After,
            Some(Value::String(s)) if s == "after" => DropMode::After,
            Some(Value::String(s)) if s == "before" => DropMode::Before,
            Some(_) => {
                return Err(ApiError::invalid(
                    "drop must be true, false, \"after\" or \"before\"",
                ))
            }
        };
        let retry_after = match obj.get("retryAfter") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            Some(_) => return Err(ApiError::invalid("retryAfter must be a string or number")),
        };
        if let Some(r) = &retry_after {
            HeaderValue::from_str(r)
                .map_err(|_| ApiError::invalid("retryAfter is not a valid header value"))?;
        }
        let location = match obj.get("location") {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) if HeaderValue::from_str(s).is_ok() => Some(s.clone()),
            Some(_) => return Err(ApiError::invalid("location must be a URL string")),
        };
        let stream = match obj.get("stream") {
            None | Some(Value::Null) => Stream::Whole,
            Some(Value::String(s)) => match s.as_str() {
                "whole" => Stream::Whole,
                "truncate" => Stream::Truncate,
                "trickle" => Stream::Trickle,
                "endless" => Stream::Endless,
                _ => {
                    return Err(ApiError::invalid(
                        "stream must be whole, truncate, trickle or endless",
                    ))
                }
            },
            Some(_) => return Err(ApiError::invalid("stream must be a string")),
        };
        Ok(Fault {
            stream,
            path,
            status,
            body: obj.get("body").cloned().filter(|b| !b.is_null()),
            delay_ms: num("delayMs")?.unwrap_or(0),
            drop,
            retry_after,
            location,
            times: num("times")?.unwrap_or(1),
        })
    }

    pub fn matches(&self, path: &str) -> bool {
        match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        }
    }

    /// The canned answer, if this fault replaces the real one (status, body or location given).
    /// A fault with only `delayMs` / `retryAfter` lets the real answer through.
    pub fn answer(&self) -> Option<Response> {
        if self.drop != DropMode::No
            || (self.status.is_none() && self.body.is_none() && self.location.is_none())
        {
            return None;
        }
        let default = if self.location.is_some() { 302 } else { 500 };
        let status = StatusCode::from_u16(self.status.unwrap_or(default))
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = match &self.body {
            b if self.stream != Stream::Whole => {
                let text = match b {
                    Some(Value::String(raw)) => raw.clone(),
                    Some(v) => v.to_string(),
                    None => String::new(),
                };
                streamed(status, text.into_bytes(), self.stream)
            }
            // A JSON string is sent as-is (e.g. an HTML error page from a proxy).
            Some(Value::String(raw)) => {
                let ct = if raw.trim_start().starts_with('<') {
                    "text/html; charset=utf-8"
                } else {
                    "text/plain; charset=utf-8"
                };
                (status, [("content-type", ct)], raw.clone()).into_response()
            }
            Some(v) => (status, axum::Json(v.clone())).into_response(),
            None => {
                let code = if status == StatusCode::TOO_MANY_REQUESTS {
                    "E130429"
                } else {
                    "E999999"
                };
                let e = ApiError::new(
                    status,
                    code,
                    format!("Injected fault (HTTP {})", status.as_u16()),
                );
                (status, axum::Json(e.body())).into_response()
            }
        };
        self.add_retry_after(&mut resp);
        if let Some(v) = self
            .location
            .as_deref()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            resp.headers_mut().insert("location", v);
        }
        Some(resp)
    }

    pub fn add_retry_after(&self, resp: &mut Response) {
        if let Some(v) = self
            .retry_after
            .as_deref()
            .and_then(|r| HeaderValue::from_str(r).ok())
        {
            resp.headers_mut().insert("retry-after", v);
        }
    }
}

/// `drop: true`: the answer of a request the server handled (and committed) is lost in transit
/// (F21). Its status line and headers go out, without its cookies, then half its body, then the
/// connection is cut: the client sees a failed read, never the answer. Closing the connection before
/// any answer would not do: a browser resends a request whose reused keep-alive connection closed
/// unanswered (Chromium does), so the server would handle it twice and the page would see only
/// the second answer.
pub async fn lose_answer(resp: Response) -> Response {
    let (mut parts, body) = resp.into_parts();
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    parts.headers.remove(axum::http::header::SET_COOKIE);
    parts.headers.remove(axum::http::header::TRANSFER_ENCODING);
    parts.headers.insert(
        axum::http::header::CONTENT_LENGTH,
        HeaderValue::from(body.len() as u64),
    );
    Response::from_parts(parts, axum::body::Body::from_stream(cut_short(body)))
}

type BodyStream = std::pin::Pin<
    Box<dyn futures_util::Stream<Item = Result<axum::body::Bytes, std::io::Error>> + Send>,
>;

/// The first half of `body`, then an error, which makes hyper reset the connection. The error
/// waits a moment so the headers and the first half reach the client first (a connection closed
/// before any answer would be resent by the browser; F12 is mid-body).
fn cut_short(body: axum::body::Bytes) -> BodyStream {
    let half = body.slice(..body.len() / 2);
    Box::pin(futures_util::stream::unfold(0, move |step| {
        let half = half.clone();
        async move {
            match step {
                0 => Some((Ok(half), 1)),
                1 => {
                    tokio::time::sleep(std::time::Duration::from_millis(200)).await;
                    Some((
                        Err(std::io::Error::other("truncated by an injected fault")),
                        2,
                    ))
                }
                _ => None,
            }
        }
    }))
}

/// A body sent in pieces by `mode` (not `Whole`). An `Err` item makes hyper reset the connection.
fn streamed(status: StatusCode, body: Vec<u8>, mode: Stream) -> Response {
    use axum::body::{Body, Bytes};
    use std::time::Duration;
    let body = Bytes::from(body);
    let len = body.len();
    let stream: BodyStream = match mode {
        Stream::Whole => Box::pin(futures_util::stream::iter([Ok(body)])),
        Stream::Truncate => cut_short(body),
        Stream::Trickle => Box::pin(futures_util::stream::unfold(0, move |i| {
            let body = body.clone();
            async move {
                if i >= body.len() {
                    return None;
                }
                if i > 0 {
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                Some((Ok(body.slice(i..i + 1)), i + 1))
            }
        })),
        Stream::Endless => {
            let chunk = if body.is_empty() {
                Bytes::from(vec![b' '; 64 * 1024])
            } else {
                body
            };
            Box::pin(futures_util::stream::unfold(chunk, |c| async move {
                tokio::task::yield_now().await;
                Some((Ok(c.clone()), c))
            }))
        }
    };
    let mut resp = Response::new(Body::from_stream(stream));
    *resp.status_mut() = status;
    resp.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    if mode == Stream::Truncate {
        resp.headers_mut()
            .insert("content-length", HeaderValue::from(len as u64));
    }
    resp
}

/// Takes one use of the first fault matching `path`, removing it when used up.
pub fn take(faults: &mut Vec<Fault>, path: &str) -> Option<Fault> {
    let i = faults.iter().position(|f| f.times > 0 && f.matches(path))?;
    let f = faults.get_mut(i)?;
    f.times -= 1;
    let out = f.clone();
    if f.times == 0 {
        faults.remove(i);
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn stream_modes_parse_and_bad_ones_are_refused() {
        let f = |v: Value| Fault::from_json(&v);
        assert_eq!(f(json!({"path": "/x"})).unwrap().stream, Stream::Whole);
        for (name, mode) in [
            ("whole", Stream::Whole),
            ("truncate", Stream::Truncate),
            ("trickle", Stream::Trickle),
            ("endless", Stream::Endless),
        ] {
            assert_eq!(
                f(json!({"path": "/x", "stream": name})).unwrap().stream,
                mode
            );
        }
        assert!(f(json!({"path": "/x", "stream": "slow"})).is_err());
        assert!(f(json!({"path": "/x", "stream": 1})).is_err());
        // A streamed fault answers even without a body (endless spaces).
        let endless = f(json!({"path": "/x", "status": 200, "stream": "endless"})).unwrap();
        assert!(endless.answer().is_some());
    }

    #[test]
    fn f19_a_location_answers_a_redirect() {
        let f = |v: Value| Fault::from_json(&v);
        let r = f(json!({"path": "/x", "location": "http://localhost:9/elsewhere"}))
            .unwrap()
            .answer()
            .unwrap();
        assert_eq!(r.status(), StatusCode::FOUND);
        assert_eq!(r.headers()["location"], "http://localhost:9/elsewhere");
        let r = f(json!({"path": "/x", "status": 307, "location": "/y"}))
            .unwrap()
            .answer()
            .unwrap();
        assert_eq!(r.status(), StatusCode::TEMPORARY_REDIRECT);
        assert!(f(json!({"path": "/x", "location": 1})).is_err());
        assert!(f(json!({"path": "/x", "location": "a\nb"})).is_err());
    }
}
