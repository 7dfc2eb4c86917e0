//! Writing results: standard output that survives a closed pipe, and files written all or
//! nothing (every file is staged beside its target first, then all are renamed).

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::Failure;

/// Print a line to standard output. When the reader has gone (`sanlian check … | head`),
/// the program ends quietly with success, as ripgrep does, instead of panicking.
pub fn emit(text: &str) {
    let mut out = std::io::stdout().lock();
    if let Err(e) = writeln!(out, "{text}").and_then(|_| out.flush()) {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: cannot write to standard output: {e}");
        std::process::exit(1);
    }
}

/// `println!` through [`emit`].
macro_rules! say {
    () => { $crate::output::emit("") };
    ($($arg:tt)*) => { $crate::output::emit(&format!($($arg)*)) };
}

/// Files being written together: each is staged as a temporary file beside its target;
/// [`Staged::commit`] renames them all. Dropping without committing removes the staged
/// files, so a failure leaves no half-written or `.partial` file behind.
#[derive(Default)]
pub struct Staged {
    files: Vec<(PathBuf, PathBuf)>,
}

impl Staged {
    /// Stage `bytes` for `path`.
    pub fn add(&mut self, path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), Failure> {
        let mut name = path.file_name().unwrap_or_default().to_os_string();
        name.push(format!(".{}.partial", std::process::id()));
        let tmp = path.with_file_name(name);
        if let Err(e) = std::fs::write(&tmp, bytes) {
            let _ = std::fs::remove_file(&tmp);
            return Err(Failure {
                code: 1,
                message: format!("cannot write {}: {e}; nothing was written", path.display()),
            });
        }
        self.files.push((tmp, path.to_path_buf()));
        Ok(())
    }

    /// Move every staged file to its target. If a rename fails, the files not yet moved are
    /// removed and the error names what was and was not written.
    pub fn commit(mut self) -> Result<(), Failure> {
        let files = std::mem::take(&mut self.files);
        let mut done: Vec<PathBuf> = Vec::new();
        for (i, (tmp, path)) in files.iter().enumerate() {
            if let Err(e) = std::fs::rename(tmp, path) {
                for (rest, _) in &files[i..] {
                    let _ = std::fs::remove_file(rest);
                }
                let written = if done.is_empty() {
                    "nothing was written".to_string()
                } else {
                    format!(
                        "already written: {}",
                        done.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
                    )
                };
                return Err(Failure { code: 1, message: format!("cannot write {}: {e}; {written}", path.display()) });
            }
            done.push(path.clone());
        }
        Ok(())
    }
}

impl Drop for Staged {
    fn drop(&mut self) {
        for (tmp, _) in &self.files {
            let _ = std::fs::remove_file(tmp);
        }
    }
}

/// Write one file atomically (staged, then renamed).
pub fn write_atomic(path: &Path, bytes: impl AsRef<[u8]>) -> Result<(), Failure> {
    let mut staged = Staged::default();
    staged.add(path, bytes)?;
    staged.commit()
}
