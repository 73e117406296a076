//! Nothing half-written: on SIGINT or SIGTERM a watcher thread removes every
//! staging folder and temp file registered with `mqlcal_files::interrupt` (every
//! output file goes through its writer) and exits (130 / 143).

/// Start the watcher (once, at start-up). Without it signals kill as usual.
pub fn install() {
    use signal_hook::consts::{SIGINT, SIGTERM};
    let Ok(mut signals) = signal_hook::iterator::Signals::new([SIGINT, SIGTERM]) else { return };
    std::thread::spawn(move || {
        if let Some(signal) = signals.forever().next() {
            mqlcal_files::interrupt::remove_pending();
            eprintln!("interrupted: nothing was left half-written");
            std::process::exit(128 + signal);
        }
    });
}
