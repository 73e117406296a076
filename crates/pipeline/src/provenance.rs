//! What a run was made from: the config's hash and every input's size and
//! SHA-256 (recorded in the model file), and how to reproduce it (the report).

use std::path::Path;

use anyhow::Context;
use mqlcal_config::Config;
use mqlcal_report::{InputFingerprint, Reproduce};
use mqlcal_scorecard::{FileFingerprint, Provenance};

use crate::Inputs;

/// The config's hash and every input file's size and SHA-256, with paths relative
/// to the config's folder (so the same inputs give the same model file bytes anywhere).
pub fn provenance(config: &Config) -> anyhow::Result<Provenance> {
    let mut hashing = Hashing::new(config);
    while hashing.step()? {}
    Ok(hashing.finished())
}

/// The inputs' hashes, worked out from the start of a run on a thread of the lowest
/// priority: it takes the cycles reading and validating leave idle, where it would take
/// a core from the fit. Whatever is left when the model file needs the hashes is hashed
/// by the caller at its own priority (after the chunk the worker may be hashing), so a
/// busy machine cannot starve it.
pub struct PendingProvenance {
    shared: std::sync::Arc<SharedHashing>,
    worker: Option<std::thread::JoinHandle<()>>,
}

struct SharedHashing {
    hashing: std::sync::Mutex<Hashing>,
    /// Set when the caller takes over (or gives up): the worker hashes no further chunk.
    stop: std::sync::atomic::AtomicBool,
}

impl PendingProvenance {
    /// Start hashing `config`'s inputs in the background.
    pub fn start(config: &Config) -> PendingProvenance {
        use std::sync::atomic::Ordering;
        let shared = std::sync::Arc::new(SharedHashing {
            hashing: std::sync::Mutex::new(Hashing::new(config)),
            stop: std::sync::atomic::AtomicBool::new(false),
        });
        let theirs = std::sync::Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("mqlcal-hash".into())
            .spawn(move || {
                lowest_priority();
                loop {
                    let mut hashing = theirs.hashing.lock().unwrap_or_else(|e| e.into_inner());
                    // Checked under the lock: once the caller has it, the worker is done.
                    if theirs.stop.load(Ordering::Relaxed) {
                        break;
                    }
                    match hashing.step() {
                        Ok(true) => {}
                        Ok(false) => break,
                        // Kept for the caller to report.
                        Err(e) => {
                            hashing.failed = Some(e);
                            break;
                        }
                    }
                }
            })
            .ok();
        PendingProvenance { shared, worker }
    }

    /// The hashes, finishing here whatever the background thread has not.
    pub fn finish(mut self) -> anyhow::Result<Provenance> {
        self.shared.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let provenance = {
            let mut hashing = self.shared.hashing.lock().unwrap_or_else(|e| e.into_inner());
            if let Some(e) = hashing.failed.take() {
                return Err(e);
            }
            while hashing.step()? {}
            hashing.finished()
        };
        if let Some(worker) = self.worker.take() {
            let _ = worker.join();
        }
        Ok(provenance)
    }
}

impl Drop for PendingProvenance {
    fn drop(&mut self) {
        self.shared.stop.store(true, std::sync::atomic::Ordering::Relaxed);
    }
}

/// Lower the calling thread's priority as far as it goes: its CPU (Linux sets a thread's
/// nice value by its id) and, for files not yet in memory, its disk reads (the idle I/O
/// class, which the schedulers that have classes serve only when no one else reads);
/// elsewhere the thread keeps its priority.
fn lowest_priority() {
    #[cfg(target_os = "linux")]
    // SAFETY: plain system calls on the calling thread's own id; a failure changes nothing.
    unsafe {
        const IOPRIO_WHO_PROCESS: libc::c_long = 1;
        const IOPRIO_CLASS_IDLE: libc::c_long = 3;
        const IOPRIO_CLASS_SHIFT: u32 = 13;
        let tid = libc::syscall(libc::SYS_gettid);
        libc::setpriority(libc::PRIO_PROCESS, tid as libc::id_t, 19);
        libc::syscall(libc::SYS_ioprio_set, IOPRIO_WHO_PROCESS, tid, IOPRIO_CLASS_IDLE << IOPRIO_CLASS_SHIFT);
    }
}

