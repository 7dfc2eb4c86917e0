//! sanlian as an HTTP service for planners: instances, plans and jobs in an embedded
//! SQLite store, solves queued in front of a fixed number of workers, and the web page.
//!
//! The crate is thin: planning is the solver's, re-verification the checker's, reasons
//! the explainer's, files the `sanlian-files` crate's. Here are only HTTP, the queue,
//! the store and the page. See `docs/http-api.md` and the OpenAPI document at
//! `/api/openapi.json`.

mod api;
pub mod auth;
pub mod backup;
mod boundaries;
pub mod error;
pub mod guard;
pub mod jobs;
pub mod rounds;
pub mod routes;
pub mod store;
pub mod upload;
pub mod versions;
mod view;

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::sync::{broadcast, mpsc, watch};

use sanlian_model::Instance;

pub use error::ApiError;
pub use store::Store;

/// How the service runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// Address to listen on; 127.0.0.1 unless told otherwise.
    pub addr: SocketAddr,
    /// The SQLite database file.
    pub db: PathBuf,
    /// Jobs run at the same time (each on its own blocking thread).
    pub workers: usize,
    /// Jobs that may wait; beyond this, submissions get 503 with Retry-After.
    pub queue: usize,
    /// Largest request body, bytes.
    pub body_limit: usize,
    /// Longest a running job may delay shutdown, seconds.
    pub drain_seconds: u64,
    /// Longest open requests may delay shutdown, seconds.
    pub request_drain_seconds: u64,
    /// Request bytes that may be in flight at once, over all uploads (`--upload-budget`).
    pub upload_budget: usize,
    /// Longest a client may take to send a request's headers, seconds.
    pub header_timeout_seconds: u64,
    /// Longest a client may take to send a request's body, seconds.
    pub body_timeout_seconds: u64,
    /// Most counterfactual re-solves one explanation request may make.
    pub max_counterfactuals: usize,
    /// Open connections at once; more wait in the listen backlog.
    pub max_connections: usize,
    /// Create the database even though its marker says one existed (`--init`).
    pub init: bool,
    /// Write an online backup into this directory every `backup_every` (`--backup-dir`).
    pub backup_dir: Option<PathBuf>,
    /// How often to back up (`--backup-every`, minutes); with `backup_dir`.
    pub backup_every: Duration,
    /// Host names it answers to besides 127.0.0.1, localhost and ::1 (`--allowed-host`).
    pub allowed_hosts: Vec<String>,
    /// No accounts: the one planner at this desk may do everything (`--single-user`; the
    /// loopback address only).
    pub single_user: bool,
    /// How long a session lasts, hours (`--session-hours`).
    pub session_hours: u64,
    /// Mark the session cookie `Secure` (`--secure-cookies`, behind an HTTPS proxy).
    pub secure_cookies: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            addr: SocketAddr::from(([127, 0, 0, 1], 8080)),
            db: PathBuf::from("sanlian.db"),
            workers: 2,
            queue: 64,
            body_limit: 64 * 1024 * 1024,
            drain_seconds: 60,
            request_drain_seconds: 10,
            upload_budget: 128 * 1024 * 1024,
            header_timeout_seconds: 10,
            body_timeout_seconds: 60,
            max_counterfactuals: 500,
            max_connections: 512,
            init: false,
            backup_dir: None,
            backup_every: Duration::from_secs(3600),
            allowed_hosts: Vec::new(),
            single_user: false,
            session_hours: 12,
            secure_cookies: false,
        }
    }
}

/// Why the service could not start or stopped with an error.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The database could not be opened.
    #[error("cannot open the database {path}: {source}")]
    Store {
        /// The file.
        path: PathBuf,
        /// Why.
        source: store::StoreError,
    },
    /// The address could not be bound.
    #[error("cannot listen on {addr}: {source}; is another server running there? choose another with --addr")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// Impossible settings.
    #[error("{0}")]
    Config(String),
    /// The server failed while running.
    #[error("the server stopped: {0}")]
    Io(#[from] std::io::Error),
}

