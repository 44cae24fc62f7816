//! The SDK's one error type. The glue turns it into a JS `DescopeError`.

#[allow(unused_imports)]
use crate::prelude::*;

/// What went wrong, at the granularity a caller branches on (`DescopeError.kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    Api,
    Network,
    Timeout,
    RateLimited,
    Unauthenticated,
    Validation,
    Config,
    Storage,
    Protocol,
    /// An `AbortSignal` fired, or the user dismissed the passkey prompt.
    Aborted,
}

impl ErrorKind {
    /// The JS spelling of the kind.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorKind::Api => "api",
            ErrorKind::Network => "network",
            ErrorKind::Timeout => "timeout",
            ErrorKind::RateLimited => "rateLimited",
            ErrorKind::Unauthenticated => "unauthenticated",
            ErrorKind::Validation => "validation",
            ErrorKind::Config => "config",
            ErrorKind::Storage => "storage",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Aborted => "aborted",
        }
    }
}

/// A typed failure. `description` never contains a token, code or response body.
///
/// Boxed: a `Result<T, Error>` then carries one pointer, so every `?` in the wasm build moves 4
/// bytes instead of copying the whole record. Fields are read and written through `Deref`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Error(Box<ErrorData>);

/// The fields of an [`Error`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ErrorData {
    pub kind: ErrorKind,
    /// The server's `errorCode` (e.g. `E062108`) or the SDK's own code (e.g. `network`).
    pub code: String,
    pub description: String,
    /// HTTP status, when there was a response.
    pub status: Option<u16>,
    /// From `Retry-After`, on 429/503.
    pub retry_after_ms: Option<u64>,
    pub retryable: bool,
}

impl Error {
    pub fn new(kind: ErrorKind, code: &str, description: &str) -> Self {
        let retryable = matches!(
            kind,
            ErrorKind::Network | ErrorKind::Timeout | ErrorKind::RateLimited
        );
        Error(Box::new(ErrorData {
            kind,
            code: code.to_string(),
            description: description.to_string(),
            status: None,
            retry_after_ms: None,
            retryable,
        }))
    }
    pub fn validation(code: &str, description: &str) -> Self {
        Self::new(ErrorKind::Validation, code, description)
    }
    pub fn config(description: &str) -> Self {
        Self::new(ErrorKind::Config, "invalidConfig", description)
    }
    pub fn protocol(code: &str, description: &str) -> Self {
        Self::new(ErrorKind::Protocol, code, description)
    }
    pub fn unauthenticated(code: &str, description: &str) -> Self {
        Self::new(ErrorKind::Unauthenticated, code, description)
    }
    pub fn network() -> Self {
        Self::new(
            ErrorKind::Network,
            "network",
            "the request could not be sent or its response could not be read",
        )
    }
    pub fn timeout() -> Self {
        Self::new(
            ErrorKind::Timeout,
            "timeout",
            "the request did not complete within timeoutMs",
        )
    }
    pub fn disposed() -> Self {
        Self::new(
            ErrorKind::Config,
            "disposed",
            "this Descope instance was disposed",
        )
    }
    pub fn no_session() -> Self {
        Self::unauthenticated("noSession", "there is no signed-in session")
    }
    pub fn with_status(mut self, status: u16) -> Self {
        self.status = Some(status);
        self
    }
    pub fn with_retryable(mut self, retryable: bool) -> Self {
        self.retryable = retryable;
        self
    }
}

impl core::ops::Deref for Error {
    type Target = ErrorData;
    fn deref(&self) -> &ErrorData {
        &self.0
    }
}

impl core::ops::DerefMut for Error {
    fn deref_mut(&mut self) -> &mut ErrorData {
        &mut self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_have_js_names() {
        assert_eq!(ErrorKind::RateLimited.as_str(), "rateLimited");
        assert_eq!(ErrorKind::Unauthenticated.as_str(), "unauthenticated");
        assert!(Error::network().retryable);
        assert!(!Error::config("x").retryable);
        assert_eq!(Error::config("x").code, "invalidConfig");
    }
}
