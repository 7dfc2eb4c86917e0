//! Request bodies, admitted before they are read: a body's declared size (or the limit,
//! when it declares none) is reserved from a service-wide budget of in-flight upload bytes
//! first (twice: the bytes and the document parsed from them), and the whole body must arrive
//! within the body timeout. So twenty clients sending the largest bodies at once hold at
//! most the budget in memory, and a client that trickles
//! its body holds nothing for long.

use std::sync::Arc;
use std::time::Duration;

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{header, StatusCode};
use http_body_util::BodyExt as _;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use crate::error::{too_large, ApiError};
use crate::App;
use sanlian_model::Msg;

/// The budget counts bytes in units of this size (a semaphore's permits are `u32`).
const UNIT: usize = 1024;

/// How long a body may wait for room in the upload budget before it is refused (503).
const ADMISSION_WAIT: Duration = Duration::from_secs(30);

/// The service-wide budget of in-flight upload bytes.
pub(crate) struct Budget {
    units: Arc<Semaphore>,
    total_units: usize,
}

impl Budget {
    /// A budget of `bytes` (at least one unit).
    pub(crate) fn new(bytes: usize) -> Budget {
        let total_units = bytes.div_ceil(UNIT).clamp(1, Semaphore::MAX_PERMITS.min(u32::MAX as usize));
        Budget { units: Arc::new(Semaphore::new(total_units)), total_units }
    }

    /// Bytes reserved by bodies being read or handled now.
    pub(crate) fn in_flight(&self) -> usize {
        (self.total_units - self.units.available_permits()) * UNIT
    }
}

/// A request body, read whole after admission; the reservation lasts as long as the value
/// (move it into the work that parses it).
pub struct Upload {
    /// The body.
    pub bytes: Bytes,
    _reserved: Option<OwnedSemaphorePermit>,
}

impl std::ops::Deref for Upload {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.bytes
    }
}

impl FromRequest<Arc<App>> for Upload {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, ApiError> {
        admit(request, app, app.config.body_limit, too_large).await
    }
}

/// The most bytes the options of a job may take ([`SmallBody`]): a few numbers.
pub const SMALL_BODY: usize = 4096;

/// A request body of a few options, refused (413) above [`SMALL_BODY`] bytes before more is
/// read, and admitted like every [`Upload`].
pub struct SmallBody(pub Upload);

impl std::ops::Deref for SmallBody {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0.bytes
    }
}

impl FromRequest<Arc<App>> for SmallBody {
    type Rejection = ApiError;

    async fn from_request(request: Request, app: &Arc<App>) -> Result<Self, ApiError> {
        let too_large = |limit: usize| {
            ApiError::new(
                StatusCode::PAYLOAD_TOO_LARGE,
                "too_large",
                Msg::new("api.options_too_large").arg("limit", limit),
            )
        };
        admit(request, app, SMALL_BODY.min(app.config.body_limit), too_large).await.map(SmallBody)
    }
}

/// Read a body of at most `limit` bytes after admission; `too_large` is the answer to a larger one.
async fn admit(
    request: Request,
    app: &Arc<App>,
    limit: usize,
    too_large: impl Fn(usize) -> ApiError,
) -> Result<Upload, ApiError> {
    let declared = request
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large(limit));
    }
    if declared == Some(0) {
        return Ok(Upload { bytes: Bytes::new(), _reserved: None });
    }
    // A body without a declared length may be as large as the limit: reserve that. A
    // body counts twice: its bytes, and the document parsed from them (a JSON string is
    // copied out of the text).
    let bytes = declared.map_or(limit, |n| n as usize);
    let units = (2 * bytes).div_ceil(UNIT).clamp(1, app.uploads.total_units) as u32;
    let reserved = match tokio::time::timeout(ADMISSION_WAIT, app.uploads.units.clone().acquire_many_owned(units)).await
    {
        Ok(Ok(permit)) => permit,
        Ok(Err(_)) => return Err(ApiError::internal("the upload budget is closed", "closed")),
        Err(_) => {
            let mut e = ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "busy", Msg::new("api.busy"));
            e.retry_after = Some(5);
            return Err(e);
        }
    };
    let mut body = http_body_util::Limited::new(request.into_body(), limit);
    let timeout = Duration::from_secs(app.config.body_timeout_seconds);
    // Frames are copied into one buffer of the declared size as they arrive, so that the
    // body is held once, not once in frames and again concatenated.
    let mut buf = Vec::with_capacity(declared.map_or(0, |n| n as usize));
    let read = async {
        while let Some(frame) = body.frame().await {
            if let Ok(data) = frame?.into_data() {
                buf.extend_from_slice(&data);
            }
        }
        Ok::<(), axum::BoxError>(())
    };
    match tokio::time::timeout(timeout, read).await {
        Ok(Ok(())) => Ok(Upload { bytes: Bytes::from(buf), _reserved: Some(reserved) }),
        Ok(Err(e)) if e.downcast_ref::<http_body_util::LengthLimitError>().is_some() => Err(too_large(limit)),
        Ok(Err(e)) => Err(ApiError::bad_request("bad_body", Msg::new("api.bad_body").arg("why", e))),
        Err(_) => Err(ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "body_timeout",
            Msg::new("api.body_timeout").arg("seconds", timeout.as_secs()),
        )),
    }
}