/// Shared state of the service.
pub struct App {
    /// The embedded store.
    pub store: Store,
    /// The settings it runs with.
    pub config: Config,
    queue: mpsc::Sender<i64>,
    updates: broadcast::Sender<i64>,
    progress: Mutex<HashMap<i64, jobs::Progress>>,
    cancels: Mutex<HashMap<i64, Arc<std::sync::atomic::AtomicBool>>>,
    /// Running jobs' "stop and keep the best so far" flags ([`sanlian_solver::SolveOptions::settle`]).
    settles: Mutex<HashMap<i64, Arc<std::sync::atomic::AtomicBool>>>,
    /// Jobs whose state the store could not record (it could not be written), with why.
    store_faults: Mutex<HashMap<i64, sanlian_model::Msg>>,
    cache: Mutex<Vec<(i64, Arc<Instance>)>>,
    queued: AtomicUsize,
    running: AtomicUsize,
    /// Requests' blocking work running now (at most `workers`).
    requests_running: AtomicUsize,
    /// Slots for the blocking work of requests (explanations, views, files); jobs have the workers.
    compute: Arc<tokio::sync::Semaphore>,
    /// In-flight upload bytes.
    uploads: upload::Budget,
    /// Set when shutdown gave up waiting: running jobs are interrupted and queued again.
    interrupted: std::sync::atomic::AtomicBool,
    /// The last periodic backup: when, the file or the error.
    last_backup: Mutex<Option<backup::Outcome>>,
    shutdown: watch::Receiver<bool>,
    /// Failed logins, for the rate limit.
    pub(crate) logins: auth::LoginLimiter,
    /// Refused requests by kind ([`routes::Refusal`]): counted, never logged.
    pub(crate) refused: [AtomicU64; 6],
}

/// A started service: its address, and the handle to stop it.
pub struct Running {
    /// The address it listens on (the real port when asked for port 0).
    pub addr: SocketAddr,
    stop: watch::Sender<bool>,
    done: tokio::task::JoinHandle<Result<(), ServeError>>,
}

impl Running {
    /// Stop accepting, let running jobs finish (queued ones stay queued in the store),
    /// and wait for the end.
    pub async fn stop(self) -> Result<(), ServeError> {
        let _ = self.stop.send(true);
        self.done.await.map_err(|e| ServeError::Io(std::io::Error::other(e)))?
    }
}

/// Open the store, resume unfinished jobs, bind, and serve until [`Running::stop`].
pub async fn start(config: Config) -> Result<Running, ServeError> {
    if config.workers == 0 {
        return Err(ServeError::Config("--workers must be at least 1".into()));
    }
    if config.single_user && !config.addr.ip().is_loopback() {
        return Err(ServeError::Config(format!(
            "--single-user serves this machine only (no login): listen on 127.0.0.1, not {}; \
             to serve the network, create accounts with `sanlian user add` and start without --single-user",
            config.addr
        )));
    }
    if !(1..=24 * 30).contains(&config.session_hours) {
        return Err(ServeError::Config(format!(
            "--session-hours {}: must lie between 1 and 720",
            config.session_hours
        )));
    }
    let store = Store::open_with(&config.db, config.init)
        .map_err(|source| ServeError::Store { path: config.db.clone(), source })?;
    start_with(config, store).await
}

/// [`start`] with a store already open (an in-memory one for benchmarks).
pub async fn start_with(config: Config, store: Store) -> Result<Running, ServeError> {
    let listener = tokio::net::TcpListener::bind(config.addr)
        .await
        .map_err(|source| ServeError::Bind { addr: config.addr, source })?;
    let addr = listener.local_addr()?;
    if !config.single_user && store.users().map(|u| u.is_empty()).unwrap_or(false) {
        eprintln!(
            "sanlian: no accounts yet, so nobody can log in: create the first with \
             `sanlian user add NAME --role admin --db {}` (the password is read from standard input), \
             or start with --single-user to plan alone at this desk",
            config.db.display()
        );
    }
    let resumed = store.resume_jobs().map_err(|source| ServeError::Store { path: config.db.clone(), source })?;
    let (stop, shutdown) = watch::channel(false);
    let (queue, rx) = mpsc::channel(config.queue.max(1));
    let (updates, _) = broadcast::channel(1024);
    let app = Arc::new(App {
        store,
        queue,
        updates,
        progress: Mutex::new(HashMap::new()),
        cancels: Mutex::new(HashMap::new()),
        settles: Mutex::new(HashMap::new()),
        store_faults: Mutex::new(HashMap::new()),
        cache: Mutex::new(Vec::new()),
        queued: AtomicUsize::new(0),
        running: AtomicUsize::new(0),
        requests_running: AtomicUsize::new(0),
        compute: Arc::new(tokio::sync::Semaphore::new(config.workers)),
        uploads: upload::Budget::new(config.upload_budget),
        interrupted: std::sync::atomic::AtomicBool::new(false),
        last_backup: Mutex::new(None),
        shutdown: shutdown.clone(),
        logins: auth::LoginLimiter::default(),
        refused: Default::default(),
        config,
    });
    let workers = spawn_workers(&app, rx);
    if let Some(dir) = app.config.backup_dir.clone() {
        tokio::spawn(backup::every(app.clone(), dir));
    }
    if !resumed.is_empty() {
        tracing::info!(jobs = resumed.len(), "resuming jobs left unfinished by the previous run");
        let app = app.clone();
        tokio::spawn(async move {
            for id in resumed {
                app.queued.fetch_add(1, Ordering::Relaxed);
                if app.queue.send(id).await.is_err() {
                    break;
                }
            }
        });
    }
    let router = api::router(app.clone());
    let done = tokio::spawn(async move {
        serve(listener, router, &app).await;
        let drain = Duration::from_secs(app.config.drain_seconds);
        let mut workers = std::pin::pin!(futures_join(workers));
        if tokio::time::timeout(drain, &mut workers).await.is_err() {
            tracing::warn!("running jobs did not finish in time: they are interrupted and run again after the restart");
            app.interrupt_running();
            let _ = tokio::time::timeout(Duration::from_secs(5), workers).await;
        }
        Ok(())
    });
    Ok(Running { addr, stop, done })
}

