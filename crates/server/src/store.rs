//! The embedded store: instances, plans and jobs in one SQLite file (WAL, synchronous
//! FULL), so that a stored plan survives a restart or a kill.
//!
//! Rows are written once and read many times; a job row moves queued → running →
//! done | failed, and a plan is stored in the same transaction as its job's result.

use std::path::Path;
use std::sync::Mutex;

use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde::Serialize;

/// A failure of the store (disk, corruption): reported as a 500, detail in the log.
#[derive(Debug, thiserror::Error)]
#[error("storage: {0}")]
pub struct StoreError(#[from] rusqlite::Error);

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
}

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
    json TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY,
    instance INTEGER NOT NULL REFERENCES instances(id),
    created TEXT NOT NULL,
    mode TEXT NOT NULL,
    valid INTEGER NOT NULL,
    source TEXT NOT NULL,
    json TEXT NOT NULL
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
    error TEXT
);
";

/// The current time, UTC, RFC 3339 to the second.
pub fn now() -> String {
    chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ").to_string()
}

impl Store {
    /// Open (or create) the database at `path` in WAL mode with full syncs.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path)?;
        Store::init(conn)
    }

    /// A private in-memory store (tests, benchmarks).
    pub fn in_memory() -> Result<Store, StoreError> {
        Store::init(Connection::open_in_memory()?)
    }

    fn init(conn: Connection) -> Result<Store, StoreError> {
        conn.pragma_update(None, "journal_mode", "WAL")?;
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.execute_batch(SCHEMA)?;
        Ok(Store { conn: Mutex::new(conn) })
    }

    fn with<T>(&self, f: impl FnOnce(&mut Connection) -> rusqlite::Result<T>) -> Result<T, StoreError> {
        let mut conn = self.conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        Ok(f(&mut conn)?)
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
    pub fn insert_instance(&self, inst: &sanlian_model::Instance, source: &str, json: &str) -> Result<i64, StoreError> {
        self.transaction(|tx| insert_instance(tx, inst, source, json))
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
    ) -> Result<i64, StoreError> {
        self.transaction(|tx| insert_plan(tx, instance, plan, valid, source, json))
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

    /// Mark a job running.
    pub fn start_job(&self, id: i64) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute("UPDATE jobs SET state = 'running', started = ?2 WHERE id = ?1", params![id, now()]).map(|_| ())
        })
    }

    /// Mark a job failed with an error object.
    pub fn fail_job(&self, id: i64, error: &serde_json::Value) -> Result<(), StoreError> {
        self.with(|c| {
            c.execute(
                "UPDATE jobs SET state = 'failed', finished = ?2, error = ?3 WHERE id = ?1",
                params![id, now(), error.to_string()],
            )
            .map(|_| ())
        })
    }

    /// Jobs a previous run left queued or running, oldest first, reset to queued.
    pub fn resume_jobs(&self) -> Result<Vec<i64>, StoreError> {
        self.transaction(|tx| {
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
) -> rusqlite::Result<i64> {
    tx.execute(
        "INSERT INTO instances (name, created, first_year, counties, townships, cadres, source, json)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            inst.name,
            now(),
            inst.first_year,
            inst.region.counties.len(),
            inst.region.townships.len(),
            inst.cadres.len(),
            source,
            json
        ],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Insert a plan inside a transaction.
pub fn insert_plan(
    tx: &Transaction,
    instance: i64,
    plan: &sanlian_model::Plan,
    valid: bool,
    source: &str,
    json: &str,
) -> rusqlite::Result<i64> {
    let mode = serde_json::to_value(plan.mode).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default();
    tx.execute(
        "INSERT INTO plans (instance, created, mode, valid, source, json) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![instance, now(), mode, valid, source, json],
    )?;
    Ok(tx.last_insert_rowid())
}

/// Finish a job inside a transaction.
pub fn finish_job(tx: &Transaction, id: i64, result: &serde_json::Value) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE jobs SET state = 'done', finished = ?2, result = ?3 WHERE id = ?1",
        params![id, now(), result.to_string()],
    )
    .map(|_| ())
}

const INSTANCE_COLUMNS: &str = "id, name, created, first_year, counties, townships, cadres, source";
const PLAN_COLUMNS: &str = "id, instance, created, mode, valid, source";
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
            let i = store.insert_instance(&inst, "upload", "{}").unwrap();
            let queued = store.insert_job("solve", i, None, "{}", None).unwrap();
            let running = store.insert_job("solve", i, None, "{}", None).unwrap();
            store.start_job(running).unwrap();
            let done = store.insert_job("solve", i, None, "{}", None).unwrap();
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
}
