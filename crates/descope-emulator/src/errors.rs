//! Descope-shaped error answers: `{errorCode, errorDescription, errorMessage}` with an HTTP status.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::json;

/// An error answer. Every handler returns `Result<_, ApiError>` so every failure is JSON.
#[derive(Debug, Clone)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub description: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, description: impl Into<String>) -> Self {
        Self {
            status,
            code,
            description: description.into(),
        }
    }
    /// 400 `E011001`: the body is not JSON (or not a JSON object).
    pub fn malformed() -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E011001", "Request is malformed")
    }
    /// 400 `E011002`: a required argument is missing or empty.
    pub fn missing(field: &str) -> Self {
        Self::new(
            StatusCode::BAD_REQUEST,
            "E011002",
            format!("The {field} argument is missing"),
        )
    }
    /// 400 `E011003`: the request failed validation.
    pub fn invalid(what: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, "E011003", what)
    }
    /// 401 for a missing or foreign project id in `Authorization`.
    pub fn unauthorized_project() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E011003",
            "Authorization header must be 'Bearer <projectId>[:<token>]' for this project",
        )
    }
    /// 401 `E061301`: no refresh token, or one that is malformed, badly signed, expired or unknown.
    /// (The catalogue has no code for this case; E061301 is our choice, used consistently.)
    pub fn invalid_refresh() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E061301",
            "Refresh token is missing, invalid or expired",
        )
    }
    /// 401 `E064001`: the refresh token was revoked by logout / logout-all (catalogue code).
    pub fn logged_out() -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "E064001",
            "Refresh token expired because the session was logged out",
        )
    }
    pub fn not_found(what: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "E011404", what)
    }
    pub fn internal(what: impl Into<String>) -> Self {
        Self::new(StatusCode::INTERNAL_SERVER_ERROR, "E010000", what)
    }

    pub fn body(&self) -> serde_json::Value {
        json!({
            "errorCode": self.code,
            "errorDescription": self.description,
            "errorMessage": self.description,
        })
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        (self.status, axum::Json(self.body())).into_response()
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
