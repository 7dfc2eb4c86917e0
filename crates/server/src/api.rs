//! Routes and handlers: parse and validate the request, call the engine or queue a job,
//! answer in JSON (or the file asked for). Every failure is an [`ApiError`].

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{FromRequestParts, Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use axum::response::{Html, IntoResponse, Response};
use axum::{Extension, Json, Router};
use serde::Deserialize;
use serde_json::{json, Value};
use tokio_stream::wrappers::ReceiverStream;
use tokio_stream::StreamExt as _;

use sanlian_explain::render::{explanation_with, Lang, Names};
use sanlian_explain::ExplainOptions;
use sanlian_model::{Events, Instance, Msg, Plan, Prepared};

use crate::auth::Who;
use crate::error::ApiError;
use crate::jobs::{JobView, RunRequest};
use crate::store::{Deleted, Labelled};
use crate::upload::Upload;
use crate::App;

type Shared = State<Arc<App>>;

/// A query string read into `T`; a malformed one is a JSON error like every other.
pub(crate) struct Query<T>(pub(crate) T);

impl<S: Send + Sync, T: serde::de::DeserializeOwned> FromRequestParts<S> for Query<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, _: &S) -> Result<Self, ApiError> {
        axum::extract::Query::<T>::try_from_uri(&parts.uri).map(|q| Query(q.0)).map_err(|e| {
            let why = std::error::Error::source(&e).map_or_else(|| e.to_string(), |s| s.to_string());
            ApiError::bad_request("invalid_query", Msg::new("api.invalid_query").arg("why", why)).at("query")
        })
    }
}
type Reply<T> = Result<T, ApiError>;

/// The fixtures the page can load without an upload.
const FIXTURES: [(&str, &str); 3] = [
    ("small", include_str!("../../../fixtures/small/instance.json")),
    ("shandong", include_str!("../../../fixtures/shandong/instance.json")),
    ("infeasible", include_str!("../../../fixtures/infeasible/instance.json")),
];

const INDEX_HTML: &str = include_str!("../assets/index.html");
const APP_JS: &str = include_str!("../assets/app.js");
const APP_CSS: &str = include_str!("../assets/app.css");
const OPENAPI: &str = include_str!("../assets/openapi.json");

/// Every route of the service.
pub fn router(app: Arc<App>) -> Router {
    let limit = app.config.body_limit;
    let hosts = Arc::new(crate::guard::Hosts::new(&app.config.allowed_hosts));
    crate::routes::router(&app)
        .fallback(|| async {
            ApiError::new(StatusCode::NOT_FOUND, "no_route", Msg::new("api.no_route"))
        })
        .method_not_allowed_fallback(|| async {
            ApiError::new(
                StatusCode::METHOD_NOT_ALLOWED,
                "method_not_allowed",
                Msg::new("api.method_not_allowed"),
            )
        })
        .layer(axum::middleware::from_fn_with_state(limit, refuse_declared_oversize))
        .layer(axum::middleware::from_fn_with_state(hosts, crate::guard::guard))
        // Outermost but for the log: every error, the guard's included, in the request's language.
        .layer(axum::middleware::from_fn(crate::error::localise))
        .layer(
            // The log names the method and the path only: a query string can carry names.
            tower_http::trace::TraceLayer::new_for_http()
                .make_span_with(|request: &axum::extract::Request| {
                    tracing::info_span!("request", method = %request.method(), path = %request.uri().path())
                })
                .on_response(tower_http::trace::DefaultOnResponse::new().level(tracing::Level::INFO)),
        )
        .with_state(app)
}

pub(crate) async fn index() -> Html<&'static str> {
    Html(INDEX_HTML)
}

pub(crate) async fn app_js() -> Response {
    asset("text/javascript; charset=utf-8", APP_JS)
}

pub(crate) async fn app_css() -> Response {
    asset("text/css; charset=utf-8", APP_CSS)
}

pub(crate) async fn openapi() -> Response {
    asset("application/json", OPENAPI)
}

/// Refuse a body whose declared length is over the limit before reading any of it
/// (a body without a declared length is cut off at the limit while it is read, see [`Upload`]).
async fn refuse_declared_oversize(
    State(limit): State<usize>,
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let declared =
        request.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return crate::error::too_large(limit).into_response();
    }
    next.run(request).await
}

fn asset(content_type: &'static str, text: &'static str) -> Response {
    ([(header::CONTENT_TYPE, content_type), (header::CACHE_CONTROL, "no-cache")], text).into_response()
}

/// A file to download, named for the planner.
pub(crate) fn download(content_type: &'static str, name: String, bytes: Vec<u8>) -> Response {
    let disposition = format!(
        "attachment; filename=\"{}\"; filename*=UTF-8''{}",
        ascii_name(&name),
        sanlian_files::percent_encode(&name)
    );
    let mut r = ([(header::CONTENT_TYPE, content_type)], bytes).into_response();
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        r.headers_mut().insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

fn ascii_name(name: &str) -> String {
    name.chars().map(|c| if c.is_ascii_alphanumeric() || ".-_".contains(c) { c } else { '_' }).collect()
}

fn id(kind: &str, raw: &str) -> Reply<i64> {
    raw.parse::<i64>()
        .map_err(|_| ApiError::not_found(Msg::new("api.id_not_a_number").noun("kind", kind).arg("id", raw)))
}

fn utf8<'a>(bytes: &'a [u8], what: &str) -> Reply<&'a str> {
    std::str::from_utf8(bytes).map_err(|e| {
        ApiError::bad_request("not_utf8", Msg::new("api.not_utf8").noun("what", what).arg("offset", e.valid_up_to()))
            .at(format!("byte {}", e.valid_up_to()))
    })
}

/// Run a request's blocking work (parsing, explanations, files) off the async threads,
/// with one of the request slots. The slot belongs to the work, not to the connection: a
/// client that goes away does not free it while its work still runs.
pub(crate) async fn blocking<T: Send + 'static>(
    app: &Arc<App>,
    f: impl FnOnce() -> Reply<T> + Send + 'static,
) -> Reply<T> {
    let slot =
        app.compute.clone().acquire_owned().await.map_err(|e| ApiError::internal("the worker pool is closed", e))?;
    let app = app.clone();
    tokio::task::spawn_blocking(move || {
        // Counted while the work runs, and uncounted even if it panics.
        struct Running {
            app: Arc<App>,
            _slot: tokio::sync::OwnedSemaphorePermit,
        }
        impl Drop for Running {
            fn drop(&mut self) {
                self.app.requests_running.fetch_sub(1, std::sync::atomic::Ordering::Relaxed);
            }
        }
        app.requests_running.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let _running = Running { app, _slot: slot };
        f()
    })
    .await
    .map_err(|e| ApiError::internal("a request failed unexpectedly", e))?
}

