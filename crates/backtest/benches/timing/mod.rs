//! The timing the repo's harness-free benches print: a step run a few times, its median
//! wall time. A folder, not a bench of its own: `mod timing;` in this crate, `#[path]` from
//! another crate's bench (benches share no crate).

/// Run `step` `runs` times (at least once); its last result and the median wall seconds.
pub fn median_seconds<T>(runs: usize, mut step: impl FnMut() -> T) -> (T, f64) {
    let mut seconds = Vec::with_capacity(runs);
    let mut out = step_timed(&mut step, &mut seconds);
    for _ in 1..runs {
        out = step_timed(&mut step, &mut seconds);
    }
    seconds.sort_by(f64::total_cmp);
    (out, seconds[seconds.len() / 2])
}

fn step_timed<T>(step: &mut impl FnMut() -> T, seconds: &mut Vec<f64>) -> T {
    let start = std::time::Instant::now();
    let out = step();
    seconds.push(start.elapsed().as_secs_f64());
    out
}
