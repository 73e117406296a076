//! Writing one output file: atomically, never over an input.

use std::io::Write;
use std::path::Path;

use mqlcal_files::WriteError;

/// Write bytes to a file atomically (temp file in the same folder, then rename).
/// The temp file is removed if the process is interrupted (`mqlcal_files`).
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    write_atomic_with(path, |out| Ok(out.write_all(contents)?))
}

/// Write a file atomically as `fill` produces it, a piece at a time: the one writer
/// of `mqlcal_files`, with errors as the pipeline reports them.
pub fn write_atomic_with(path: &Path, fill: impl FnOnce(&mut dyn Write) -> anyhow::Result<()>) -> anyhow::Result<()> {
    mqlcal_files::write_atomic_with(path, fill).map_err(|e| match e {
        WriteError::Io(failure) => anyhow::Error::new(failure),
        WriteError::Fill(e) => e.context(format!("cannot write {}", path.display())),
    })
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
