//! Progress of a multi-stage run on stderr: an indicatif spinner per stage on a
//! terminal, plain `[k/n] stage` lines otherwise (CI logs, pipes). Each stage's
//! wall time is kept for the closing summary and the benchmark.

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};

/// One finished stage and how long it took.
#[derive(Debug, Clone, serde::Serialize)]
pub struct StageTime {
    pub stage: String,
    pub seconds: f64,
}

pub struct Stages {
    total: usize,
    started: usize,
    interactive: bool,
    pub times: Vec<StageTime>,
    /// Warnings raised inside stages, printed once the spinner is gone.
    pending_warnings: Vec<String>,
}

impl Stages {
    /// `total` stages; spinners only when stderr is a terminal (and not TERM=dumb).
    pub fn new(total: usize) -> Self {
        let interactive = std::io::stderr().is_terminal() && std::env::var("TERM").map_or(true, |t| t != "dumb");
        Stages { total, started: 0, interactive, times: Vec::new(), pending_warnings: Vec::new() }
    }

    /// Run one stage, showing it as running and then its wall time.
    pub fn run<T>(&mut self, name: &str, work: impl FnOnce(&mut Vec<String>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        self.started += 1;
        let label = format!("[{}/{}] {name}", self.started, self.total);
        let start = Instant::now();
        let spinner = if self.interactive {
            let bar = ProgressBar::new_spinner().with_message(label.clone());
            bar.set_style(
                ProgressStyle::with_template("{spinner:.cyan} {msg} {elapsed:.dim}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            );
            bar.enable_steady_tick(Duration::from_millis(120));
            Some(bar)
        } else {
            eprintln!("{label} ...");
            None
        };
        let result = work(&mut self.pending_warnings);
        let seconds = start.elapsed().as_secs_f64();
        let outcome = if result.is_ok() { format!("{seconds:.1} s") } else { "failed".to_string() };
        match spinner {
            Some(bar) => {
                if let Ok(style) = ProgressStyle::with_template("  {msg}") {
                    bar.set_style(style);
                }
                bar.finish_with_message(format!("{label}: {outcome}"));
            }
            None => eprintln!("{label}: {outcome}"),
        }
        for warning in self.pending_warnings.drain(..) {
            eprintln!("warning: {warning}");
        }
        self.times.push(StageTime { stage: name.to_string(), seconds });
        result
    }

    /// "stage times: fit 1.2 s, ... (total 9.9 s)"
    pub fn timings(&self) -> String {
        let total: f64 = self.times.iter().map(|t| t.seconds).sum();
        let parts: Vec<String> = self.times.iter().map(|t| format!("{} {:.1} s", t.stage, t.seconds)).collect();
        format!("stage times: {} (total {total:.1} s)", parts.join(", "))
    }
}

impl mqlcal_pipeline::Progress for Stages {
    fn stage<T>(&mut self, name: &str, work: impl FnOnce(&mut Vec<String>) -> anyhow::Result<T>) -> anyhow::Result<T> {
        self.run(name, work)
    }

    fn warn(&mut self, message: &str) {
        eprintln!("warning: {message}");
    }
}
