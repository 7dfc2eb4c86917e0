//! The embedded store: instances, plans and jobs in one SQLite file (WAL, synchronous
//! FULL), so that a stored plan survives a restart or a kill.
//!
//! Rows are written once and read many times; a job row moves queued → running →
//! done | failed, and a plan is stored in the same transaction as its job's result.

use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use sanlian_model::Msg;
use serde::Serialize;

/// A failure of the store (disk, corruption): reported as a 500, detail in the log.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// SQLite failed.
    #[error("storage: {0}")]
    Sql(#[from] rusqlite::Error),
    /// A file beside the database (its marker, a backup) could not be written or read.
    #[error("storage: {path}: {source}")]
    File {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The database is gone but its marker says it existed: starting afresh would hide the loss.
    #[error(
        "the database {db} is missing, but {marker} says one was created there: restore it from a backup \
         (docs/http-api.md, \"Backups\") or, to begin with an empty database on purpose, start with --init"
    )]
    Missing {
        /// The database file.
        db: PathBuf,
        /// Its marker.
        marker: PathBuf,
    },
}

impl StoreError {
    /// A fault of the storage itself (disk full, read-only, I/O, corruption), not of a request.
    pub fn is_fault(&self) -> bool {
        use rusqlite::ffi::ErrorCode::*;
        match self {
            StoreError::Sql(rusqlite::Error::SqliteFailure(e, _)) => matches!(
                e.code,
                DiskFull
                    | SystemIoFailure
                    | ReadOnly
                    | CannotOpen
                    | DatabaseCorrupt
                    | NotADatabase
                    | FileLockingProtocolFailed
            ),
            StoreError::Sql(_) => false,
            StoreError::File { .. } | StoreError::Missing { .. } => true,
        }
    }
}

/// How long a failed write keeps health degraded after it happened.
const FAULT_SHOWN: Duration = Duration::from_secs(15 * 60);

/// What the store knows of its own state, for the health report.
#[derive(Debug, Clone, Serialize)]
pub struct StoreHealth {
    /// ok, or degraded with the problems.
    pub ok: bool,
    /// What is wrong, for people.
    pub problems: Vec<String>,
}

/// An instance as listed.
#[derive(Debug, Clone, Serialize)]
pub struct InstanceRow {
    /// Id.
    pub id: i64,
    /// The instance's own label.
    pub name: String,
    /// When it was stored (UTC, RFC 3339).
    pub created: String,
    /// First plan year.
    pub first_year: i32,
    /// Counties (working groups).
    pub counties: usize,
    /// Townships to cover.
    pub townships: usize,
    /// Cadres on the roster.
    pub cadres: usize,
    /// Where it came from: `upload`, `fixture:small`, `roster`, `reassign`.
    pub source: String,
    /// What the planner calls it (given at storing, e.g. "调整：P012 离岗 · 12-03 14:58";
    /// renamed with PATCH).
    pub label: String,
    /// The city that owns it (a city's sub-instance in a round, and what was made from it);
    /// none for the province's.
    pub city: Option<String>,
}

/// A plan as listed.
#[derive(Debug, Clone, Serialize)]
pub struct PlanRow {
    /// Id.
    pub id: i64,
    /// The instance it belongs to.
    pub instance: i64,
    /// When it was stored.
    pub created: String,
    /// strict or best_effort.
    pub mode: String,
    /// The checker's verdict when it was stored.
    pub valid: bool,
    /// Where it came from: `solve`, `reassign`, `upload`.
    pub source: String,
    /// What the planner calls it (renamed with PATCH).
    pub label: String,
    /// Who made or signed this version (set with PATCH; "" until then).
    pub author: String,
    /// The plan this version was made from (a re-plan's plan in force); none for a solve
    /// or an upload, or once that plan is deleted.
    pub parent: Option<i64>,
}

/// What a planner can rename or delete.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Labelled {
    /// An instance (with its plans, when deleted).
    Instance,
    /// A plan.
    Plan,
}

impl Labelled {
    fn table(self) -> &'static str {
        match self {
            Labelled::Instance => "instances",
            Labelled::Plan => "plans",
        }
    }

    /// "instance" or "plan": the word for messages, and the column of `jobs` that names one.
    pub fn noun(self) -> &'static str {
        match self {
            Labelled::Instance => "instance",
            Labelled::Plan => "plan",
        }
    }
}

