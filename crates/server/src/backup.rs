//! Online backups of the store: `sanlian backup` once, or `serve --backup-dir` on a period.
//! Each is a consistent copy made while the service runs (SQLite's backup API), written to
//! a temporary file and renamed into place; the newest [`KEPT`] are kept.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::store::StoreError;
use crate::App;

/// Periodic backups kept in the directory; older ones are removed.
pub const KEPT: usize = 10;

/// How the last periodic backup went.
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    /// When it was made (UTC, RFC 3339).
    pub at: String,
    /// The file written.
    pub file: Option<PathBuf>,
    /// Why it failed.
    pub error: Option<String>,
}

/// Back up into `dir` now: the file written. Names sort by time: `sanlian-YYYYMMDD-HHMMSS.db`.
pub fn into_dir(store: &crate::Store, dir: &Path) -> Result<PathBuf, StoreError> {
    std::fs::create_dir_all(dir).map_err(|source| StoreError::File { path: dir.to_path_buf(), source })?;
    let file = dir.join(format!("sanlian-{}.db", chrono::Utc::now().format("%Y%m%d-%H%M%S")));
    store.backup_to(&file)?;
    prune(dir);
    Ok(file)
}

/// Remove all but the newest [`KEPT`] backups of `dir`.
fn prune(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with("sanlian-") && n.ends_with(".db"))
        })
        .collect();
    files.sort();
    let excess = files.len().saturating_sub(KEPT);
    for old in &files[..excess] {
        if let Err(e) = std::fs::remove_file(old) {
            tracing::warn!(file = %old.display(), %e, "cannot remove an old backup");
        }
    }
}

/// Back up every `config.backup_every` until shutdown; the outcome shows in health.
pub(crate) async fn every(app: Arc<App>, dir: PathBuf) {
    let mut shutdown = app.shutdown.clone();
    let mut tick = tokio::time::interval(app.config.backup_every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = crate::stopping(&mut shutdown) => return,
        }
        let (app2, dir2) = (app.clone(), dir.clone());
        let result = tokio::task::spawn_blocking(move || into_dir(&app2.store, &dir2)).await;
        let at = crate::store::now();
        let outcome = match result {
            Ok(Ok(file)) => {
                tracing::info!(file = %file.display(), "backup written");
                Outcome { at, file: Some(file), error: None }
            }
            Ok(Err(e)) => {
                tracing::error!(%e, "backup failed");
                Outcome { at, file: None, error: Some(e.to_string()) }
            }
            Err(e) => Outcome { at, file: None, error: Some(format!("the backup stopped unexpectedly: {e}")) },
        };
        *app.last_backup.lock().unwrap_or_else(|p| p.into_inner()) = Some(outcome);
    }
}
