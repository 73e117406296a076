//! The files a setting names (`[input] leads`, `[input] events`, `--leads`, `--events`):
//! one, a list, or patterns; and how messages name a set of them.

use std::path::{Path, PathBuf};

/// Whether `path` is a pattern of files: it holds `*`, `?` or `[` and names no file.
pub fn is_files_pattern(path: &Path) -> bool {
    path.to_str().is_some_and(|p| p.contains(['*', '?', '['])) && !path.is_file()
}

/// The files `entries` name (the events', or `[input] leads`; `setting` says where, for
/// messages), in order: each path as given (joined to `base` when relative), each pattern
/// (`*`, `?`, `[...]`, not a file's own name) as the files it matches, sorted by name,
/// hidden ones left out. A pattern that matches none is an error when `must_match`, else
/// kept as written; a file named twice (its rows would count twice) is an error. `score
/// --events` and `init --events` read their arguments so too.
pub fn files_named(entries: &[PathBuf], base: Option<&Path>, setting: &str, must_match: bool) -> Result<Vec<PathBuf>, String> {
    let mut paths: Vec<PathBuf> = Vec::new();
    for entry in entries {
        let path = match base {
            Some(base) if entry.is_relative() => base.join(entry),
            _ => entry.clone(),
        };
        if !is_files_pattern(&path) {
            paths.push(path);
            continue;
        }
        let written = entry.to_string_lossy();
        // The folder is a name, not a pattern: a `[` in it is a bracket.
        let pattern = match base {
            Some(base) if entry.is_relative() && !base.as_os_str().is_empty() => format!("{}/{written}", glob::Pattern::escape(&base.to_string_lossy())),
            _ => written.to_string(),
        };
        let options = glob::MatchOptions { require_literal_leading_dot: true, ..Default::default() };
        let matched = glob::glob_with(&pattern, options).map_err(|e| format!("{setting} {written:?}: not a pattern mqlcal can read ({e})"))?;
        let mut found: Vec<PathBuf> = matched.filter_map(Result::ok).filter(|p| p.is_file()).collect();
        match (found.is_empty(), must_match) {
            (true, true) => return Err(format!("{setting} {written:?} matches no file")),
            (true, false) => paths.push(path),
            (false, _) => {
                found.sort();
                paths.extend(found);
            }
        }
    }
    // Compared as the files they are: `a.csv` and `../cfg/a.csv` are one.
    let identity = |p: &PathBuf| std::fs::canonicalize(p).unwrap_or_else(|_| p.clone());
    let known: Vec<PathBuf> = paths.iter().map(identity).collect();
    if let Some(k) = (0..known.len()).find(|&k| known[..k].contains(&known[k])) {
        return Err(format!("{setting} names {} twice (its rows would count twice): name each file once", paths[k].display()));
    }
    Ok(paths)
}

/// Files of `kind` ("events", "leads") as messages name them: the file, or the first
/// and how many more.
pub fn files_shown(paths: &[PathBuf], kind: &str) -> PathBuf {
    match paths {
        [one] => one.clone(),
        [first, rest @ ..] => PathBuf::from(format!("{} (and {} more {kind} files)", first.display(), rest.len())),
        [] => PathBuf::new(),
    }
}
