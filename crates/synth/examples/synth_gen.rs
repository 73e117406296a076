//! `cargo run --release -p mqlcal-synth --example synth_gen -- LEADS SEED OUT_DIR`
use std::time::Instant;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let leads: usize = args
        .get(1)
        .map(|s| s.parse().expect("LEADS"))
        .unwrap_or(20_000);
    let seed: u64 = args.get(2).map(|s| s.parse().expect("SEED")).unwrap_or(42);
    let out = args.get(3).cloned().unwrap_or_else(|| "synth-out".into());
    let params = mqlcal_synth::SynthParams {
        leads,
        seed,
        ..Default::default()
    };
    let t = Instant::now();
    let summary = mqlcal_synth::generate(&params, std::path::Path::new(&out)).expect("generate");
    eprintln!("generated in {:.2?}", t.elapsed());
    println!("{}", serde_json::to_string_pretty(&summary).unwrap());
}
