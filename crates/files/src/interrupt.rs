//! Nothing half-written: while a run builds a staging folder or a temp file,
//! its path is registered here; a front end that catches SIGINT or SIGTERM
//! calls [`remove_pending`] before it exits. A SIGKILL cannot be caught: the
//! next run finds the leftovers by the dead process id in their name
//! ([`sweep_leftovers`]).

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Remove every registered path (files and folders); for the signal handler.
pub fn remove_pending() {
    let paths = PENDING.lock().map(|p| p.clone()).unwrap_or_default();
    for path in paths {
        if path.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// While alive, its path is removed if the process is interrupted.
pub struct Guard(PathBuf);

/// Register `path` for removal on interrupt until the guard is dropped.
pub fn guard(path: &Path) -> Guard {
    if let Ok(mut p) = PENDING.lock() {
        p.push(path.to_path_buf());
    }
    Guard(path.to_path_buf())
}

impl Drop for Guard {
    fn drop(&mut self) {
        if let Ok(mut p) = PENDING.lock() {
            p.retain(|x| x != &self.0);
        }
    }
}

/// The process-id tag of hidden work folders: `.mqlcal-run-<pid>-…`.
pub fn tagged(prefix: &str) -> String {
    format!("{prefix}{}-", std::process::id())
}

/// Remove hidden work folders in `dir` left by runs that were killed (their
/// process is gone); returns what was removed, for a warning.
pub fn sweep_leftovers(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else { return vec![] };
    let mut removed = Vec::new();
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let Some(rest) = [".mqlcal-run-", ".mqlcal-old-"].iter().find_map(|p| name.strip_prefix(p)) else { continue };
        let Some(pid) = rest.split('-').next().and_then(|p| p.parse::<u32>().ok()) else { continue };
        if pid != std::process::id() && !Path::new(&format!("/proc/{pid}")).exists() && Path::new("/proc/self").exists() {
            let path = entry.path();
            if std::fs::remove_dir_all(&path).is_ok() {
                removed.push(path);
            }
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(path: &Path) -> bool {
        PENDING.lock().unwrap().iter().any(|p| p == path)
    }

    #[test]
    fn a_path_is_pending_while_its_guard_lives() {
        let path = std::env::temp_dir().join(format!("{}guarded", tagged(".mqlcal-test-")));
        let guard = guard(&path);
        assert!(pending(&path));
        drop(guard);
        assert!(!pending(&path));
    }
}
