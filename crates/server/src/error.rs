//! Errors as the API returns them: a status, a stable code, a message for people and,
//! where known, the place of the problem. Never a stack trace.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use sanlian_model::{InputError, Lang, Msg};

/// An API error, rendered as `{"error": {"status", "code", "message", "text", "location"?}}`:
/// `message` in the request's language (`Accept-Language`, Chinese by default), `text` in
/// both (`{"zh", "en"}`), so that a page can switch language without asking again.
#[derive(Debug, Clone)]
pub struct ApiError {
    /// HTTP status.
    pub status: StatusCode,
    /// Stable machine-readable code, e.g. `invalid_json`, `not_found`, `queue_full`.
    pub code: &'static str,
    /// What went wrong and what to do, for people.
    pub msg: Msg,
    /// Every problem found, listed under the message (e.g. each validation problem).
    pub details: Vec<Msg>,
    /// The place of the problem: `line 3, column 5`, `cadres[12].home_county`, a sheet cell.
    pub location: Option<Msg>,
    /// Seconds after which a retry may succeed (queue full).
    pub retry_after: Option<u32>,
}

tokio::task_local! {
    /// The language of the request being answered (set by [`localise`]).
    static LANG: Lang;
}

/// Answer the request in the language its `Accept-Language` asks for (Chinese by default):
/// every [`ApiError`] rendered while it is handled speaks that language.
pub async fn localise(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let lang = request_lang(request.headers());
    LANG.scope(lang, next.run(request)).await
}

/// The language a request's headers ask for.
pub fn request_lang(headers: &axum::http::HeaderMap) -> Lang {
    Lang::from_accept(headers.get(header::ACCEPT_LANGUAGE).and_then(|v| v.to_str().ok()))
}

/// The language of the request being answered (Chinese outside a request).
pub fn current_lang() -> Lang {
    LANG.try_with(|l| *l).unwrap_or_default()
}

/// A message's text in both languages, as `{"zh": …, "en": …}`.
pub fn both(msg: &Msg) -> serde_json::Value {
    serde_json::json!({ "zh": msg.text(Lang::Zh), "en": msg.text(Lang::En) })
}

impl ApiError {
    /// An error with no location.
    pub fn new(status: StatusCode, code: &'static str, msg: Msg) -> ApiError {
        ApiError { status, code, msg, details: Vec::new(), location: None, retry_after: None }
    }

    /// 400: the request cannot be used as sent.
    pub fn bad_request(code: &'static str, msg: Msg) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, msg)
    }

    /// 404: no such thing (the message says which).
    pub fn not_found(msg: Msg) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", msg)
    }

    /// 404: there is no `kind` (instance, plan, job) with this id.
    pub fn no_such(kind: &str, id: impl std::fmt::Display) -> ApiError {
        ApiError::not_found(Msg::new("api.no_such").arg("kind", kind).arg("id", id))
    }

    /// 500: a defect or a storage failure; the detail goes to the log, not to the client.
    /// `context` says what the server was doing, in English (the log's language).
    pub fn internal(context: &str, detail: impl std::fmt::Display) -> ApiError {
        tracing::error!(%detail, "{context}");
        ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", Msg::new("api.internal").arg("context", context))
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
            Msg::new("api.store_unavailable").arg("context", context),
        )
    }

    /// The same error with a location (a path, a field or a query parameter, shown as is).
    pub fn at(mut self, location: impl Into<String>) -> ApiError {
        self.location = Some(Msg::new("loc.raw").arg("at", location.into()));
        self
    }

    /// The same error with a location in words.
    pub fn at_msg(mut self, location: Msg) -> ApiError {
        self.location = Some(location);
        self
    }

    /// The message in `lang`, with its details listed below it.
    pub fn text(&self, lang: Lang) -> String {
        let mut out = self.msg.text(lang);
        for d in &self.details {
            out.push_str("\n  - ");
            out.push_str(&d.text(lang));
        }
        out
    }

    /// The message in both languages, as `{"zh": …, "en": …}`.
    pub fn both(&self) -> serde_json::Value {
        serde_json::json!({ "zh": self.text(Lang::Zh), "en": self.text(Lang::En) })
    }

    /// The error as JSON, its message in `lang` and in both languages.
    pub fn body(&self, lang: Lang) -> serde_json::Value {
        serde_json::json!({
            "status": self.status.as_u16(),
            "code": self.code,
            "message": self.text(lang),
            "text": self.both(),
            "msg": self.msg,
            "location": self.location.as_ref().map(|l| l.text(lang)),
            "location_text": self.location.as_ref().map(both),
        })
    }

    /// The error as a job stores it: code, English message, both texts and the coded message.
    pub fn stored(&self) -> serde_json::Value {
        let mut v = self.body(Lang::En);
        if let Some(o) = v.as_object_mut() {
            o.remove("status");
        }
        v
    }

    /// 400: `what` is not JSON of the expected form; located by line and column.
    pub fn json(what: &str, e: &serde_json::Error) -> ApiError {
        ApiError::bad_request("invalid_json", Msg::new("api.invalid_json").noun("what", what).arg("why", e))
            .at_msg(Msg::new("loc.line_column").arg("line", e.line()).arg("column", e.column()))
    }

    /// 400 or 422: the input's own error, located.
    pub fn input(e: &InputError) -> ApiError {
        match e {
            InputError::Json { what, line, column, message } => ApiError::bad_request(
                "invalid_json",
                Msg::new("api.invalid_json").noun("what", what).arg("why", message),
            )
            .at_msg(Msg::new("loc.line_column").arg("line", line).arg("column", column)),
            InputError::Invalid { what, problems } => {
                let msg = Msg::new("api.invalid_input").noun("what", what).arg("count", problems.len());
                let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", msg);
                err.details = problems
                    .iter()
                    .map(|p| Msg::new("loc.problem").arg("path", &p.path).arg_msg("why", p.msg.clone()))
                    .collect();
                match problems.first() {
                    Some(p) => err.at(p.path.clone()),
                    None => err,
                }
            }
        }
    }
}

/// A job's failure as the store keeps it: `{"code", "message" (English), "text": {"zh", "en"}}`.
pub fn stored(code: &str, msg: &Msg) -> serde_json::Value {
    serde_json::json!({ "code": code, "message": msg.text(Lang::En), "text": both(msg) })
}

/// A stored failure's `message` in `lang` (failures stored before messages had codes keep
/// their English message).
pub fn localise_stored(error: &mut Option<serde_json::Value>, lang: Lang) {
    let Some(e) = error.as_mut() else { return };
    let text = e.pointer(&format!("/text/{}", lang.code())).cloned();
    if let (Some(text), Some(o)) = (text, e.as_object_mut()) {
        o.insert("message".into(), text);
    }
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}: {}", self.status.as_u16(), self.code, self.msg)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = serde_json::json!({ "error": self.body(current_lang()) });
        let mut response = (self.status, axum::Json(body)).into_response();
        if let Some(secs) = self.retry_after {
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        response
    }
}

/// 413: the body is over the server's limit.
pub fn too_large(limit: usize) -> ApiError {
    ApiError::new(StatusCode::PAYLOAD_TOO_LARGE, "too_large", Msg::new("api.too_large").arg("limit", limit))
}