/// What a delete did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Deleted {
    /// Gone, with the finished jobs that named it.
    Done,
    /// There was none.
    Missing,
    /// Kept: this many queued or running jobs work on it.
    Busy(usize),
    /// Kept: a province–city round holds it (a city's sub-instance, a submitted or approved plan).
    InRound(i64),
}

/// A job as stored (the API adds its live progress).
#[derive(Debug, Clone, Serialize)]
pub struct JobRow {
    /// Id.
    pub id: i64,
    /// solve, reassign or scenarios.
    pub kind: String,
    /// The instance it works on.
    pub instance: i64,
    /// The plan it works on (reassign).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub plan: Option<i64>,
    /// queued, running, done or failed.
    pub state: String,
    /// Submitted (UTC, RFC 3339).
    pub created: String,
    /// Started.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started: Option<String>,
    /// Finished.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub finished: Option<String>,
    /// The request's options (JSON).
    #[serde(skip)]
    pub request: String,
    /// The result (done).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub result: Option<serde_json::Value>,
    /// The error (failed).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<serde_json::Value>,
}

/// The store: one connection behind a mutex (writes are short; solves run outside it).
pub struct Store {
    conn: Mutex<Connection>,
    /// The file and its identity (device, inode) when opened; none in memory.
    file: Option<(PathBuf, FileId)>,
    /// The last write probe: when, and what it found.
    probe: Mutex<Option<(Instant, Result<(), String>)>>,
    /// The last storage fault: when (also as text), and the error.
    last_fault: Mutex<Option<(Instant, String, String)>>,
}

/// A file's identity: device and inode (on Unix), so that a replaced or deleted database
/// is noticed.
type FileId = (u64, u64);

fn file_id(path: &Path) -> Option<FileId> {
    let meta = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        Some((meta.dev(), meta.ino()))
    }
    #[cfg(not(unix))]
    {
        Some((meta.len(), 0))
    }
}

/// The marker beside a database: it says that the database was created here.
pub fn marker_of(db: &Path) -> PathBuf {
    let mut name = db.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".marker");
    db.with_file_name(name)
}

/// Add `column` to `table` of a database made before it existed.
fn add_column(conn: &Connection, table: &str, column: &str, declaration: &str) -> rusqlite::Result<()> {
    let has = conn.prepare(&format!("SELECT 1 FROM pragma_table_info('{table}') WHERE name = ?1"))?.exists([column])?;
    if !has {
        conn.execute_batch(&format!("ALTER TABLE {table} ADD COLUMN {column} {declaration}"))?;
    }
    Ok(())
}