/// Accept connections until shutdown, each served by hyper's HTTP/1 with a header read
/// timeout, at most `max_connections` at once; then let open requests finish for at most
/// `request_drain_seconds`.
async fn serve(listener: tokio::net::TcpListener, router: axum::Router, app: &Arc<App>) {
    use hyper_util::rt::{TokioIo, TokioTimer};
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(Duration::from_secs(app.config.header_timeout_seconds))
        .max_buf_size(64 * 1024);
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let connections = Arc::new(tokio::sync::Semaphore::new(app.config.max_connections.max(1)));
    let mut signal = app.shutdown.clone();
    loop {
        // Wait for a free connection slot before accepting: beyond the cap, clients wait in the backlog.
        let slot = tokio::select! {
            slot = connections.clone().acquire_owned() => match slot { Ok(s) => s, Err(_) => break },
            _ = stopping(&mut signal) => break,
        };
        let stream = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of file descriptors and the like: wait a moment instead of spinning.
                    tracing::warn!(%e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = stopping(&mut signal) => break,
        };
        let (stream, peer) = stream;
        // The peer's address, for the login rate limit.
        let service = tower::ServiceExt::map_request(
            router.clone(),
            move |mut request: hyper::Request<hyper::body::Incoming>| {
                request.extensions_mut().insert(axum::extract::ConnectInfo(peer));
                request
            },
        );
        let service = hyper_util::service::TowerToHyperService::new(service);
        let connection = graceful.watch(http.serve_connection(TokioIo::new(stream), service));
        tokio::spawn(async move {
            let _ = connection.await;
            drop(slot);
        });
    }
    drop(listener);
    let drain = Duration::from_secs(app.config.request_drain_seconds);
    if tokio::time::timeout(drain, graceful.shutdown()).await.is_err() {
        tracing::warn!("open requests did not finish within {} s; they are cut off", drain.as_secs());
    }
}

/// Resolves once shutdown has begun.
pub(crate) async fn stopping(rx: &mut watch::Receiver<bool>) {
    let _ = rx.wait_for(|s| *s).await;
}

async fn futures_join(handles: Vec<tokio::task::JoinHandle<()>>) {
    for h in handles {
        let _ = h.await;
    }
}

fn spawn_workers(app: &Arc<App>, rx: mpsc::Receiver<i64>) -> Vec<tokio::task::JoinHandle<()>> {
    let rx = Arc::new(tokio::sync::Mutex::new(rx));
    (0..app.config.workers)
        .map(|_| {
            let (app, rx) = (app.clone(), rx.clone());
            let mut shutdown = app.shutdown.clone();
            tokio::spawn(async move {
                loop {
                    let next = {
                        let mut rx = rx.lock().await;
                        tokio::select! {
                            id = rx.recv() => id,
                            _ = stopping(&mut shutdown) => None,
                        }
                    };
                    let Some(id) = next else { break };
                    app.queued.fetch_sub(1, Ordering::Relaxed);
                    app.running.fetch_add(1, Ordering::Relaxed);
                    let job = app.clone();
                    if let Err(e) = tokio::task::spawn_blocking(move || job.execute(id)).await {
                        tracing::error!(job = id, "a job panicked: {e}");
                        let _ = app
                            .store
                            .fail_job(id, &error::stored("internal", &sanlian_model::Msg::new("api.job_panicked")));
                    }
                    app.running.fetch_sub(1, Ordering::Relaxed);
                }
            })
        })
        .collect()
}

/// Serve until Ctrl-C or SIGTERM (the `sanlian serve` command): prints the address,
/// then drains running jobs on the way out.
pub fn run(config: Config) -> Result<(), ServeError> {
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build()?;
    let result = runtime.block_on(async move {
        let running = start(config).await?;
        println!("sanlian serving http://{}/ (Ctrl-C stops; queued jobs resume at the next start)", running.addr);
        wait_for_signal().await;
        tracing::info!("shutting down: no new requests; waiting for running jobs");
        running.stop().await
    });
    // Work still on blocking threads (a cut-off request's explanation) is not waited for.
    runtime.shutdown_timeout(Duration::from_secs(1));
    result
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
