//! Injected faults (`POST /emulator/faults`): delay, canned answer, or a dropped connection for
//! the next `times` requests whose path matches.

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
    /// consumed code) are committed and only the answer is lost.
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
    pub times: u64,
}

impl Fault {
    /// Parses `{path, status?, body?, delayMs?, drop?, retryAfter?, times}` (`times` defaults to 1;
    /// `drop`: `true` / `"after"` or `"before"`).
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
        Ok(Fault {
            path,
            status,
            body: obj.get("body").cloned().filter(|b| !b.is_null()),
            delay_ms: num("delayMs")?.unwrap_or(0),
            drop,
            retry_after,
            times: num("times")?.unwrap_or(1),
        })
    }

    pub fn matches(&self, path: &str) -> bool {
        match self.path.strip_suffix('*') {
            Some(prefix) => path.starts_with(prefix),
            None => self.path == path,
        }
    }

    /// The canned answer, if this fault replaces the real one (status or body given).
    /// A fault with only `delayMs` / `retryAfter` lets the real answer through.
    pub fn answer(&self) -> Option<Response> {
        if self.drop != DropMode::No || (self.status.is_none() && self.body.is_none()) {
            return None;
        }
        let status = StatusCode::from_u16(self.status.unwrap_or(500))
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut resp = match &self.body {
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