/// How often health writes to the database to see that it can.
const PROBE_EVERY: Duration = Duration::from_secs(5);

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS instances (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    created TEXT NOT NULL,
    first_year INTEGER NOT NULL,
    counties INTEGER NOT NULL,
    townships INTEGER NOT NULL,
    cadres INTEGER NOT NULL,
    source TEXT NOT NULL,
    json TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT ''
);
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY,
    instance INTEGER NOT NULL REFERENCES instances(id),
    created TEXT NOT NULL,
    mode TEXT NOT NULL,
    valid INTEGER NOT NULL,
    source TEXT NOT NULL,
    json TEXT NOT NULL,
    label TEXT NOT NULL DEFAULT '',
    author TEXT NOT NULL DEFAULT '',
    parent INTEGER
);
CREATE TABLE IF NOT EXISTS probe (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    instance INTEGER NOT NULL REFERENCES instances(id),
    plan INTEGER REFERENCES plans(id),
    state TEXT NOT NULL,
    created TEXT NOT NULL,
    started TEXT,
    finished TEXT,
    request TEXT NOT NULL,
    body TEXT,
    result TEXT,
    error TEXT,
    attempts INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    hash TEXT NOT NULL,
    role TEXT NOT NULL,
    city TEXT,
    county TEXT,
    disabled INTEGER NOT NULL DEFAULT 0,
    created TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS sessions (
    token TEXT PRIMARY KEY,
    user INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created TEXT NOT NULL,
    expires TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user TEXT NOT NULL,
    action TEXT NOT NULL,
    subject TEXT NOT NULL,
    status INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS rounds (
    id INTEGER PRIMARY KEY,
    instance INTEGER NOT NULL REFERENCES instances(id),
    label TEXT NOT NULL,
    created TEXT NOT NULL,
    author TEXT NOT NULL,
    allocation TEXT NOT NULL,
    province_plan TEXT NOT NULL,
    prices TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS round_cities (
    round INTEGER NOT NULL REFERENCES rounds(id),
    city TEXT NOT NULL,
    name TEXT NOT NULL,
    instance INTEGER NOT NULL REFERENCES instances(id),
    state TEXT NOT NULL,
    version INTEGER NOT NULL DEFAULT 0,
    plan INTEGER REFERENCES plans(id),
    approved INTEGER REFERENCES plans(id),
    PRIMARY KEY (round, city)
);
CREATE TABLE IF NOT EXISTS transitions (
    id INTEGER PRIMARY KEY,
    round INTEGER NOT NULL REFERENCES rounds(id),
    city TEXT NOT NULL,
    version INTEGER NOT NULL,
    from_state TEXT NOT NULL,
    to_state TEXT NOT NULL,
    user TEXT NOT NULL,
    at TEXT NOT NULL,
    comment TEXT NOT NULL,
    groups TEXT NOT NULL,
    plan INTEGER
);
";

/// The current time, UTC, RFC 3339 to the second.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Store {
    /// Open (or create) the database at `path` in WAL mode with full syncs.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        Store::open_with(path, true)
    }

    /// Open the database at `path`; create it only when it never existed there (no marker
    /// beside it) or when `init` says to. A database that was created and is now gone is
    /// an error, not a fresh start. The marker is written once the database is open.
    pub fn open_with(path: &Path, init: bool) -> Result<Store, StoreError> {
        let marker = marker_of(path);
        if !path.exists() && marker.exists() && !init {
            return Err(StoreError::Missing { db: path.to_path_buf(), marker });
        }
        let mut store = Store::init(Connection::open(path)?)?;
        if !marker.exists() {
            let text = format!(
                "The sanlian database {} was created here on {}.\nIf it is missing, restore it from a backup; \
                 `sanlian serve --init` starts an empty one instead.\n",
                path.display(),
                now()
            );
            std::fs::write(&marker, text).map_err(|source| StoreError::File { path: marker.clone(), source })?;
        }
        store.file = file_id(path).map(|id| (path.to_path_buf(), id));
        Ok(store)
    }

    /// A private in-memory store (tests, benchmarks).
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    /// The store's real state: the file is still the one opened, and a write lands
    /// (probed at most every few seconds).
    pub fn health(&self) -> StoreHealth {
        let mut problems = Vec::new();
        if let Some((path, id)) = &self.file {
            match file_id(path) {
                None => problems.push(format!(
                    "the database file {} has been deleted: what is written now is lost at the next restart",
                    path.display()
                )),
                Some(now) if now != *id => problems.push(format!(
                    "the database file {} has been replaced by another file since the service opened it",
                    path.display()
                )),
                Some(_) => {}
            }
        }
        let mut probe = self.probe.lock().unwrap_or_else(|p| p.into_inner());
        let fresh = probe.as_ref().is_some_and(|(at, _)| at.elapsed() < PROBE_EVERY);
        if !fresh {
            let result = self
                .with(|c| {
                    c.execute(
                        "INSERT INTO probe (id, at) VALUES (1, ?1) ON CONFLICT (id) DO UPDATE SET at = excluded.at",
                        [now()],
                    )
                })
                .map(|_| ())
                .map_err(|e| e.to_string());
            *probe = Some((Instant::now(), result));
        }
        if let Some((_, Err(e))) = probe.as_ref() {
            problems.push(format!("the database cannot be written: {e}"));
        }
        drop(probe);
        if let Some((at, when, e)) = self.last_fault.lock().unwrap_or_else(|p| p.into_inner()).as_ref() {
            if at.elapsed() < FAULT_SHOWN {
                problems.push(format!("a write to the database failed at {when}: {e}"));
            }
        }
        StoreHealth { ok: problems.is_empty(), problems }
    }

    /// Copy the whole database, consistently, to `dest` while it stays in use (SQLite's
    /// online backup), through a temporary file renamed into place.
    pub fn backup_to(&self, dest: &Path) -> Result<(), StoreError> {
        let tmp = dest.with_extension("partial");
        let _ = std::fs::remove_file(&tmp);
        {
            let conn = self.conn.lock().unwrap_or_else(|p| p.into_inner());
            let mut out = Connection::open(&tmp)?;
            let backup = rusqlite::backup::Backup::new(&conn, &mut out)?;
            backup.run_to_completion(256, Duration::from_millis(0), None)?;
        }
        std::fs::rename(&tmp, dest).map_err(|source| StoreError::File { path: dest.to_path_buf(), source })
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        // Databases made before jobs counted their attempts, and before instances and plans
        // had labels, gain the columns (an empty label: the page shows the name and time).
        add_column(&conn, "jobs", "attempts", "INTEGER NOT NULL DEFAULT 0")?;
        add_column(&conn, "instances", "label", "TEXT NOT NULL DEFAULT ''")?;
        add_column(&conn, "plans", "label", "TEXT NOT NULL DEFAULT ''")?;
        // Plans became versions: who made them, and the plan each was made from.
        add_column(&conn, "plans", "author", "TEXT NOT NULL DEFAULT ''")?;
        add_column(&conn, "plans", "parent", "INTEGER")?;
        // Instances became owned: NULL is the province's, a city code a city committee's.
        add_column(&conn, "instances", "city", "TEXT")?;
        Ok(Store { conn: Mutex::new(conn), file: None, probe: Mutex::new(None), last_fault: Mutex::new(None) })
    }

    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let result = f(&mut conn).map_err(StoreError::from);
        if let Err(e) = &result {
            if e.is_fault() {
                *self.last_fault.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((Instant::now(), now(), e.to_string()));
            }
        }
        result
    }

    /// Run `f` in one transaction: all of its writes land, or none.
    pub fn transaction<T>(&self, f: impl FnOnce(&Transaction) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        self.with(|conn| {
            let tx = conn.transaction()?;
            let out = f(&tx)?;
            tx.commit()?;
            Ok(out)
        })
    }

    /// Store an instance (already validated) with its summary numbers.
    pub fn insert_instance(
        &self,
        inst: &sanlian_model::Instance,
        source: &str,
        json: &str,
        label: &str,
    ) -> Result<i64, StoreError> {
        self.transaction(|tx| insert_instance(tx, inst, source, json, label))
    }

    /// Rename an instance or a plan; false when there is none.
    pub fn relabel(&self, what: Labelled, id: i64, label: &str) -> Result<bool, StoreError> {
        let sql = format!("UPDATE {} SET label = ?2 WHERE id = ?1", what.table());
        self.with(|c| c.execute(&sql, params![id, label]).map(|n| n > 0))
    }

    /// Set a plan's author; false when there is no such plan.
    pub fn set_author(&self, id: i64, author: &str) -> Result<bool, StoreError> {
        self.with(|c| c.execute("UPDATE plans SET author = ?2 WHERE id = ?1", params![id, author]).map(|n| n > 0))
    }

    /// Delete a plan, or an instance with its plans, and the finished jobs that name them; a
    /// queued or running job that names them keeps them (`Err(Busy)`).
    pub fn delete(&self, what: Labelled, id: i64) -> Result<Deleted, StoreError> {
        self.transaction(|tx| {
            let column = what.noun();
            let exists: bool = tx.prepare(&format!("SELECT 1 FROM {} WHERE id = ?1", what.table()))?.exists([id])?;
            if !exists {
                return Ok(Deleted::Missing);
            }
            let busy: i64 = tx.query_row(
                &format!("SELECT count(*) FROM jobs WHERE {column} = ?1 AND state IN ('queued', 'running')"),
                [id],
                |r| r.get(0),
            )?;
            if busy > 0 {
                return Ok(Deleted::Busy(busy as usize));
            }
            let held = match what {
                Labelled::Plan => {
                    "SELECT round FROM round_cities WHERE plan = ?1 OR approved = ?1
                                   UNION SELECT round FROM transitions WHERE plan = ?1"
                }
                Labelled::Instance => {
                    "SELECT round FROM round_cities WHERE instance = ?1
                                       UNION SELECT id FROM rounds WHERE instance = ?1
                                       UNION SELECT round FROM round_cities WHERE plan IN
                                           (SELECT id FROM plans WHERE instance = ?1)"
                }
            };
            if let Some(round) = tx.query_row(held, [id], |r| r.get::<_, i64>(0)).optional()? {
                return Ok(Deleted::InRound(round));
            }
            match what {
                Labelled::Plan => {
                    // Its children keep their content, not a parent that is gone.
                    tx.execute("UPDATE plans SET parent = NULL WHERE parent = ?1", [id])?;
                    tx.execute("DELETE FROM jobs WHERE plan = ?1", [id])?;
                    tx.execute("DELETE FROM plans WHERE id = ?1", [id])?;
                }
                Labelled::Instance => {
                    tx.execute(
                        "DELETE FROM jobs WHERE instance = ?1 OR plan IN (SELECT id FROM plans WHERE instance = ?1)",
                        [id],
                    )?;
                    tx.execute(
                        "UPDATE plans SET parent = NULL WHERE parent IN (SELECT id FROM plans WHERE instance = ?1)",
                        [id],
                    )?;
                    tx.execute("DELETE FROM plans WHERE instance = ?1", [id])?;
                    tx.execute("DELETE FROM instances WHERE id = ?1", [id])?;
                }
            }
            Ok(Deleted::Done)
        })
    }

    /// An instance's JSON.
    pub fn instance_json(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.with(|c| c.query_row("SELECT json FROM instances WHERE id = ?1", [id], |r| r.get(0)).optional())
    }

    /// An instance's summary.
    pub fn instance(&self, id: i64) -> Result<Option<InstanceRow>, StoreError> {
        self.with(|c| {
            c.query_row(&format!("SELECT {INSTANCE_COLUMNS} FROM instances WHERE id = ?1"), [id], instance_row)
                .optional()
        })
    }

    /// All instances, newest first.
    pub fn instances(&self) -> Result<Vec<InstanceRow>, StoreError> {
        self.with(|c| {
            let mut st = c.prepare(&format!("SELECT {INSTANCE_COLUMNS} FROM instances ORDER BY id DESC"))?;
            let rows = st.query_map([], instance_row)?.collect();
            rows
        })
    }

    /// A plan's instance id and JSON.
    pub fn plan_json(&self, id: i64) -> Result<Option<(i64, String)>, StoreError> {
        self.with(|c| {
            c.query_row("SELECT instance, json FROM plans WHERE id = ?1", [id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()
        })
    }

    /// A plan's summary.
    pub fn plan(&self, id: i64) -> Result<Option<PlanRow>, StoreError> {
        self.with(|c| {
            c.query_row(&format!("SELECT {PLAN_COLUMNS} FROM plans WHERE id = ?1"), [id], plan_row).optional()
        })
    }

    /// All plans, newest first.
    pub fn plans(&self) -> Result<Vec<PlanRow>, StoreError> {
        self.with(|c| {
            let mut st = c.prepare(&format!("SELECT {PLAN_COLUMNS} FROM plans ORDER BY id DESC"))?;
            let rows = st.query_map([], plan_row)?.collect();
            rows
        })
    }

    /// Store a plan of `instance` outside any job (an uploaded plan).
    pub fn insert_plan(
        &self,
        instance: i64,
        plan: &sanlian_model::Plan,
        valid: bool,
        source: &str,
        json: &str,
        label: &str,
    ) -> Result<i64, StoreError> {
        self.transaction(|tx| insert_plan(tx, instance, plan, valid, source, json, label, None))
    }

    /// Queue a job; `body` is the uploaded document it works on (events, spec), if any.
    pub fn insert_job(
        &self,
        kind: &str,
        instance: i64,
        plan: Option<i64>,
        request: &str,
        body: Option<&str>,
    ) -> Result<i64, StoreError> {
        self.with(|c| {
            c.execute(
                "INSERT INTO jobs (kind, instance, plan, state, created, request, body) VALUES (?1, ?2, ?3, 'queued', ?4, ?5, ?6)",
                params![kind, instance, plan, now(), request, body],
            )?;
            Ok(c.last_insert_rowid())
        })
    }

    /// Forget a job that could not be queued after all.
    pub fn delete_job(&self, id: i64) -> Result<(), StoreError> {
        self.with(|c| c.execute("DELETE FROM jobs WHERE id = ?1", [id]).map(|_| ()))
    }

    /// A job.
    pub fn job(&self, id: i64) -> Result<Option<JobRow>, StoreError> {
        self.with(|c| c.query_row(&format!("SELECT {JOB_COLUMNS} FROM jobs WHERE id = ?1"), [id], job_row).optional())
    }

    /// A job's uploaded document.
    pub fn job_body(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.with(|c| {
            c.query_row("SELECT body FROM jobs WHERE id = ?1", [id], |r| r.get(0)).optional().map(Option::flatten)
        })
    }

    /// Mark a job running and count the attempt; false when it is no longer queued (it was
    /// cancelled).
    pub fn start_job(&self, id: i64) -> Result<bool, StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET state = 'running', started = ?2, attempts = attempts + 1
                 WHERE id = ?1 AND state IN ('queued', 'running')",
                params![id, now()],
            )
            .map(|n| n == 1)
        })
    }

    /// Mark a queued or running job failed with an error object (a cancelled job stays so).
    pub fn fail_job(&self, id: i64, error: &serde_json::Value) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET state = 'failed', finished = ?2, error = ?3 WHERE id = ?1 AND state IN ('queued', 'running')",
                params![id, now(), error.to_string()],
            )
            .map(|_| ())
        })
    }

    /// Queue a running job again without counting its attempt (a shutdown interrupted it).
    pub fn requeue_job(&self, id: i64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET state = 'queued', started = NULL, attempts = MAX(attempts - 1, 0)
                 WHERE id = ?1 AND state = 'running'",
                [id],
            )
            .map(|_| ())
        })
    }

    /// Cancel a queued or running job; the state it had (none: no such job).
    pub fn cancel_job(&self, id: i64) -> Result<Option<String>, StoreError> {
        self.transaction(|tx| {
            let state: Option<String> =
                tx.query_row("SELECT state FROM jobs WHERE id = ?1", [id], |r| r.get(0)).optional()?;
            if matches!(state.as_deref(), Some("queued" | "running")) {
                let error = crate::error::stored("cancelled", &Msg::new("api.cancelled"));
                tx.execute(
                    "UPDATE jobs SET state = 'cancelled', finished = ?2, error = ?3 WHERE id = ?1",
                    params![id, now(), error.to_string()],
                )?;
            }
            Ok(state)
        })
    }

    /// Jobs a previous run left queued or running, oldest first, reset to queued — except
    /// those a crash has interrupted twice (two attempts that never finished): they are
    /// marked failed with the reason, so that a job that kills the service does not return
    /// after every restart.
    pub fn resume_jobs(&self) -> Result<Vec<i64>, StoreError> {
        self.transaction(|tx| {
            let error = crate::error::stored("interrupted", &Msg::new("api.interrupted").arg("times", MAX_ATTEMPTS));
            tx.execute(
                "UPDATE jobs SET state = 'failed', finished = ?1, error = ?2 WHERE state = 'running' AND attempts >= ?3",
                params![now(), error.to_string(), MAX_ATTEMPTS],
            )?;
            tx.execute("UPDATE jobs SET state = 'queued', started = NULL WHERE state = 'running'", [])?;
            let mut st = tx.prepare("SELECT id FROM jobs WHERE state = 'queued' ORDER BY id")?;
            let ids = st.query_map([], |r| r.get(0))?.collect();
            ids
        })
    }
}