/// Hashing the input files one chunk at a time, in order.
struct Hashing {
    /// Each input: where it is and the path the model file shows.
    files: Vec<(std::path::PathBuf, String)>,
    done: Vec<FileFingerprint>,
    open: Option<OpenFile>,
    buffer: Vec<u8>,
    /// The background thread's error, for the caller to report.
    failed: Option<anyhow::Error>,
    config_sha256: String,
}

struct OpenFile {
    file: std::fs::File,
    hasher: sha2::Sha256,
    bytes: u64,
}

impl Hashing {
    fn new(config: &Config) -> Hashing {
        let base = config.source_path.parent().unwrap_or(Path::new("."));
        let files = Inputs::of(config)
            .paths()
            .iter()
            .skip(1) // the config itself: hashed from its text
            .map(|path| {
                let shown = path.strip_prefix(base).map(Path::to_path_buf).unwrap_or_else(|_| path.clone());
                (path.clone(), shown.display().to_string())
            })
            .collect();
        use sha2::Digest;
        let config_sha256 = format!("{:x}", sha2::Sha256::digest(config.source_text.as_bytes()));
        Hashing { files, done: Vec::new(), open: None, buffer: Vec::new(), failed: None, config_sha256 }
    }

    /// Hash the next chunk (opening or closing a file as needed); false once every file is hashed.
    fn step(&mut self) -> anyhow::Result<bool> {
        use sha2::Digest;
        use std::io::Read;
        let Some((path, shown)) = self.files.get(self.done.len()) else { return Ok(false) };
        let cannot_read = || format!("cannot read {}", path.display());
        // The file being hashed is taken out and put back unless it is done.
        let mut open = match self.open.take() {
            Some(open) => open,
            None => match std::fs::File::open(path) {
                Ok(file) => OpenFile { file, hasher: sha2::Sha256::new(), bytes: 0 },
                Err(e) => return Err(e).with_context(cannot_read),
            },
        };
        self.buffer.resize(1 << 20, 0);
        match open.file.read(&mut self.buffer) {
            Ok(0) => {
                let OpenFile { hasher, bytes, .. } = open;
                self.done.push(FileFingerprint { path: shown.clone(), bytes, sha256: format!("{:x}", hasher.finalize()) });
                return Ok(true);
            }
            Ok(n) => {
                open.bytes += n as u64;
                open.hasher.update(&self.buffer[..n]);
            }
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e).with_context(cannot_read),
        }
        self.open = Some(open);
        Ok(true)
    }

    /// The provenance once every file is hashed; the hashing is then over (no file left).
    fn finished(&mut self) -> Provenance {
        self.files.clear();
        Provenance { config_sha256: std::mem::take(&mut self.config_sha256), inputs: std::mem::take(&mut self.done) }
    }
}

