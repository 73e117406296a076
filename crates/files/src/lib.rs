//! Files written whole or not at all. Every file mqlcal writes goes through
//! [`write_atomic_with`]: a temp file in the target folder, filled, synced and
//! renamed into place, registered with [`interrupt`] meanwhile so that a SIGINT
//! or SIGTERM removes it. Run directories are staged the same way (`interrupt::guard`).

pub mod interrupt;

use std::io::Write;
use std::path::{Path, PathBuf};

/// A step of writing a file that failed: what, where, and the system's reason.
#[derive(Debug)]
pub struct IoFailure {
    pub path: PathBuf,
    /// "create the folder", "write in", "write".
    pub what: &'static str,
    pub source: std::io::Error,
}

impl std::fmt::Display for IoFailure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "cannot {} {}: {}", self.what, self.path.display(), self.source)
    }
}

impl std::error::Error for IoFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// Why [`write_atomic_with`] wrote nothing.
#[derive(Debug)]
pub enum WriteError<E> {
    /// The folder, the temp file, or putting the file in place failed.
    Io(IoFailure),
    /// What filled the file failed.
    Fill(E),
}

/// Write `path` as `fill` produces it, a piece at a time (through a buffer): the
/// temp file is synced and renamed into place only when `fill` has succeeded, and is
/// removed when it fails or the process is interrupted. Outputs are readable by
/// others (0644), as ordinary files are; temp files are private until then.
pub fn write_atomic_with<E>(path: &Path, fill: impl FnOnce(&mut dyn Write) -> Result<(), E>) -> Result<(), WriteError<E>> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let failed = |path: &Path, what: &'static str, source| WriteError::Io(IoFailure { path: path.to_path_buf(), what, source });
    std::fs::create_dir_all(&dir).map_err(|e| failed(&dir, "create the folder", e))?;
    let mut tmp = tempfile::Builder::new().prefix(".mqlcal-").tempfile_in(&dir).map_err(|e| failed(&dir, "write in", e))?;
    let _interrupt = interrupt::guard(tmp.path());
    let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
    fill(&mut out).map_err(WriteError::Fill)?;
    out.flush().map_err(|e| failed(path, "write", e))?;
    drop(out);
    tmp.as_file().sync_all().map_err(|e| failed(path, "write", e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).map_err(|e| failed(path, "write", e))?;
    }
    tmp.persist(path).map_err(|e| failed(path, "write", e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `remove_pending` removes every registered path of the process: the tests that
    /// write files take turns, or one would remove another's temp file.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

    #[test]
    fn a_file_written_in_pieces_appears_whole_or_not_at_all() {
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic_with(&path, |out| {
            out.write_all(b"a,b\n")?;
            out.write_all(b"1,2\n")
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,2\n");
        // A fill that fails half-way leaves the earlier file as it was and no temp file behind.
        let err = write_atomic_with(&path, |out| {
            out.write_all(b"x,y\n").map_err(|e| e.to_string())?;
            Err("lead 7 cannot be scored".to_string())
        })
        .unwrap_err();
        assert!(matches!(&err, WriteError::Fill(e) if e == "lead 7 cannot be scored"), "{err:?}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,2\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }

    #[test]
    fn the_temp_file_is_removed_on_interrupt_while_it_is_filled() {
        let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("features.parquet");
        let err = write_atomic_with(&path, |out| {
            out.write_all(b"PAR1")?;
            let temp: Vec<_> = std::fs::read_dir(dir.path()).unwrap().flatten().map(|e| e.path()).collect();
            assert_eq!(temp.len(), 1);
            assert!(temp[0].file_name().unwrap().to_string_lossy().starts_with(".mqlcal-"));
            // What the SIGINT/SIGTERM watcher calls.
            interrupt::remove_pending();
            assert!(!temp[0].exists(), "a half-written file survived the interrupt");
            Err(std::io::Error::other("interrupted"))
        })
        .unwrap_err();
        assert!(matches!(err, WriteError::Fill(_)));
        assert!(!path.exists());
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }

    #[test]
    fn a_folder_that_cannot_be_made_is_named() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("file"), b"").unwrap();
        let err = write_atomic_with(&dir.path().join("file/sub/out.csv"), |_| Ok::<(), std::io::Error>(())).unwrap_err();
        let WriteError::Io(failure) = err else { panic!("expected an I/O failure") };
        assert!(failure.to_string().starts_with("cannot create the folder ") && failure.to_string().contains("file/sub"), "{failure}");
    }
}
