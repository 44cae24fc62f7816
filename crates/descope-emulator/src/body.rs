//! Request-body parsing with Descope's validation codes.

use serde_json::{Map, Value};

use crate::errors::{ApiError, ApiResult};

/// Parses a JSON object body. An empty body counts as `{}`; text that is not JSON, or JSON that
/// is not an object, answers 400 `E011001`.
pub fn object(bytes: &[u8]) -> ApiResult<Map<String, Value>> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice(bytes) {
        Ok(Value::Object(m)) => Ok(m),
        _ => Err(ApiError::malformed()),
    }
}

/// A required non-empty string: absent/empty → `E011002`, wrong type → `E011003`.
pub fn required_str(obj: &Map<String, Value>, key: &str) -> ApiResult<String> {
    match obj.get(key) {
        None | Some(Value::Null) => Err(ApiError::missing(key)),
        Some(Value::String(s)) if s.is_empty() => Err(ApiError::missing(key)),
        Some(Value::String(s)) => Ok(s.clone()),
        Some(_) => Err(ApiError::invalid(format!("{key} must be a string"))),
    }
}
