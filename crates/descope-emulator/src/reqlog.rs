//! The request log (`GET /emulator/requests`) with secrets redacted.

use axum::http::HeaderMap;
use serde_json::{json, Map, Value};

const REDACTED: &str = "<redacted>";
/// Body keys whose values are never stored.
const SECRET_KEYS: [&str; 9] = [
    "code",
    "token",
    "refreshJwt",
    "sessionJwt",
    "password",
    "newPassword",
    "oldPassword",
    "externalToken",
    "t",
];

/// Replaces the values of secret keys anywhere in the JSON tree.
pub fn redact(v: &mut Value) {
    match v {
        Value::Object(m) => {
            for (k, val) in m.iter_mut() {
                if SECRET_KEYS.contains(&k.as_str()) {
                    *val = json!(REDACTED);
                } else {
                    redact(val);
                }
            }
        }
        Value::Array(a) => a.iter_mut().for_each(redact),
        _ => {}
    }
}

/// Header map with lower-case names; `authorization` keeps only the project id, cookie values
/// and the trusted- and known-device tokens are hidden.
pub fn headers_json(headers: &HeaderMap) -> Value {
    let mut out = Map::new();
    for (name, value) in headers {
        let n = name.as_str().to_ascii_lowercase();
        let v = value.to_str().unwrap_or("<binary>");
        let shown = match n.as_str() {
            "authorization" => match crate::auth::bearer(headers) {
                Some((pid, Some(_))) => format!("Bearer {pid}:{REDACTED}"),
                Some((pid, None)) => format!("Bearer {pid}"),
                None => REDACTED.to_string(),
            },
            "cookie" => v
                .split(';')
                .map(|p| match p.trim().split_once('=') {
                    Some((k, _)) => format!("{k}={REDACTED}"),
                    None => p.trim().to_string(),
                })
                .collect::<Vec<_>>()
                .join("; "),
            "x-descope-trusted-device-token" | "x-descope-known-device-token" => {
                REDACTED.to_string()
            }
            _ => v.to_string(),
        };
        out.insert(n, json!(shown));
    }
    Value::Object(out)
}

/// Query string as an object, with secret keys redacted.
pub fn query_json(query: Option<&str>) -> Value {
    let mut out = Map::new();
    for pair in query.unwrap_or("").split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k);
        let v = if SECRET_KEYS.contains(&k.as_str()) {
            REDACTED.to_string()
        } else {
            percent_decode(v)
        };
        out.insert(k, json!(v));
    }
    Value::Object(out)
}

/// Body as JSON (redacted), or null when empty or not JSON.
pub fn body_json(bytes: &[u8]) -> Value {
    match serde_json::from_slice::<Value>(bytes) {
        Ok(mut v) => {
            redact(&mut v);
            v
        }
        Err(_) => Value::Null,
    }
}

/// `%XX` and `+` decoding (lossy on invalid UTF-8).
pub fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b.get(i) {
            Some(b'%') => {
                let hex = b
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                if let Some(x) = hex {
                    out.push(x);
                    i += 3;
                    continue;
                }
                out.push(b'%');
            }
            Some(b'+') => out.push(b' '),
            Some(c) => out.push(*c),
            None => break,
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