/// The service's state: 200 `ok`, or 503 `degraded` with the reasons (the store cannot be
/// written or its file is gone, job results were lost, the last backup failed).
pub(crate) async fn health(State(app): Shared) -> Response {
    use std::sync::atomic::Ordering::Relaxed;
    let app2 = app.clone();
    let store = tokio::task::spawn_blocking(move || app2.store.health())
        .await
        .unwrap_or_else(|e| health_failed(&e.to_string()));
    let mut problems = store.problems.clone();
    let lost = app.store_fault_count();
    if lost > 0 {
        problems.push(format!("{lost} job(s) could not be recorded in the database; their results are lost"));
    }
    let backup = app.last_backup.lock().unwrap_or_else(|p| p.into_inner()).clone();
    if let Some(error) = backup.as_ref().and_then(|b| b.error.as_ref()) {
        problems.push(format!("the last backup failed: {error}"));
    }
    let ok = problems.is_empty();
    let body = json!({
        "status": if ok { "ok" } else { "degraded" },
        "problems": problems,
        "version": env!("CARGO_PKG_VERSION"),
        "store": { "ok": store.ok, "path": app.config.db, "lost_jobs": lost },
        "backup": backup,
        "jobs": {
            "running": app.running.load(Relaxed),
            "queued": app.queued.load(Relaxed),
            "workers": app.config.workers,
            "queue_capacity": app.config.queue,
        },
        "requests": { "running": app.requests_running.load(Relaxed), "slots": app.config.workers },
        "uploads": { "in_flight_bytes": app.uploads.in_flight(), "budget_bytes": app.config.upload_budget },
        "body_limit": app.config.body_limit,
    });
    let status = if ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (status, Json(body)).into_response()
}

fn health_failed(why: &str) -> crate::store::StoreHealth {
    crate::store::StoreHealth { ok: false, problems: vec![format!("the store could not be checked: {why}")] }
}

/// The fixtures' summaries, read once from the embedded files.
pub(crate) async fn fixtures() -> Reply<Json<Value>> {
    static LIST: std::sync::OnceLock<Result<Value, String>> = std::sync::OnceLock::new();
    let list = LIST.get_or_init(|| {
        FIXTURES
            .iter()
            .map(|(name, text)| {
                let inst = Instance::from_json(text).map_err(|e| e.to_string())?;
                Ok(json!({
                    "id": name, "name": inst.name,
                    "counties": inst.region.counties.len(), "townships": inst.region.townships.len(), "cadres": inst.cadres.len(),
                }))
            })
            .collect::<Result<Vec<Value>, String>>()
            .map(Value::Array)
    });
    list.clone().map(Json).map_err(|e| ApiError::internal("an embedded fixture does not parse", e))
}

/// Parse, validate and store an instance: an upload (its reservation held until it is
/// stored) or an embedded fixture.
async fn store_instance(app: &Arc<App>, text: Text, source: String) -> Reply<(StatusCode, Json<Value>)> {
    let app2 = app.clone();
    let row = blocking(app, move || {
        let text = match &text {
            Text::Fixture(t) => t,
            Text::Upload(u) => utf8(u, "instance")?,
        };
        let inst = Instance::from_json(text).map_err(|e| ApiError::input(&e))?;
        Prepared::new(&inst).map_err(|e| ApiError::input(&e))?;
        let what = match source.strip_prefix("fixture:") {
            Some(name) => format!("示例 {name}"),
            None => "上传的实例".to_string(),
        };
        let id = app2
            .store
            .insert_instance(&inst, &source, text, &crate::store::label(&what))
            .map_err(|e| ApiError::store("cannot store the instance", &e))?;
        app2.store
            .instance(id)
            .map_err(|e| ApiError::internal("cannot read the instance back", e))?
            .ok_or_else(|| ApiError::internal("lost an instance", id))
    })
    .await?;
    tracing::info!(instance = row.id, cadres = row.cadres, "instance stored");
    Ok((StatusCode::CREATED, Json(serde_json::to_value(row).unwrap_or_default())))
}

pub(crate) async fn load_fixture(State(app): Shared, Path(name): Path<String>) -> Reply<(StatusCode, Json<Value>)> {
    let (_, text) = FIXTURES
        .iter()
        .find(|(n, _)| *n == name)
        .ok_or_else(|| ApiError::not_found(Msg::new("api.no_fixture").arg("name", &name)))?;
    store_instance(&app, Text::Fixture(text), format!("fixture:{name}")).await
}