/// Insert an instance inside a transaction.
pub fn insert_instance(
    tx: &Transaction,
    inst: &sanlian_model::Instance,
    source: &str,
    json: &str,
    label: &str,
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO instances (name, created, first_year, counties, townships, cadres, source, json, label)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
        params![
            inst.name,
            now(),
            inst.first_year,
            inst.region.counties.len(),
            inst.region.townships.len(),
            inst.cadres.len(),
            source,
            json,
            label
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Give instance `new` the owner of instance `parent` (a re-plan, an edit or a roster of a
/// city's instance stays the city's).
pub fn inherit_owner(tx: &Transaction, new: i64, parent: i64) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE instances SET city = (SELECT city FROM instances WHERE id = ?2) WHERE id = ?1",
        params![new, parent],
    )?;
    Ok(())
}

/// A label for something stored now: `what`, then the date and time in China (UTC+8), the
/// planners' clock, e.g. "严格求解 · 12-03 14:58".
pub fn label(what: &str) -> String {
    let china = chrono::FixedOffset::east_opt(8 * 3600).expect("UTC+8 is a valid offset");
    format!("{what} · {}", chrono::Utc::now().with_timezone(&china).format("%m-%d %H:%M"))
}

/// The longest label a planner may give, in characters.
pub const MAX_LABEL: usize = 120;

/// The longest author a planner may give, in characters.
pub const MAX_AUTHOR: usize = 60;

/// Insert a plan inside a transaction; `parent` is the plan it was made from, if any.
#[allow(clippy::too_many_arguments)]
pub fn insert_plan(
    tx: &Transaction,
    instance: i64,
    plan: &sanlian_model::Plan,
    valid: bool,
    source: &str,
    json: &str,
    label: &str,
    parent: Option<i64>,
) -> rusqlite::Result<i64> {
    let mode = serde_json::to_value(plan.mode).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    tx.execute(
        "INSERT INTO plans (instance, created, mode, valid, source, json, label, parent)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![instance, now(), mode, valid, source, json, label, parent],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Finish a running job inside a transaction; an error (which rolls the transaction back,
/// with any plan it stored) when the job is no longer running: it was cancelled.
pub fn finish_job(tx: &Transaction, id: i64, result: &serde_json::Value) -> rusqlite::Result<()> {
    let n = tx.execute(
        "UPDATE jobs SET state = 'done', finished = ?2, result = ?3 WHERE id = ?1 AND state = 'running'",
        params![id, now(), result.to_string()],
    )?;
    if n == 1 {
        Ok(())
    } else {
        Err(rusqlite::Error::StatementChangedRows(n))
    }
}

/// How many interrupted runs make a job fail instead of resuming.
pub const MAX_ATTEMPTS: i64 = 2;

const INSTANCE_COLUMNS: &str = "id, name, created, first_year, counties, townships, cadres, source, label, city";
const PLAN_COLUMNS: &str = "id, instance, created, mode, valid, source, label, author, parent";
const JOB_COLUMNS: &str = "id, kind, instance, plan, state, created, started, finished, request, result, error";

fn instance_row(r: &rusqlite::Row) -> rusqlite::Result<InstanceRow> {
    Ok(InstanceRow {
        id: r.get(0)?,
        name: r.get(1)?,
        created: r.get(2)?,
        first_year: r.get(3)?,
        counties: r.get(4)?,
        townships: r.get(5)?,
        cadres: r.get(6)?,
        source: r.get(7)?,
        label: r.get(8)?,
        city: r.get(9)?,
    })
}

fn plan_row(r: &rusqlite::Row) -> rusqlite::Result<PlanRow> {
    Ok(PlanRow {
        id: r.get(0)?,
        instance: r.get(1)?,
        created: r.get(2)?,
        mode: r.get(3)?,
        valid: r.get(4)?,
        source: r.get(5)?,
        label: r.get(6)?,
        author: r.get(7)?,
        parent: r.get(8)?,
    })
}

fn job_row(r: &rusqlite::Row) -> rusqlite::Result<JobRow> {
    let json = |i: usize| -> rusqlite::Result<Option<serde_json::Value>> {
        Ok(r.get::<_, Option<String>>(i)?.and_then(|s| serde_json::from_str(&s).ok()))
    };
    Ok(JobRow {
        id: r.get(0)?,
        kind: r.get(1)?,
        instance: r.get(2)?,
        plan: r.get(3)?,
        state: r.get(4)?,
        created: r.get(5)?,
        started: r.get(6)?,
        finished: r.get(7)?,
        request: r.get(8)?,
        result: json(9)?,
        error: json(10)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> sanlian_model::Instance {
        let text = include_str!("../../../fixtures/small/instance.json");
        sanlian_model::Instance::from_json(text).expect("the small fixture parses")
    }

    #[test]
    fn a_plan_is_stored_with_its_job_and_jobs_resume_after_a_restart() {
        let dir = std::env::temp_dir().join(format!("sanlian-store-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("store.db");
        let _ = std::fs::remove_file(&path);
        let inst = small();
        let (i, queued, running) = {
            let store = Store::open(&path).unwrap();
            let i = store.insert_instance(&inst, "upload", "{}", "").unwrap();
            let queued = store.insert_job("solve", i, None, "{}", None).unwrap();
            let running = store.insert_job("solve", i, None, "{}", None).unwrap();
            assert!(store.start_job(running).unwrap());
            let done = store.insert_job("solve", i, None, "{}", None).unwrap();
            assert!(store.start_job(done).unwrap());
            store.transaction(|tx| finish_job(tx, done, &serde_json::json!({"plan": 1}))).unwrap();
            (i, queued, running)
        };
        let store = Store::open(&path).unwrap();
        assert_eq!(store.instance(i).unwrap().unwrap().cadres, inst.cadres.len());
        assert_eq!(store.resume_jobs().unwrap(), vec![queued, running]);
        assert_eq!(store.job(running).unwrap().unwrap().state, "queued");
        assert_eq!(store.job(queued + 2).unwrap().unwrap().result, Some(serde_json::json!({"plan": 1})));
        assert!(store.job(999).unwrap().is_none());
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_database_from_before_versions_gains_author_and_parent() {
        let dir = std::env::temp_dir().join(format!("sanlian-store-versions-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let path = dir.join("old.db");
        {
            // The plans table as it was before versions.
            let conn = Connection::open(&path).unwrap();
            conn.execute_batch(
                "CREATE TABLE plans (id INTEGER PRIMARY KEY, instance INTEGER NOT NULL, created TEXT NOT NULL,
                 mode TEXT NOT NULL, valid INTEGER NOT NULL, source TEXT NOT NULL, json TEXT NOT NULL);
                 INSERT INTO plans VALUES (1, 1, '2026-12-01T00:00:00Z', 'strict', 1, 'solve', '{}');",
            )
            .unwrap();
        }
        let store = Store::open(&path).unwrap();
        let row = store.plan(1).unwrap().unwrap();
        assert_eq!((row.label.as_str(), row.author.as_str(), row.parent), ("", "", None));
        assert!(store.set_author(1, "王明").unwrap());
        assert!(!store.set_author(2, "王明").unwrap());
        assert_eq!(store.plan(1).unwrap().unwrap().author, "王明");
        let _ = std::fs::remove_dir_all(&dir);
    }

    fn scratch(name: &str) -> (std::path::PathBuf, Store) {
        let dir = std::env::temp_dir().join(format!("sanlian-store-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(&dir.join("store.db")).unwrap();
        (dir, store)
    }

    #[test]
    fn a_cancelled_job_neither_starts_nor_finishes_nor_fails() {
        let (dir, store) = scratch("cancel");
        let i = store.insert_instance(&small(), "upload", "{}", "").unwrap();
        let queued = store.insert_job("solve", i, None, "{}", None).unwrap();
        assert_eq!(store.cancel_job(queued).unwrap().as_deref(), Some("queued"));
        assert!(!store.start_job(queued).unwrap(), "a cancelled job is not started");
        let running = store.insert_job("solve", i, None, "{}", None).unwrap();
        assert!(store.start_job(running).unwrap());
        assert_eq!(store.cancel_job(running).unwrap().as_deref(), Some("running"));
        // The worker's late result is refused, and the plan stored with it rolled back.
        let late = store.transaction(|tx| {
            tx.execute(
                "INSERT INTO plans (instance, created, mode, valid, source, json) VALUES (?1, 'now', 'strict', 1, 'solve', '{}')",
                [i],
            )?;
            finish_job(tx, running, &serde_json::json!({"plan": 1}))
        });
        assert!(late.is_err(), "a cancelled job cannot be finished");
        assert!(store.plans().unwrap().is_empty(), "the plan of a cancelled job is rolled back");
        store.fail_job(running, &serde_json::json!({"code": "x"})).unwrap();
        let row = store.job(running).unwrap().unwrap();
        assert_eq!(row.state, "cancelled");
        assert_eq!(row.error.unwrap()["code"], "cancelled");
        assert_eq!(store.cancel_job(running).unwrap().as_deref(), Some("cancelled"), "reported, not changed");
        assert_eq!(store.cancel_job(999).unwrap(), None);
        assert!(store.resume_jobs().unwrap().is_empty(), "cancelled jobs are not resumed");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_job_interrupted_twice_is_failed_at_the_next_start() {
        let (dir, store) = scratch("attempts");
        let i = store.insert_instance(&small(), "upload", "{}", "").unwrap();
        let job = store.insert_job("solve", i, None, "{}", None).unwrap();
        assert!(store.start_job(job).unwrap());
        assert_eq!(store.resume_jobs().unwrap(), vec![job], "one interruption: resumed");
        assert!(store.start_job(job).unwrap());
        assert!(store.resume_jobs().unwrap().is_empty(), "two interruptions: not resumed");
        let row = store.job(job).unwrap().unwrap();
        assert_eq!(row.state, "failed");
        assert_eq!(row.error.unwrap()["code"], "interrupted");
        let _ = std::fs::remove_dir_all(&dir);
    }
}