/// A command line as typed (`args` as the process got them), with arguments quoted
/// for a POSIX shell where needed and the program shown as `mqlcal`.
pub fn command_line(args: impl IntoIterator<Item = String>) -> String {
    args.into_iter()
        .enumerate()
        .map(|(i, a)| {
            let a = if i == 0 { "mqlcal".to_string() } else { a };
            if !a.is_empty() && a.chars().all(|c| c.is_ascii_alphanumeric() || "-_./=:,+@".contains(c)) {
                a
            } else {
                format!("'{}'", a.replace('\'', "'\\''"))
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A path as the user would type it from here: relative to the current folder when inside it.
fn shown(path: &Path) -> String {
    let here = std::env::current_dir().ok();
    let absolute = path.canonicalize().unwrap_or_else(|_| path.to_path_buf());
    match here.as_deref().and_then(|h| absolute.strip_prefix(h).ok()) {
        Some(relative) => relative.display().to_string(),
        None => path.display().to_string(),
    }
}

/// How to reproduce a run of `config` started by `command`: command, config hash, input
/// fingerprints, version. `provenance` is the fitted model's (hashing a million leads' inputs once is enough).
pub fn reproduce(config: &Config, provenance: Provenance, command: &str) -> Reproduce {
    let base = config.source_path.parent().unwrap_or(Path::new("."));
    Reproduce {
        command: command.to_string(),
        config_path: shown(&config.source_path),
        config_sha256: provenance.config_sha256,
        inputs: provenance
            .inputs
            .into_iter()
            .map(|f| InputFingerprint { path: shown(&base.join(&f.path)), bytes: f.bytes, sha256: f.sha256 })
            .collect(),
        tool_version: crate::TOOL_VERSION.to_string(),
    }
}

/// A short name for the run: the config's folder when the file is called mqlcal.toml, else its stem.
pub fn run_name(config: &Config) -> String {
    let path = &config.source_path;
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("mqlcal");
    if stem == "mqlcal" {
        path.canonicalize()
            .ok()
            .and_then(|p| p.parent().and_then(|d| d.file_name()).map(|d| d.to_string_lossy().into_owned()))
            .unwrap_or_else(|| stem.to_string())
    } else {
        stem.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_lines_are_quoted_for_a_shell() {
        let args = ["/usr/local/bin/mqlcal", "recalibrate", "--out", "runs/Q3 run", "--config=it's.toml", ""].map(String::from);
        assert_eq!(command_line(args), "mqlcal recalibrate --out 'runs/Q3 run' '--config=it'\\''s.toml' ''");
    }

    fn sample_config() -> Config {
        Config::load(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../../notebooks-data/mqlcal.toml")).unwrap()
    }

    #[test]
    fn hashing_in_the_background_gives_the_hashes_of_hashing_at_once() {
        let config = sample_config();
        let at_once = provenance(&config).unwrap();
        assert_eq!(at_once.inputs.len(), 3, "leads, events, today's points sheet");
        // Taken over at once, after the worker has started, and after it has finished.
        for wait_ms in [0, 5, 2000] {
            let pending = PendingProvenance::start(&config);
            std::thread::sleep(std::time::Duration::from_millis(wait_ms));
            assert_eq!(pending.finish().unwrap(), at_once, "after {wait_ms} ms");
        }
        use sha2::Digest;
        for (input, name) in at_once.inputs.iter().zip(["leads.csv", "events.csv", "current_points.toml"]) {
            let bytes = std::fs::read(config.source_path.parent().unwrap().join(name)).unwrap();
            assert_eq!(input.path, name);
            assert_eq!(input.bytes, bytes.len() as u64, "{name}");
            assert_eq!(input.sha256, format!("{:x}", sha2::Sha256::digest(&bytes)), "{name}");
        }
    }

    #[test]
    fn an_input_that_cannot_be_read_is_named_however_far_the_worker_got() {
        let dir = tempfile::tempdir().unwrap();
        let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../notebooks-data");
        for file in ["mqlcal.toml", "leads.csv", "current_points.toml"] {
            std::fs::copy(sample.join(file), dir.path().join(file)).unwrap();
        }
        // events.csv is missing
        let config = Config::load(&dir.path().join("mqlcal.toml")).unwrap();
        for wait_ms in [0, 2000] {
            let pending = PendingProvenance::start(&config);
            std::thread::sleep(std::time::Duration::from_millis(wait_ms));
            let error = format!("{:#}", pending.finish().unwrap_err());
            assert!(error.starts_with(&format!("cannot read {}: ", dir.path().join("events.csv").display())), "{error}");
        }
    }
}