/// An instance's text: embedded, or uploaded.
pub(crate) enum Text {
    Fixture(&'static str),
    Upload(Upload),
}

/// Whether `who` may read what `owner` owns (a city's or the province's roster and plans).
fn sees(who: &Who, owner: &Option<String>) -> bool {
    who.user().is_none_or(|u| {
        crate::routes::covers(
            u,
            &owner.clone().map_or(crate::routes::Owner::Province, crate::routes::Owner::City),
            true,
        )
    })
}

pub(crate) async fn instances(State(app): Shared, Extension(who): Extension<Who>) -> Reply<Json<Value>> {
    let rows = app.store.instances().map_err(|e| ApiError::internal("cannot list instances", e))?;
    let rows: Vec<_> = rows.into_iter().filter(|r| sees(&who, &r.city)).collect();
    Ok(Json(serde_json::to_value(rows).unwrap_or_default()))
}

pub(crate) async fn upload_instance(State(app): Shared, upload: Upload) -> Reply<(StatusCode, Json<Value>)> {
    store_instance(&app, Text::Upload(upload), "upload".into()).await
}

pub(crate) async fn instance(State(app): Shared, Path(raw): Path<String>) -> Reply<Response> {
    let id = id("instance", &raw)?;
    let text = app.store.instance_json(id).map_err(|e| ApiError::internal("cannot read the instance", e))?;
    let text = text.ok_or_else(|| ApiError::no_such("instance", id))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

pub(crate) async fn instance_summary(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<Value>> {
    let id = id("instance", &raw)?;
    let row = app.store.instance(id).map_err(|e| ApiError::internal("cannot read the instance", e))?;
    let row = row.ok_or_else(|| ApiError::no_such("instance", id))?;
    Ok(Json(serde_json::to_value(row).unwrap_or_default()))
}

/// The outlines of the instance's counties (GeoJSON), revalidated by their entity tag: the
/// text depends only on the instance, which never changes, and the embedded outlines.
pub(crate) async fn counties_geojson(
    State(app): Shared,
    Path(raw): Path<String>,
    headers: axum::http::HeaderMap,
) -> Reply<Response> {
    let id = id("instance", &raw)?;
    let app2 = app.clone();
    let body = blocking(&app, move || Ok(crate::boundaries::for_instance(&*app2.instance(id)?))).await?;
    let tag = crate::boundaries::etag(&body);
    let cache = [(header::CACHE_CONTROL, "no-cache".to_string()), (header::ETAG, tag.clone())];
    let matches = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    if matches {
        return Ok((StatusCode::NOT_MODIFIED, cache).into_response());
    }
    Ok((cache, [(header::CONTENT_TYPE, "application/geo+json")], body).into_response())
}

#[derive(Deserialize)]
pub(crate) struct FileName {
    name: Option<String>,
}

/// A roster spreadsheet for the region of instance `id`: a new instance with its cadres.
pub(crate) async fn upload_roster(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<FileName>,
    bytes: Upload,
) -> Reply<(StatusCode, Json<Value>)> {
    let id = id("instance", &raw)?;
    let base = app.instance(id)?;
    let file = q.name.unwrap_or_else(|| "roster".into());
    let app2 = app.clone();
    let lang = crate::error::current_lang();
    let (row, warnings) = blocking(&app, move || {
        let roster = sanlian_files::roster::read_roster_for(&bytes, &file, &base).map_err(|e| sheet_error(&e))?;
        let mut inst = (*base).clone();
        inst.cadres = roster.cadres;
        Prepared::new(&inst).map_err(|e| ApiError::input(&e))?;
        let text = serde_json::to_string(&inst).map_err(|e| ApiError::internal("cannot serialise the instance", e))?;
        let named = crate::store::label(&format!("名册 {}", short(&file, 60)));
        let new = app2
            .store
            .transaction(|tx| {
                let new = crate::store::insert_instance(tx, &inst, "roster", &text, &named)?;
                crate::store::inherit_owner(tx, new, id)?;
                Ok(new)
            })
            .map_err(|e| ApiError::store("cannot store the instance", &e))?;
        let row = app2.store.instance(new).map_err(|e| ApiError::internal("cannot read the instance back", e))?;
        Ok((row, roster.warnings))
    })
    .await?;
    let mut v = serde_json::to_value(row).unwrap_or_default();
    v["warnings"] = warnings
        .iter()
        .map(|w| json!({ "message": w.text(lang), "text": crate::error::both(&w.msg), "msg": w.msg }))
        .collect();
    Ok((StatusCode::CREATED, Json(v)))
}

/// 422 `invalid_sheet`: every problem of a roster, each with its place, as the details; the
/// first problem's place as the location.
fn sheet_error(e: &sanlian_files::SheetErrors) -> ApiError {
    let mut err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_sheet", e.heading_msg());
    err.details = e.details_msg();
    match e.errors.first() {
        Some(first) => err.at_msg(first.location_msg()),
        None => err,
    }
}

pub(crate) const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub(crate) const DOCX: &str = "application/vnd.openxmlformats-officedocument.wordprocessingml.document";

pub(crate) async fn roster_xlsx(State(app): Shared, Path(raw): Path<String>) -> Reply<Response> {
    let inst = app.instance(id("instance", &raw)?)?;
    let name = format!("{}-名册.xlsx", inst.name);
    let bytes = blocking(&app, move || {
        sanlian_files::roster::roster_xlsx(&inst).map_err(|e| ApiError::internal("cannot write the roster", e))
    })
    .await?;
    Ok(download(XLSX, name, bytes))
}

pub(crate) async fn roster_csv(State(app): Shared, Path(raw): Path<String>) -> Reply<Response> {
    let inst = app.instance(id("instance", &raw)?)?;
    Ok(download(
        "text/csv; charset=utf-8",
        format!("{}-名册.csv", inst.name),
        sanlian_files::roster::roster_csv(&inst).into_bytes(),
    ))
}

pub(crate) async fn template_xlsx(State(app): Shared, Path(raw): Path<String>) -> Reply<Response> {
    let inst = app.instance(id("instance", &raw)?)?;
    let bytes = blocking(&app, move || {
        sanlian_files::roster::template_xlsx(&inst.region)
            .map_err(|e| ApiError::internal("cannot write the template", e))
    })
    .await?;
    Ok(download(XLSX, "名册模板.xlsx".into(), bytes))
}

/// Parse an optional JSON body into `T` (empty body: the default).
fn options<T: Default + serde::de::DeserializeOwned>(bytes: &[u8], what: &str) -> Reply<T> {
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(bytes).map_err(|e| ApiError::json(what, &e))
}

pub(crate) async fn solve(
    State(app): Shared,
    Path(raw): Path<String>,
    bytes: Upload,
) -> Reply<(StatusCode, Json<JobView>)> {
    let id = id("instance", &raw)?;
    let req: RunRequest = options(&bytes, "solve options")?;
    req.validate()?;
    app.instance(id)?;
    let job = app.submit("solve", id, None, &serde_json::to_value(&req).unwrap_or_default(), None)?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// A plan made elsewhere: stored when the checker accepts it (it must belong to the
/// instance and break no rule), refused with the first violation otherwise.
pub(crate) async fn upload_plan(
    State(app): Shared,
    Path(raw): Path<String>,
    bytes: Upload,
) -> Reply<(StatusCode, Json<Value>)> {
    let id = id("instance", &raw)?;
    let inst = app.instance(id)?;
    let app2 = app.clone();
    blocking(&app, move || {
        let text = utf8(&bytes, "plan")?;
        let plan = Plan::from_json(text).map_err(|e| ApiError::input(&e))?;
        let report = sanlian_check::check(&inst, &plan).map_err(|e| ApiError::input(&e))?;
        let foreign: Vec<String> = report.mismatches();
        if !foreign.is_empty() {
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "plan_mismatch",
                Msg::new("api.plan_mismatch").arg("id", id).arg("why", foreign.join("; ")),
            ));
        }
        if !report.is_valid() {
            // ARCHITECTURE invariant 10: a plan the checker rejects is never stored.
            let first = report.violations.first().map(|v| v.to_string()).unwrap_or_default();
            return Err(ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "plan_invalid",
                Msg::new("api.plan_invalid").arg("count", report.violations.len()).arg("first", first),
            ));
        }
        let pid = app2
            .store
            .insert_plan(id, &plan, true, "upload", text, &crate::store::label("上传的计划"))
            .map_err(|e| ApiError::store("cannot store the plan", &e))?;
        Ok((StatusCode::CREATED, Json(json!({ "id": pid, "instance": id, "valid": true, "check": report }))))
    })
    .await
}

pub(crate) async fn scenarios(
    State(app): Shared,
    Path(raw): Path<String>,
    bytes: Upload,
) -> Reply<(StatusCode, Json<JobView>)> {
    let id = id("instance", &raw)?;
    let inst = app.instance(id)?;
    // The spec is read and its size checked before anything is built; the variants are
    // then checked as recipes (to find every other mistake; none is built here), all off
    // the async threads.
    let invalid = |e: sanlian_scenarios::SpecError| {
        ApiError::bad_request("invalid_spec", Msg::new("api.invalid_spec").arg("why", &e)).at(e.path)
    };
    let app2 = app.clone();
    let job = blocking(&app, move || {
        let text = utf8(&bytes, "scenario spec")?;
        let spec = sanlian_scenarios::Spec::from_json(text)
            .map_err(|e| ApiError::bad_request("invalid_spec", Msg::new("api.invalid_spec").arg("why", e)))?;
        sanlian_scenarios::budget(&inst, &spec).map_err(invalid)?;
        let count = sanlian_scenarios::recipes(&inst, &spec).map(|v| v.len()).map_err(invalid)?;
        app2.submit("scenarios", id, None, &json!({ "variants": count }), Some(text))
    })
    .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// A trade-offs job: its options (a few numbers, at most
/// [`SMALL_BODY`](crate::upload::SMALL_BODY) bytes) checked and the instance admitted before
/// it is queued.
pub(crate) async fn tradeoffs(
    State(app): Shared,
    Path(raw): Path<String>,
    bytes: crate::upload::SmallBody,
) -> Reply<(StatusCode, Json<JobView>)> {
    let id = id("instance", &raw)?;
    let req = crate::jobs::TradeoffRequest::parse(&bytes)?;
    req.validate()?;
    let inst = app.instance(id)?;
    crate::jobs::tradeoffs_admit(id, &inst)?;
    let job = app.submit("tradeoffs", id, None, &serde_json::to_value(&req).unwrap_or_default(), None)?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

#[derive(Deserialize)]
pub(crate) struct Wait {
    /// Hold the answer until the job finishes or this many seconds pass (at most 60).
    wait: Option<f64>,
}

/// Watches one job: each call of [`JobWatch::next`] waits for its next change.
pub(crate) struct JobWatch {
    app: Arc<App>,
    id: i64,
    updates: tokio::sync::broadcast::Receiver<i64>,
    shutdown: tokio::sync::watch::Receiver<bool>,
}

impl JobWatch {
    /// Subscribe first, then read the job, so no change between the two is missed.
    fn start(app: &Arc<App>, id: i64) -> Reply<(JobWatch, JobView)> {
        let updates = app.updates.subscribe();
        let view = app.job(id)?;
        Ok((JobWatch { app: app.clone(), id, updates, shutdown: app.shutdown.clone() }, view))
    }

    /// The job after its next change; none when the server is stopping or the job is gone.
    async fn next(&mut self) -> Option<JobView> {
        use tokio::sync::broadcast::error::RecvError;
        loop {
            tokio::select! {
                got = self.updates.recv() => match got {
                    Ok(j) if j != self.id => continue,
                    Ok(_) | Err(RecvError::Lagged(_)) => return self.app.job(self.id).ok(),
                    Err(RecvError::Closed) => return None,
                },
                _ = crate::stopping(&mut self.shutdown) => return None,
            }
        }
    }
}

pub(crate) async fn job(State(app): Shared, Path(raw): Path<String>, Query(q): Query<Wait>) -> Reply<Json<JobView>> {
    let (mut watch, mut view) = JobWatch::start(&app, id("job", &raw)?)?;
    let Some(wait) = q.wait.filter(|w| w.is_finite() && *w > 0.0) else { return Ok(Json(view)) };
    let deadline = tokio::time::sleep(Duration::from_secs_f64(wait.min(60.0)));
    tokio::pin!(deadline);
    while !view.finished() {
        tokio::select! {
            next = watch.next() => match next {
                Some(v) => view = v,
                None => break,
            },
            _ = &mut deadline => break,
        }
    }
    Ok(Json(view))
}

/// `text` without control characters, cut to `n` characters (a file name made a label).
fn short(text: &str, n: usize) -> String {
    text.chars().filter(|c| !c.is_control()).take(n).collect()
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct Relabel {
    label: Option<String>,
    author: Option<String>,
}

/// Rename an instance or a plan, or sign a plan: `{"label": "…"}` (1–120 characters),
/// `{"author": "…"}` (plans only, 0–60 characters), or both; no control characters.
async fn relabel(app: Arc<App>, what: Labelled, raw: String, upload: Upload) -> Reply<Json<Value>> {
    let noun = what.noun();
    let id = id(noun, &raw)?;
    let app2 = app.clone();
    blocking(&app, move || {
        let text = utf8(&upload, "label")?;
        let body: Relabel = sanlian_model::validate::from_json("label", text).map_err(|e| ApiError::input(&e))?;
        let invalid = |msg: Msg, at: &str| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_input", msg).at(at);
        if body.label.is_none() && body.author.is_none() {
            return Err(invalid(Msg::new("api.patch_empty"), "label"));
        }
        let label = body.label.as_deref().map(str::trim);
        if let Some(label) = label {
            let count = label.chars().count();
            if count == 0 || count > crate::store::MAX_LABEL || label.chars().any(char::is_control) {
                let msg = Msg::new("api.bad_label").arg("most", crate::store::MAX_LABEL).arg("count", count);
                return Err(invalid(msg, "label"));
            }
        }
        let author = body.author.as_deref().map(str::trim);
        if let Some(author) = author {
            if what != Labelled::Plan {
                return Err(invalid(Msg::new("api.author_of_plans"), "author"));
            }
            let count = author.chars().count();
            if count > crate::store::MAX_AUTHOR || author.chars().any(char::is_control) {
                let msg = Msg::new("api.bad_author").arg("most", crate::store::MAX_AUTHOR).arg("count", count);
                return Err(invalid(msg, "author"));
            }
        }
        let mut found = true;
        if let Some(label) = label {
            found = app2.store.relabel(what, id, label).map_err(|e| ApiError::store("cannot rename", &e))?;
        }
        if let (true, Some(author)) = (found, author) {
            found = app2.store.set_author(id, author).map_err(|e| ApiError::store("cannot set the author", &e))?;
        }
        if !found {
            return Err(ApiError::no_such(noun, id));
        }
        let row = match what {
            Labelled::Plan => app2.store.plan(id).map(|r| serde_json::to_value(r).unwrap_or_default()),
            Labelled::Instance => app2.store.instance(id).map(|r| serde_json::to_value(r).unwrap_or_default()),
        };
        row.map(Json).map_err(|e| ApiError::internal("cannot read it back", e))
    })
    .await
}

pub(crate) async fn relabel_instance(
    State(app): Shared,
    Path(raw): Path<String>,
    upload: Upload,
) -> Reply<Json<Value>> {
    relabel(app, Labelled::Instance, raw, upload).await
}

pub(crate) async fn relabel_plan(State(app): Shared, Path(raw): Path<String>, upload: Upload) -> Reply<Json<Value>> {
    relabel(app, Labelled::Plan, raw, upload).await
}

/// Delete a plan, or an instance with its plans; 409 while a job works on it.
async fn delete(app: Arc<App>, what: Labelled, raw: String) -> Reply<Json<Value>> {
    let noun = what.noun();
    let id = id(noun, &raw)?;
    let app2 = app.clone();
    blocking(&app, move || match app2.store.delete(what, id).map_err(|e| ApiError::store("cannot delete", &e))? {
        Deleted::Done => {
            if what == Labelled::Instance {
                app2.forget_instance(id);
            }
            tracing::info!(id, kind = noun, "deleted");
            Ok(Json(json!({ "deleted": noun, "id": id })))
        }
        Deleted::Missing => Err(ApiError::no_such(noun, id)),
        Deleted::Busy(n) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "in_use",
            Msg::new("api.in_use").arg("jobs", n).noun("kind", noun).arg("id", id),
        )),
        Deleted::InRound(round) => Err(ApiError::new(
            StatusCode::CONFLICT,
            "in_round",
            Msg::new("api.in_round").noun("kind", noun).arg("id", id).arg("round", round),
        )),
    })
    .await
}

pub(crate) async fn delete_instance(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<Value>> {
    delete(app, Labelled::Instance, raw).await
}

pub(crate) async fn delete_plan(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<Value>> {
    delete(app, Labelled::Plan, raw).await
}

/// Stop a job: a queued one never runs, a running one stops within moments and stores nothing.
pub(crate) async fn cancel_job(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<JobView>> {
    let id = id("job", &raw)?;
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || app2.cancel(id))
        .await
        .map_err(|e| ApiError::internal("cancelling failed unexpectedly", e))?
        .map(Json)
}

/// Stop a running job and keep its best result so far (solve, scenarios): it ends `done`.
pub(crate) async fn stop_job(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<JobView>> {
    let id = id("job", &raw)?;
    let app2 = app.clone();
    tokio::task::spawn_blocking(move || app2.stop(id))
        .await
        .map_err(|e| ApiError::internal("stopping failed unexpectedly", e))?
        .map(Json)
}

/// Server-sent events: the job as JSON at every change, until it finishes.
pub(crate) async fn job_events(
    State(app): Shared,
    Path(raw): Path<String>,
) -> Reply<Sse<impl tokio_stream::Stream<Item = Result<Event, Infallible>>>> {
    let (mut watch, first) = JobWatch::start(&app, id("job", &raw)?)?;
    let (tx, rx) = tokio::sync::mpsc::channel::<JobView>(16);
    tokio::spawn(async move {
        let mut view = Some(first);
        while let Some(v) = view {
            let finished = v.finished();
            if tx.send(v).await.is_err() || finished {
                break;
            }
            view = watch.next().await;
        }
    });
    let stream = ReceiverStream::new(rx).map(|view| {
        let data = serde_json::to_string(&view).unwrap_or_else(|_| "{}".into());
        Ok(Event::default().event("job").data(data))
    });
    Ok(Sse::new(stream).keep_alive(KeepAlive::default()))
}

pub(crate) async fn plans(State(app): Shared, Extension(who): Extension<Who>) -> Reply<Json<Value>> {
    let rows = app.store.plans().map_err(|e| ApiError::internal("cannot list plans", e))?;
    let owners = app.store.owners().map_err(|e| ApiError::internal("cannot list plans", e))?;
    let rows: Vec<_> =
        rows.into_iter().filter(|r| owners.get(&r.instance).is_some_and(|owner| sees(&who, owner))).collect();
    Ok(Json(serde_json::to_value(rows).unwrap_or_default()))
}

pub(crate) async fn plan(State(app): Shared, Path(raw): Path<String>) -> Reply<Response> {
    let id = id("plan", &raw)?;
    let (_, text) = app
        .store
        .plan_json(id)
        .map_err(|e| ApiError::internal("cannot read the plan", e))?
        .ok_or_else(|| ApiError::no_such("plan", id))?;
    Ok(([(header::CONTENT_TYPE, "application/json")], text).into_response())
}

pub(crate) async fn plan_summary(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<Value>> {
    let id = id("plan", &raw)?;
    let row = app
        .store
        .plan(id)
        .map_err(|e| ApiError::internal("cannot read the plan", e))?
        .ok_or_else(|| ApiError::no_such("plan", id))?;
    Ok(Json(serde_json::to_value(row).unwrap_or_default()))
}

/// How far up the versions' parents the service looks for a common line.
const MAX_LINEAGE: usize = 256;

/// Whether `descendant` was made, through re-plans, from `ancestor`.
fn descends(app: &Arc<App>, descendant: i64, ancestor: i64) -> Reply<bool> {
    let mut at = descendant;
    for _ in 0..MAX_LINEAGE {
        let row = app.store.plan(at).map_err(|e| ApiError::internal("cannot read the plan", e))?;
        match row.and_then(|r| r.parent) {
            Some(p) if p == ancestor => return Ok(true),
            Some(p) => at = p,
            None => return Ok(false),
        }
    }
    Ok(false)
}

/// Two versions and the instance that names them: their own when they share it, else the
/// later one's when one was re-planned from the other (its instance knows who left and
/// joined); 409 otherwise.
type Versions = (Arc<Instance>, Plan, Plan, (i64, i64));

fn versions(app: &Arc<App>, raw_a: &str, raw_b: &str) -> Reply<Versions> {
    let (a, b) = (id("plan", raw_a)?, id("plan", raw_b)?);
    let (ia, plan_a) = app.plan(a)?;
    let (ib, plan_b) = app.plan(b)?;
    let names_from = if ia == ib || descends(app, b, a)? {
        ib
    } else if descends(app, a, b)? {
        ia
    } else {
        return Err(ApiError::new(
            StatusCode::CONFLICT,
            "different_instances",
            Msg::new("api.plans_unrelated").arg("a", a).arg("b", b).arg("ia", ia).arg("ib", ib),
        ));
    };
    Ok((app.instance(names_from)?, plan_a, plan_b, (a, b)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct DiffQuery {
    lang: Option<String>,
}

/// The language asked for: `?lang=` if given, else the request's `Accept-Language`.
fn lang_or_header(raw: Option<&str>) -> Reply<Lang> {
    match raw {
        Some(_) => lang(raw),
        None => Ok(crate::error::current_lang()),
    }
}

/// What changed from plan `a` to plan `b`: the comparison as data, and in words.
pub(crate) async fn plan_diff(
    State(app): Shared,
    Path((raw_a, raw_b)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> Reply<Json<Value>> {
    let lang = lang_or_header(q.lang.as_deref())?;
    let app2 = app.clone();
    blocking(&app, move || {
        let (inst, a, b, (ida, idb)) = versions(&app2, &raw_a, &raw_b)?;
        let rows = |id: i64| app2.store.plan(id).map_err(|e| ApiError::internal("cannot read the plan", e));
        let d = sanlian_explain::diff(&inst, &a, &b);
        let text = sanlian_explain::render::plan_diff(&d, lang);
        let lines: Vec<Value> = sanlian_explain::render::diff_rows(&d, lang)
            .into_iter()
            .map(|[name, cadre, unit, what, from, to]| {
                json!({ "name": name, "cadre": cadre, "unit": unit, "what": what, "from": from, "to": to })
            })
            .collect();
        Ok(Json(json!({
            "a": rows(ida)?,
            "b": rows(idb)?,
            "lang": if lang == Lang::Zh { "zh" } else { "en" },
            "diff": d,
            "rows": lines,
            "text": text,
        })))
    })
    .await
}

/// The same comparison as a workbook: 变更明细 and 费用变化.
pub(crate) async fn plan_diff_xlsx(
    State(app): Shared,
    Path((raw_a, raw_b)): Path<(String, String)>,
    Query(q): Query<DiffQuery>,
) -> Reply<Response> {
    let lang = lang_or_header(q.lang.as_deref())?;
    let app2 = app.clone();
    let (name, bytes) = blocking(&app, move || {
        let (inst, a, b, (ida, idb)) = versions(&app2, &raw_a, &raw_b)?;
        let d = sanlian_explain::diff(&inst, &a, &b);
        let bytes =
            crate::versions::diff_workbook(&d, lang).map_err(|e| ApiError::internal("cannot write the workbook", e))?;
        Ok((format!("{}-方案对比-{ida}-{idb}.xlsx", inst.name), bytes))
    })
    .await?;
    Ok(download(XLSX, name, bytes))
}

/// A plan and its instance, loaded together.
fn loaded(app: &Arc<App>, raw: &str) -> Reply<(Arc<Instance>, Plan, i64)> {
    let pid = id("plan", raw)?;
    let (iid, plan) = app.plan(pid)?;
    Ok((app.instance(iid)?, plan, iid))
}

pub(crate) async fn check(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<Value>> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    blocking(&app, move || {
        let report = sanlian_check::check(&inst, &plan).map_err(|e| ApiError::input(&e))?;
        Ok(Json(json!({ "valid": report.is_valid(), "report": report })))
    })
    .await
}

#[derive(Deserialize)]
pub(crate) struct ExplainQuery {
    cadre: Option<String>,
    county: Option<String>,
    lang: Option<String>,
    format: Option<String>,
}

fn lang(raw: Option<&str>) -> Reply<Lang> {
    match raw.unwrap_or("zh") {
        "zh" => Ok(Lang::Zh),
        "en" => Ok(Lang::En),
        other => Err(ApiError::bad_request(
            "invalid_option",
            Msg::new("api.bad_option").arg("option", "lang").arg("value", other).arg("offered", "zh, en"),
        )
        .at("lang")),
    }
}

/// The explanation of a plan (a cadre, a county, or the whole), as text or JSON.
pub(crate) async fn explain(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<ExplainQuery>,
) -> Reply<Response> {
    let lang = lang(q.lang.as_deref())?;
    let json_out = match q.format.as_deref().unwrap_or("text") {
        "text" => false,
        "json" => true,
        other => {
            return Err(ApiError::bad_request(
                "invalid_option",
                Msg::new("api.bad_option").arg("option", "format").arg("value", other).arg("offered", "text, json"),
            )
            .at("format"))
        }
    };
    let (inst, plan, _) = loaded(&app, &raw)?;
    let max_counterfactuals = Some(app.config.max_counterfactuals);
    blocking(&app, move || {
        let prep = Prepared::new(&inst).map_err(|e| ApiError::input(&e))?;
        let opts = ExplainOptions { cadre: q.cadre.clone(), county: q.county.clone(), max_counterfactuals };
        let e = sanlian_explain::explain(&prep, &plan, &opts).map_err(|e| match e {
            sanlian_explain::ExplainError::Unknown(m) => {
                ApiError::not_found(Msg::new("api.explain_unknown").arg("why", m))
            }
            sanlian_explain::ExplainError::Infeasible => {
                ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "infeasible", Msg::new("api.explain_infeasible"))
            }
            other => ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                "explain_failed",
                Msg::new("api.explain_failed").arg("why", other),
            ),
        })?;
        if json_out {
            Ok(Json(json!({ "explanation": e })).into_response())
        } else {
            let text = explanation_with(&e, lang, &Names::of(&inst));
            Ok(([(header::CONTENT_TYPE, "text/plain; charset=utf-8")], text).into_response())
        }
    })
    .await
}

pub(crate) async fn view(State(app): Shared, Path(raw): Path<String>) -> Reply<Json<Value>> {
    let (inst, plan, iid) = loaded(&app, &raw)?;
    let pid = id("plan", &raw)?;
    let source =
        app.store.instance(iid).map_err(|e| ApiError::internal("cannot read the instance", e))?.map(|r| r.source);
    let mut board = blocking(&app, move || crate::view::board(&inst, &plan, pid, iid)).await?;
    board["source"] = json!(source);
    Ok(Json(board))
}

pub(crate) async fn reassign(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(req): Query<RunRequest>,
    bytes: Upload,
) -> Reply<(StatusCode, Json<JobView>)> {
    req.validate()?;
    let pid = id("plan", &raw)?;
    let (inst, plan, iid) = loaded(&app, &raw)?;
    let app2 = app.clone();
    let job = blocking(&app, move || {
        let text = utf8(&bytes, "events")?;
        let events = Events::from_json(text).map_err(|e| ApiError::input(&e))?;
        events.apply(&inst, &plan).map_err(|e| ApiError::input(&e))?;
        app2.submit("reassign", iid, Some(pid), &serde_json::to_value(&req).unwrap_or_default(), Some(text))
    })
    .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct AlternativesQuery {
    cadre: Option<String>,
    county: Option<String>,
    township: Option<String>,
    year: Option<i32>,
    k: Option<usize>,
}

/// Most alternatives one request repairs.
const MAX_ALTERNATIVES: usize = 10;

/// The top-k alternatives for a cadre (`?cadre=`), a county's leader (`?county=`) or a
/// township-year (`?township=&year=`), each repaired exactly; `k` at most 10 (default 5).
pub(crate) async fn alternatives(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<AlternativesQuery>,
) -> Reply<Json<Value>> {
    use sanlian_explain::alternatives::{alternatives, AlternativesError, Subject};
    let k = q.k.unwrap_or(5);
    if k == 0 || k > MAX_ALTERNATIVES {
        return Err(ApiError::bad_request(
            "invalid_option",
            Msg::new("api.bad_option").arg("option", "k").arg("value", k).arg("offered", "1–10"),
        )
        .at("k"));
    }
    let subject = match (q.cadre, q.county, q.township, q.year) {
        (Some(c), None, None, None) => Subject::Cadre(c),
        (None, Some(k), None, None) => Subject::Leader(k),
        (None, None, Some(t), Some(y)) => Subject::Township(t, y),
        _ => {
            return Err(ApiError::bad_request(
                "invalid_option",
                Msg::new("api.bad_option")
                    .arg("option", "cadre | county | township+year")
                    .arg("value", "?")
                    .arg("offered", "cadre=ID, county=CODE, township=CODE&year=YYYY"),
            )
            .at("query"))
        }
    };
    let (inst, plan, _) = loaded(&app, &raw)?;
    blocking(&app, move || {
        let opts = sanlian_solver::SolveOptions::default();
        let list = alternatives(&inst, &plan, &subject, k, &opts).map_err(|e| match e {
            AlternativesError::Unknown(m) => ApiError::not_found(Msg::new("api.explain_unknown").arg("why", m)),
            AlternativesError::Input(e) => ApiError::input(&e),
        })?;
        let names = Names::of(&inst);
        let items: Vec<Value> = list
            .alternatives
            .iter()
            .map(|a| {
                let mut v = serde_json::to_value(a).unwrap_or_default();
                v["text"] = json!({ "zh": names.edit(&a.edit, Lang::Zh), "en": names.edit(&a.edit, Lang::En) });
                v
            })
            .collect();
        Ok(Json(json!({ "alternatives": items, "ruled_out": list.ruled_out, "considered": list.considered })))
    })
    .await
}

/// Most edits one request may make (a workbook of every cadre changed in every field).
pub(crate) const MAX_EDITS: usize = 10_000;

/// The edits of a request, parsed and bounded (their number, each one's months) before
/// anything is done with them: one edit object, or `{"edits": [...]}`.
pub(crate) fn parse_edits(bytes: &[u8]) -> Reply<Vec<sanlian_explain::edit::Edit>> {
    use sanlian_explain::edit::Edit;
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Batch {
        edits: Vec<Edit>,
    }
    let text = utf8(bytes, "edit")?;
    let batch = serde_json::from_str::<Value>(text).ok().is_some_and(|v| v.get("edits").is_some());
    let edits = if batch {
        sanlian_model::validate::from_json::<Batch>("edits", text).map_err(|e| ApiError::input(&e))?.edits
    } else {
        vec![sanlian_model::validate::from_json::<Edit>("edit", text).map_err(|e| ApiError::input(&e))?]
    };
    let too_many = |len: usize, what: &str, most: usize, at: String| {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_edit",
            Msg::new("input.too_many").arg("len", len).noun("what", what).arg("most", most),
        )
        .at(&at)
    };
    if edits.is_empty() || edits.len() > MAX_EDITS {
        return Err(too_many(edits.len(), "edits", MAX_EDITS, "edits".into()));
    }
    for (i, edit) in edits.iter().enumerate() {
        if let Edit::Months { months, .. } = edit {
            if months.len() > 24 {
                let at = if batch { format!("edits[{i}].months") } else { "months".into() };
                return Err(too_many(months.len(), "months", 24, at));
            }
        }
    }
    Ok(edits)
}

/// The words of `edits` in both languages: the edit itself, or the first and how many more.
pub(crate) fn edits_text(names: &Names, edits: &[sanlian_explain::edit::Edit]) -> Value {
    let text = |lang| match edits {
        [one] => names.edit(one, lang),
        [first, rest @ ..] => {
            Msg::new("api.edits_text").arg("first", names.edit(first, lang)).arg("count", rest.len()).text(lang)
        }
        [] => String::new(),
    };
    json!({ "zh": text(Lang::Zh), "en": text(Lang::En) })
}

/// An edit's answer as the page reads it: the rules broken (in both languages), the stage
/// and unit deltas.
fn answer_json(names: &Names, answer: &sanlian_explain::edit::EditAnswer) -> Value {
    let broken: Vec<Value> = answer
        .broken
        .iter()
        .map(|b| {
            let text = |lang| {
                let colon = if lang == Lang::Zh { "：" } else { ": " };
                let why = if lang == Lang::Zh { String::new() } else { format!(" — {}", b.message) };
                format!(
                    "{}{colon}{}{why}",
                    sanlian_explain::render::rule_label(&b.rule, lang),
                    names.subject(&b.subject, lang)
                )
            };
            json!({ "rule": b.rule, "subject": b.subject, "message": b.message,
                    "text": { "zh": text(Lang::Zh), "en": text(Lang::En) } })
        })
        .collect();
    let mut v = json!({
        "edits": answer.edits,
        "text": edits_text(names, &answer.edits),
        "valid": answer.valid,
        "broken": broken,
        "stages": answer.stages,
        "units": answer.units,
        "travel": answer.travel,
        "stay": answer.stay,
    });
    if let [one] = &answer.edits[..] {
        v["edit"] = json!(one);
    }
    v
}

/// An edit (or several) answered at once: the rules it breaks (in both languages), the stage
/// and unit deltas; nothing is stored.
pub(crate) async fn edit(State(app): Shared, Path(raw): Path<String>, bytes: Upload) -> Reply<Json<Value>> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    blocking(&app, move || {
        let edits = parse_edits(&bytes)?;
        let prep = Prepared::new(&inst).map_err(|e| ApiError::input(&e))?;
        let rules = sanlian_check::Rules::new(&inst).map_err(|e| ApiError::input(&e))?;
        let answer = sanlian_explain::edit::apply_edits(&prep, &rules, &plan, &edits).map_err(|(i, e)| {
            let err = ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_edit", e.0);
            if edits.len() > 1 {
                err.at(format!("edits[{i}]"))
            } else {
                err
            }
        })?;
        Ok(Json(answer_json(&Names::of(&inst), &answer)))
    })
    .await
}

/// An edited plan workbook (its 汇总 sheet) read as edits of plan `id` and answered as an
/// edit is: each edit with the cell it was read from, what was ignored, the rules broken and
/// the deltas; nothing is stored. A sheet edited into nonsense is a 422 naming its cells.
pub(crate) async fn edit_workbook(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<FileName>,
    bytes: Upload,
) -> Reply<Json<Value>> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    let file = q.name.unwrap_or_else(|| "plan.xlsx".into());
    let lang = crate::error::current_lang();
    blocking(&app, move || {
        let read = sanlian_files::read_plan_edits(&bytes, &file, &inst, &plan).map_err(|e| sheet_error(&e))?;
        let notes: Vec<Value> = read
            .notes
            .iter()
            .map(|n| json!({ "message": n.text(lang), "text": crate::error::both(&n.msg), "msg": n.msg }))
            .collect();
        let names = Names::of(&inst);
        let edits: Vec<sanlian_explain::edit::Edit> = read.edits.iter().map(|e| e.edit.clone()).collect();
        let placed: Vec<Value> = read
            .edits
            .iter()
            .map(|e| {
                json!({
                    "edit": e.edit,
                    "text": { "zh": names.edit(&e.edit, Lang::Zh), "en": names.edit(&e.edit, Lang::En) },
                    "at": crate::error::both(&e.at),
                })
            })
            .collect();
        if edits.is_empty() {
            return Ok(Json(json!({ "edits": [], "placed": [], "notes": notes })));
        }
        if edits.len() > MAX_EDITS {
            let msg = Msg::new("input.too_many").arg("len", edits.len()).noun("what", "edits").arg("most", MAX_EDITS);
            return Err(ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_edit", msg));
        }
        let prep = Prepared::new(&inst).map_err(|e| ApiError::input(&e))?;
        let rules = sanlian_check::Rules::new(&inst).map_err(|e| ApiError::input(&e))?;
        let answer = sanlian_explain::edit::apply_edits(&prep, &rules, &plan, &edits).map_err(|(i, e)| {
            ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_edit", e.0).at_msg(read.edits[i].at.clone())
        })?;
        let mut v = answer_json(&names, &answer);
        v["placed"] = json!(placed);
        v["notes"] = json!(notes);
        Ok(Json(v))
    })
    .await
}

/// The repair around an edit, as a job: the plan changed as little as possible with the edit
/// kept, stored as a new plan (and its instance, the edit added as locks).
pub(crate) async fn edit_repair(
    State(app): Shared,
    Path(raw): Path<String>,
    bytes: Upload,
) -> Reply<(StatusCode, Json<JobView>)> {
    let pid = id("plan", &raw)?;
    let (inst, plan, iid) = loaded(&app, &raw)?;
    let app2 = app.clone();
    let job = blocking(&app, move || {
        let edits = parse_edits(&bytes)?;
        let prep = Prepared::new(&inst).map_err(|e| ApiError::input(&e))?;
        let rules = sanlian_check::Rules::new(&inst).map_err(|e| ApiError::input(&e))?;
        sanlian_explain::edit::apply_edits(&prep, &rules, &plan, &edits)
            .map_err(|(_, e)| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_edit", e.0))?;
        // The edits kept as locks must be able to hold (H2, H3, …) before a job is queued.
        let mut locked = (*inst).clone();
        locked.locks.extend(sanlian_explain::edit::edits_locks(&prep, &plan, &edits));
        Prepared::new(&locked).map_err(|e| ApiError::input(&e))?;
        let body = serde_json::to_string(&json!({ "edits": edits }))
            .map_err(|e| ApiError::internal("cannot serialise the edits", e))?;
        app2.submit("edit_repair", iid, Some(pid), &json!({}), Some(&body))
    })
    .await?;
    Ok((StatusCode::ACCEPTED, Json(job)))
}

#[derive(Deserialize)]
pub(crate) struct CityQuery {
    city: Option<String>,
}

/// The city a `?city=` names — its code, its name or its name without 市 — as (code, name);
/// 404 naming the cities there are otherwise.
fn city_of(inst: &Instance, city: Option<&str>) -> Result<Option<(String, String)>, ApiError> {
    let Some(text) = city else { return Ok(None) };
    match sanlian_files::find_city(&inst.region, text) {
        Some(c) => Ok(Some((c.code.clone(), c.name.clone()))),
        None => {
            let some: Vec<&str> = inst.region.cities.iter().take(3).map(|c| c.name.as_str()).collect();
            Err(ApiError::not_found(Msg::new("api.no_city").arg("city", text).arg("some", some.join("、"))).at("city"))
        }
    }
}

/// A download's file name: the instance's, with the city's before the kind when filtered.
fn file_name(inst: &Instance, city: &Option<(String, String)>, kind: &str) -> String {
    match city {
        Some((_, name)) => format!("{}-{name}-{kind}", inst.name),
        None => format!("{}-{kind}", inst.name),
    }
}

pub(crate) async fn plan_xlsx(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<CityQuery>,
) -> Reply<Response> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    let city = city_of(&inst, q.city.as_deref())?;
    let name = file_name(&inst, &city, "工作组.xlsx");
    let bytes = blocking(&app, move || {
        sanlian_files::workbook::plan_xlsx(&inst, &plan, city.as_ref().map(|(code, _)| code.as_str()))
            .map_err(|e| ApiError::internal("cannot write the workbook", e))
    })
    .await?;
    Ok(download(XLSX, name, bytes))
}

/// The kinds of document of a plan a city files: the file name's tail, its content type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Document {
    /// 报到名单, docx.
    Checkin,
    /// 经费测算表, xlsx.
    BudgetXlsx,
    /// 经费测算表, docx.
    BudgetDocx,
}

impl Document {
    pub(crate) fn name(self) -> &'static str {
        match self {
            Document::Checkin => "报到名单.docx",
            Document::BudgetXlsx => "经费测算表.xlsx",
            Document::BudgetDocx => "经费测算表.docx",
        }
    }

    pub(crate) fn content_type(self) -> &'static str {
        match self {
            Document::Checkin | Document::BudgetDocx => DOCX,
            Document::BudgetXlsx => XLSX,
        }
    }

    /// The document's bytes for the groups in `city` (a code) and `county` (a code), or all.
    pub(crate) fn render(
        self,
        inst: &Instance,
        plan: &Plan,
        city: Option<&str>,
        county: Option<&str>,
    ) -> Reply<Vec<u8>> {
        let scope = sanlian_files::Scope::new(&inst.region, city, county)
            .map_err(|e| ApiError::not_found(Msg::new("loc.raw").arg("at", &e)))?;
        match self {
            Document::Checkin => sanlian_files::checkin::checkin_docx(inst, plan, &scope),
            Document::BudgetXlsx => sanlian_files::budget::budget_xlsx(inst, plan, &scope),
            Document::BudgetDocx => sanlian_files::budget::budget_docx(inst, plan, &scope),
        }
        .map_err(|e| ApiError::internal("cannot write the document", e))
    }
}

/// `GET /api/plans/{id}/checkin.docx` (报到 lists, a page per county group), `budget.xlsx` and
/// `budget.docx` (经费测算表 per dispatching unit); `?city=` narrows to one city.
pub(crate) async fn plan_document(app: Arc<App>, raw: String, q: CityQuery, kind: Document) -> Reply<Response> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    let city = city_of(&inst, q.city.as_deref())?;
    let name = file_name(&inst, &city, kind.name());
    let bytes =
        blocking(&app, move || kind.render(&inst, &plan, city.as_ref().map(|(code, _)| code.as_str()), None)).await?;
    Ok(download(kind.content_type(), name, bytes))
}

/// The letters (函告) to the counties' Party organisation departments, a letter a page.
pub(crate) async fn letters_docx(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<CityQuery>,
) -> Reply<Response> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    let city = city_of(&inst, q.city.as_deref())?;
    let name = file_name(&inst, &city, "函告.docx");
    let bytes = blocking(&app, move || {
        sanlian_files::letters_docx(&inst, &plan, city.as_ref().map(|(code, _)| code.as_str()))
            .map_err(|e| ApiError::internal("cannot write the letters", e))
    })
    .await?;
    Ok(download(DOCX, name, bytes))
}

pub(crate) async fn table_csv(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<CityQuery>,
) -> Reply<Response> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    let city = city_of(&inst, q.city.as_deref())?;
    let text = sanlian_files::table::csv_of(&inst, &plan, city.as_ref().map(|(code, _)| code.as_str()));
    Ok(download("text/csv; charset=utf-8", file_name(&inst, &city, "工作组.csv"), text.into_bytes()))
}

#[derive(Deserialize)]
pub(crate) struct MapQuery {
    colour: Option<String>,
}

pub(crate) async fn map_svg(State(app): Shared, Path(raw): Path<String>, Query(q): Query<MapQuery>) -> Reply<Response> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    let svg = match q.colour.as_deref().unwrap_or("city") {
        "city" => sanlian_files::map::svg(&inst, &plan),
        "year" => sanlian_files::map::svg_by_year(&inst, &plan),
        other => {
            return Err(ApiError::bad_request(
                "invalid_option",
                Msg::new("api.bad_option").arg("option", "colour").arg("value", other).arg("offered", "city, year"),
            )
            .at("colour"))
        }
    };
    Ok(download("image/svg+xml", format!("{}-地图.svg", inst.name), svg.into_bytes()))
}

#[derive(Deserialize)]
pub(crate) struct CadreQuery {
    cadre: Option<String>,
    city: Option<String>,
}

pub(crate) async fn calendar(
    State(app): Shared,
    Path(raw): Path<String>,
    Query(q): Query<CadreQuery>,
) -> Reply<Response> {
    let (inst, plan, _) = loaded(&app, &raw)?;
    let city = city_of(&inst, q.city.as_deref())?;
    let stamp = chrono::Utc::now().naive_utc();
    let name = match &q.cadre {
        Some(c) => format!("{c}.ics"),
        None => file_name(&inst, &city, "下沉日历.ics"),
    };
    let code = city.as_ref().map(|(code, _)| code.as_str());
    let text = sanlian_files::calendar::ics_of(&inst, &plan, q.cadre.as_deref(), code, stamp)
        .map_err(|e| ApiError::not_found(Msg::new("api.calendar").arg("why", e)).at("cadre"))?;
    Ok(download("text/calendar; charset=utf-8", name, text.into_bytes()))
}
