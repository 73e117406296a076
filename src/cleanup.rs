//! Nothing half-written: while a run builds a staging folder or a temp file,
//! its path is registered here; on SIGINT or SIGTERM a watcher thread removes
//! every registered path and exits (130 / 143). A SIGKILL cannot be caught:
//! the next run finds the leftovers by the dead process id in their name.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Start the watcher (once, at start-up). Without it signals kill as usual.
pub fn install() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            remove_pending();
            eprintln!("interrupted: nothing was left half-written");
            std::process::exit(128 + signal);
        }
    });
}

fn remove_pending() {
    let paths = PENDING.lock().map(|p| p.clone()).unwrap_or_default();
    for path in paths {
        if path.is_dir() {
            let _ = std::fs::remove_dir_all(&path);
        } else {
            let _ = std::fs::remove_file(&path);
        }
    }
}

/// While alive, `path` is removed if the process is interrupted.
pub struct Guard(PathBuf);

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

/// Put `new` where `old` is in one step (Linux `renameat2(RENAME_EXCHANGE)`),
/// so there is always a complete run at `old`; `new` then holds the old run.
/// Err when the system cannot (another OS, a filesystem without it).
pub fn exchange(new: &Path, old: &Path) -> std::io::Result<()> {
    #[cfg(target_os = "linux")]
    {
        use std::ffi::CString;
        use std::os::unix::ffi::OsStrExt;
        let a = CString::new(new.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
        let b = CString::new(old.as_os_str().as_bytes()).map_err(std::io::Error::other)?;
        const RENAME_EXCHANGE: libc::c_uint = 1 << 1;
        // SAFETY: two valid NUL-terminated paths relative to the working directory.
        let rc = unsafe { libc::syscall(libc::SYS_renameat2, libc::AT_FDCWD, a.as_ptr(), libc::AT_FDCWD, b.as_ptr(), RENAME_EXCHANGE) };
        if rc == 0 {
            Ok(())
        } else {
            Err(std::io::Error::last_os_error())
        }
    }
    #[cfg(not(target_os = "linux"))]
    {
        let _ = (new, old);
        Err(std::io::Error::new(std::io::ErrorKind::Unsupported, "no atomic exchange on this system"))
    }
}
