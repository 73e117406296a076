//! The run directory as one transaction: every output is written into a hidden
//! staging folder beside the target, which is moved into place only when the
//! whole run succeeded (with `--force`, swapped with the old run in one step).
//! A failed or interrupted run leaves nothing behind.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context};

use mqlcal_files::interrupt::{self, Guard};

/// A run being built: a hidden folder beside its target, removed unless installed.
pub struct Staging {
    dir: tempfile::TempDir,
    _interrupt: Guard,
}

impl Staging {
    /// A hidden folder beside `out` (same filesystem, so the final move is a rename);
    /// also removes what killed runs left there, returned for a warning.
    pub fn beside(out: &Path) -> anyhow::Result<(Staging, Vec<PathBuf>)> {
        let parent = parent_of(out);
        std::fs::create_dir_all(&parent).with_context(|| format!("cannot create {}", parent.display()))?;
        let removed = interrupt::sweep_leftovers(&parent);
        let dir = tempfile::Builder::new()
            .prefix(&interrupt::tagged(".mqlcal-run-"))
            .tempdir_in(&parent)
            .with_context(|| format!("cannot write in {}", parent.display()))?;
        let guard = interrupt::guard(dir.path());
        Ok((Staging { dir, _interrupt: guard }, removed))
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Move the finished run into place; an old run (with `force`) is removed only after.
    pub fn install(self, out: &Path, force: bool) -> anyhow::Result<()> {
        // The guard stays registered until the move is done (removing a moved path is a no-op).
        let Staging { dir: staging, _interrupt } = self;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            // Temp folders are private (0700); a run directory is shared like any report.
            for dir in walk_dirs(staging.path()) {
                std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755))
                    .with_context(|| format!("cannot set permissions of {}", dir.display()))?;
            }
        }
        if out.exists() {
            if !force {
                bail!("{} appeared while the run was going: pass --force to replace it", out.display());
            }
            // One atomic step where the system allows: there is always a complete run at `out`.
            if exchange(staging.path(), out).is_ok() {
                // The staging path now holds the old run: TempDir removes it.
                drop(staging);
                return Ok(());
            }
            let old = tempfile::Builder::new()
                .prefix(&interrupt::tagged(".mqlcal-old-"))
                .tempdir_in(parent_of(out))
                .context("cannot make room for the old run")?;
            let parked = old.path().join("run");
            std::fs::rename(out, &parked).with_context(|| format!("cannot move the old {} aside", out.display()))?;
            if let Err(e) = std::fs::rename(staging.path(), out) {
                let _ = std::fs::rename(&parked, out);
                return Err(e).with_context(|| format!("cannot move the run into {}", out.display()));
            }
            drop(old); // removes the old run
        } else {
            std::fs::rename(staging.path(), out).with_context(|| format!("cannot move the run into {}", out.display()))?;
        }
        // The staging folder is now `out`: do not let TempDir delete it.
        let _ = staging.keep();
        Ok(())
    }
}

fn parent_of(out: &Path) -> PathBuf {
    match out.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn walk_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = vec![root.to_path_buf()];
    let mut k = 0;
    while k < dirs.len() {
        if let Ok(entries) = std::fs::read_dir(&dirs[k]) {
            dirs.extend(entries.flatten().map(|e| e.path()).filter(|p| p.is_dir()));
        }
        k += 1;
    }
    dirs
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

#[cfg(test)]
mod tests {
    use super::*;

    fn hidden(dir: &Path) -> Vec<String> {
        let names = std::fs::read_dir(dir).unwrap().flatten().map(|e| e.file_name().to_string_lossy().to_string());
        names.filter(|n| n.starts_with(".mqlcal-")).collect()
    }

    #[test]
    fn a_run_is_installed_whole_and_replaced_only_with_force() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("run");
        let (staging, removed) = Staging::beside(&out).unwrap();
        assert!(removed.is_empty());
        std::fs::write(staging.path().join("first.txt"), "1").unwrap();
        staging.install(&out, false).unwrap();
        assert!(out.join("first.txt").is_file());

        // A run directory that appeared meanwhile is kept without --force; the staging folder goes.
        let (staging, _) = Staging::beside(&out).unwrap();
        std::fs::write(staging.path().join("second.txt"), "2").unwrap();
        let err = staging.install(&out, false).unwrap_err().to_string();
        assert!(err.contains("appeared while the run was going"), "{err}");
        assert!(out.join("first.txt").is_file());
        assert_eq!(hidden(dir.path()), Vec::<String>::new());

        // With --force the new run replaces the old one as a whole.
        let (staging, _) = Staging::beside(&out).unwrap();
        std::fs::write(staging.path().join("second.txt"), "2").unwrap();
        staging.install(&out, true).unwrap();
        assert!(out.join("second.txt").is_file() && !out.join("first.txt").exists());
        assert_eq!(hidden(dir.path()), Vec::<String>::new());
    }

    #[test]
    fn leftovers_of_killed_runs_are_swept_and_failed_runs_leave_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let leftover = dir.path().join(".mqlcal-run-999999999-abc");
        std::fs::create_dir(&leftover).unwrap();
        let (staging, removed) = Staging::beside(&dir.path().join("run")).unwrap();
        if Path::new("/proc/self").exists() {
            assert_eq!(removed, vec![leftover]);
        }
        let staged = staging.path().to_path_buf();
        assert!(staged.is_dir());
        drop(staging); // a run that failed before install
        assert!(!staged.exists());
        assert!(!dir.path().join("run").exists());
    }
}
