//! Errors as the API returns them: a status, a stable code, a message for people and,
//! where known, the place of the problem. Never a stack trace.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

use sanlian_model::InputError;

/// An API error, rendered as `{"error": {"status", "code", "message", "location"?}}`.
#[derive(Debug, Clone, Serialize)]
pub struct ApiError {
    /// HTTP status.
    #[serde(skip)]
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `invalid_json`, `not_found`, `queue_full`.
    pub code: &'static str,
    /// What went wrong and what to do, for people.
    pub message: String,
    /// The place of the problem: `line 3, column 5`, `cadres[12].home_county`, a sheet cell.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    /// Seconds after which a retry may succeed (queue full).
    #[serde(skip)]
    pub retry_after: Option<u32>,
}

impl ApiError {
    /// An error with no location.
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError { status, code, message: message.into(), location: None, retry_after: None }
    }

    /// 400: the request cannot be used as sent.
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// 404: no such thing (the message says which).
    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    /// 500: a defect or a storage failure; the detail goes to the log, not to the client.
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "{context}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            format!("{context}; the server log has the details"),
        )
    }

    /// A store failure: 503 `store_unavailable` when the database cannot be written (disk
    /// full, read-only, failing), 500 otherwise; the detail goes to the log.
    pub fn store(context: &str, e: &crate::store::StoreError) -> ApiError {
        if !e.is_fault() {
            return ApiError::internal(context, e);
        }
        tracing::error!(%e, "{context}");
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "store_unavailable",
            format!("{context}: the database cannot be written (is the disk full or failing?); nothing was stored"),
        )
    }

    /// The same error with a location.
    pub fn at(mut self, location: impl Into<String>) -> ApiError {
        self.location = Some(location.into());
        self
    }

    /// 400: `what` is not JSON of the expected form; located by line and column.
    pub fn json(what: &str, e: &serde_json::Error) -> ApiError {
        ApiError::bad_request("invalid_json", format!("{what} is not valid JSON: {e}")).at(format!(
            "line {}, column {}",
            e.line(),
            e.column()
        ))
    }

    /// Bad input (JSON syntax or validation) from the model, with its first location.
    pub fn input(e: &InputError) -> ApiError {
        match e {
            InputError::Json { line, column, .. } => {
                ApiError::bad_request("invalid_json", e.to_string()).at(format!("line {line}, column {column}"))
            }
            InputError::Invalid { problems, .. } => {
                let first = problems.first().map(|p| p.path.clone());
                let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", e.to_string());
                match first {
                    Some(path) => err.at(path),
                    None => err,
                }
            }
        }
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.message)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": {
            "status": self.status.as_u16(),
            "code": self.code,
            "message": self.message,
            "location": self.location,
        }});
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// 413: the body is over the server's limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!("the request body is larger than the limit of {limit} bytes; start the server with a larger --body-limit if this is a real instance"),
    )
}
