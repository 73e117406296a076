//! Writing one output file: atomically, never over an input.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;

/// Write bytes to a file atomically (temp file in the same folder, then rename).
/// The temp file is removed if the process is interrupted ([`crate::interrupt`]).
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    write_atomic_with(path, |out| Ok(out.write_all(contents)?))
}

/// Write a file atomically as `fill` produces it, a piece at a time (through a buffer):
/// the temp file is renamed into place only when `fill` has succeeded, and is removed
/// when it fails or the process is interrupted.
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new().prefix(".mqlcal-").tempfile_in(&dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    let _interrupt = crate::interrupt::guard(tmp.path());
    let mut out = std::io::BufWriter::with_capacity(1 << 20, tmp.as_file_mut());
    fill(&mut out).and_then(|()| Ok(out.flush()?)).with_context(|| format!("cannot write {}", path.display()))?;
    drop(out);
    tmp.as_file().sync_all().with_context(|| format!("cannot write {}", path.display()))?;
    // Temp files are private (0600); outputs are ordinary files others may read.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file().set_permissions(std::fs::Permissions::from_mode(0o644)).with_context(|| format!("cannot write {}", path.display()))?;
    }
    tmp.persist(path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}

/// Write a value as pretty JSON (newline-terminated), atomically, refusing to overwrite an input.
pub fn write_json(path: &Path, value: &impl serde::Serialize, input_refs: &[&Path]) -> anyhow::Result<()> {
    mqlcal_data::refuse_input(path, input_refs)?;
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    write_atomic(path, text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_written_in_pieces_appears_whole_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.csv");
        write_atomic_with(&path, |out| {
            out.write_all(b"a,b\n")?;
            out.write_all(b"1,2\n")?;
            Ok(())
        })
        .unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,2\n");
        // A fill that fails half-way leaves the earlier file as it was and no temp file behind.
        let err = write_atomic_with(&path, |out| {
            out.write_all(b"x,y\n")?;
            anyhow::bail!("lead 7 cannot be scored")
        })
        .unwrap_err();
        assert!(format!("{err:#}").contains("lead 7") && format!("{err:#}").contains("out.csv"), "{err:#}");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a,b\n1,2\n");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
