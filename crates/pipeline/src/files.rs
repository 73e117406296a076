//! Writing one output file: atomically, never over an input.

use std::path::{Path, PathBuf};

use anyhow::Context;

/// Write bytes to a file atomically (temp file in the same folder, then rename).
/// The temp file is removed if the process is interrupted ([`crate::interrupt`]).
pub fn write_atomic(path: &Path, contents: &[u8]) -> anyhow::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let mut tmp = tempfile::Builder::new().prefix(".mqlcal-").tempfile_in(&dir).with_context(|| format!("cannot write in {}", dir.display()))?;
    let _interrupt = crate::interrupt::guard(tmp.path());
    tmp.write_all(contents).with_context(|| format!("cannot write {}", path.display()))?;
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
