//! What every request passes before a handler sees it, and what every response carries:
//! the Host must be one this service answers to (DNS rebinding), a state-changing request
//! must come from this service's own page or from a non-browser client (cross-site
//! writes), its body must be of a type the endpoint takes, and every response carries the
//! security headers an IT department expects.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use sanlian_model::Msg;

/// The host names the service answers to.
#[derive(Debug, Clone)]
pub struct Hosts {
    names: Vec<String>,
}

impl Hosts {
    /// 127.0.0.1, localhost and ::1, plus `extra` (`--allowed-host`), compared without case.
    pub fn new(extra: &[String]) -> Hosts {
        let mut names: Vec<String> = ["127.0.0.1", "localhost", "[::1]", "::1"].iter().map(|s| s.to_string()).collect();
        names.extend(extra.iter().map(|h| h.trim().to_ascii_lowercase()).filter(|h| !h.is_empty()));
        Hosts { names }
    }

    /// Is `host` (a Host header: name, optionally `:port`) one of ours?
    pub fn allows(&self, host: &str) -> bool {
        let host = host.trim().to_ascii_lowercase();
        let name = if host.starts_with('[') {
            host.split(']').next().map(|n| format!("{n}]")).unwrap_or_default()
        } else {
            host.rsplit_once(':').map_or(host.clone(), |(n, port)| {
                if port.chars().all(|c| c.is_ascii_digit()) {
                    n.to_string()
                } else {
                    host.clone()
                }
            })
        };
        self.names.contains(&name)
    }
}

/// Content types a request body may have on each kind of endpoint.
const JSON_TYPES: &[&str] = &["application/json"];
const SHEET_TYPES: &[&str] =
    &["application/octet-stream", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "text/csv"];

fn is_write(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn refuse(status: StatusCode, code: &'static str, message: Msg) -> Response {
    ApiError::new(status, code, message).into_response()
}

/// The request's own origin as a browser would write it: `http://` + its Host header.
fn own_origin(headers: &HeaderMap) -> Option<String> {
    headers.get(header::HOST).and_then(|h| h.to_str().ok()).map(|h| format!("http://{h}"))
}

/// The guard itself (axum middleware).
pub async fn guard(State(hosts): State<Arc<Hosts>>, request: Request, next: Next) -> Response {
    let headers = request.headers();
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or("");
    if !hosts.allows(host) {
        return with_security_headers(refuse(
            StatusCode::MISDIRECTED_REQUEST,
            "unknown_host",
            Msg::new("api.unknown_host").arg("host", format!("{host:?}")),
        ));
    }
    if is_write(request.method()) {
        // A browser names the page a request comes from; only this service's own page may
        // write. Clients that are not browsers send no Origin and are let through.
        let origin = headers.get(header::ORIGIN).and_then(|o| o.to_str().ok());
        let site = headers.get("sec-fetch-site").and_then(|o| o.to_str().ok());
        if origin.is_some_and(|o| Some(o.to_string()) != own_origin(headers)) || site == Some("cross-site") {
            return with_security_headers(refuse(
                StatusCode::FORBIDDEN,
                "cross_origin",
                Msg::new("api.cross_origin").arg("origin", origin.unwrap_or("?")),
            ));
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| v.split(';').next().unwrap_or("").trim().to_ascii_lowercase());
        let path = request.uri().path();
        let sheet = path.ends_with("/roster") || path.ends_with("/edit/workbook");
        let allowed = if sheet { SHEET_TYPES } else { JSON_TYPES };
        // A body is declared by its length or by chunked transfer; an empty request needs no type.
        let has_body = headers.contains_key(header::TRANSFER_ENCODING)
            || headers.get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).is_some_and(|v| v.trim() != "0");
        match content_type {
            Some(t) if allowed.contains(&t.as_str()) => {}
            None if !has_body => {}
            other => {
                return with_security_headers(refuse(
                    StatusCode::UNSUPPORTED_MEDIA_TYPE,
                    "unsupported_media_type",
                    Msg::new("api.unsupported_media_type")
                        .arg("got", other.as_deref().unwrap_or("—"))
                        .arg("allowed", allowed.join(", ")),
                ));
            }
        }
    }
    with_security_headers(next.run(request).await)
}

/// Add the security headers to a response.
pub fn with_security_headers(mut response: Response) -> Response {
    let h = response.headers_mut();
    for (name, value) in [
        (
            header::CONTENT_SECURITY_POLICY,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; connect-src 'self'; \
             object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
        (header::X_FRAME_OPTIONS, "DENY"),
        (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
        (header::REFERRER_POLICY, "no-referrer"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::Hosts;

    #[test]
    fn hosts_are_matched_without_port_or_case() {
        let hosts = Hosts::new(&["Planner.Example".into()]);
        for ok in ["127.0.0.1:8080", "localhost", "LOCALHOST:1", "[::1]:8080", "planner.example:80"] {
            assert!(hosts.allows(ok), "{ok}");
        }
        for bad in ["evil.example", "127.0.0.1.evil.example", "", "localhost.evil:80", "evil.example:127.0.0.1"] {
            assert!(!hosts.allows(bad), "{bad}");
        }
    }
}
