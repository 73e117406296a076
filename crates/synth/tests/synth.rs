//! Tests of the synthetic cohort generator: determinism, shape, realism, and that the
//! written config rebuilds exactly the features the truth is defined on.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use chrono::{Datelike, NaiveDate, NaiveDateTime};
use mqlcal_synth::{generate, SynthError, SynthParams, SynthSummary, ACTIVITIES, CHANNELS};

// ---------------------------------------------------------------------------------------------
// Shared 20k-lead cohort
// ---------------------------------------------------------------------------------------------

struct Cohort {
    dir: PathBuf,
    summary: SynthSummary,
    leads: Vec<BTreeMap<String, String>>,
    /// lead_id, occurred_at, activity, in file order
    events: Vec<(String, NaiveDateTime, String)>,
    truth: serde_json::Value,
    true_p: Vec<(String, f64)>,
    config: Toml,
}

fn cohort() -> &'static Cohort {
    static C: OnceLock<Cohort> = OnceLock::new();
    C.get_or_init(|| {
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("mqlcal-synth-20k-seed11");
        let _ = std::fs::remove_dir_all(&dir);
        let params = SynthParams {
            leads: 20_000,
            seed: 11,
            ..Default::default()
        };
        let summary = generate(&params, &dir).expect("generate");
        load(&dir, summary)
    })
}

fn load(dir: &Path, summary: SynthSummary) -> Cohort {
    let leads = read_csv(&dir.join("leads.csv"))
        .into_iter()
        .map(|r| r.into_iter().collect::<BTreeMap<_, _>>())
        .collect();
    let events = read_csv(&dir.join("events.csv"))
        .into_iter()
        .map(|r| {
            let m: HashMap<String, String> = r.into_iter().collect();
            let t = NaiveDateTime::parse_from_str(&m["occurred_at"], "%Y-%m-%dT%H:%M:%S")
                .expect("timestamp");
            (m["lead_id"].clone(), t, m["activity"].clone())
        })
        .collect();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("truth.json")).unwrap()).unwrap();
    let true_p = read_csv(&dir.join("truth_probabilities.csv"))
        .into_iter()
        .map(|r| {
            let m: HashMap<String, String> = r.into_iter().collect();
            (m["lead_id"].clone(), m["true_p"].parse::<f64>().unwrap())
        })
        .collect();
    let config = parse_toml(&std::fs::read_to_string(dir.join("mqlcal.toml")).unwrap());
    Cohort {
        dir: dir.to_path_buf(),
        summary,
        leads,
        events,
        truth,
        true_p,
        config,
    }
}

/// Minimal CSV reader for the generator's output (no quoting is ever needed there).
fn read_csv(path: &Path) -> Vec<Vec<(String, String)>> {
    let text = std::fs::read_to_string(path).unwrap();
    let mut lines = text.lines();
    let header: Vec<String> = lines.next().unwrap().split(',').map(String::from).collect();
    lines
        .map(|l| {
            assert!(
                !l.contains('"'),
                "unexpected quote in {}: {l}",
                path.display()
            );
            let cells: Vec<&str> = l.split(',').collect();
            assert_eq!(
                cells.len(),
                header.len(),
                "row width in {}: {l}",
                path.display()
            );
            header
                .iter()
                .cloned()
                .zip(cells.into_iter().map(String::from))
                .collect()
        })
        .collect()
}

fn quarter_of(d: NaiveDate) -> (i32, u32) {
    (d.year(), (d.month() - 1) / 3 + 1)
}

fn created(l: &BTreeMap<String, String>) -> NaiveDate {
    NaiveDate::parse_from_str(&l["created_at"], "%Y-%m-%d").unwrap()
}

// ---------------------------------------------------------------------------------------------
// A tiny TOML subset reader (enough for the generated config: tables, [[signals]], strings,
// integers/floats, flat arrays, # comment lines)
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq)]
enum V {
    S(String),
    N(f64),
    A(Vec<V>),
}

impl V {
    fn s(&self) -> &str {
        match self {
            V::S(s) => s,
            other => panic!("not a string: {other:?}"),
        }
    }
    fn n(&self) -> f64 {
        match self {
            V::N(n) => *n,
            other => panic!("not a number: {other:?}"),
        }
    }
    fn strs(&self) -> Vec<String> {
        match self {
            V::A(a) => a.iter().map(|v| v.s().to_string()).collect(),
            V::S(s) => vec![s.clone()],
            other => panic!("not a string list: {other:?}"),
        }
    }
    fn nums(&self) -> Vec<f64> {
        match self {
            V::A(a) => a.iter().map(V::n).collect(),
            other => panic!("not a number list: {other:?}"),
        }
    }
}

#[derive(Debug, Default)]
struct Toml {
    tables: BTreeMap<String, BTreeMap<String, V>>,
    signals: Vec<BTreeMap<String, V>>,
}

fn parse_scalar(s: &str) -> V {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('"') {
        let inner = inner
            .strip_suffix('"')
            .unwrap_or_else(|| panic!("unterminated string {s}"));
        assert!(
            !inner.contains('\\') && !inner.contains('"'),
            "escapes not supported: {s}"
        );
        V::S(inner.to_string())
    } else {
        V::N(
            s.parse()
                .unwrap_or_else(|_| panic!("not a TOML scalar: {s}")),
        )
    }
}

fn parse_value(s: &str) -> V {
    let s = s.trim();
    if let Some(inner) = s.strip_prefix('[') {
        let inner = inner.strip_suffix(']').expect("array on one line");
        let mut items = Vec::new();
        let mut cur = String::new();
        let mut in_str = false;
        for c in inner.chars() {
            match c {
                '"' => {
                    in_str = !in_str;
                    cur.push(c)
                }
                ',' if !in_str => {
                    items.push(parse_scalar(&cur));
                    cur.clear();
                }
                _ => cur.push(c),
            }
        }
        if !cur.trim().is_empty() {
            items.push(parse_scalar(&cur));
        }
        V::A(items)
    } else {
        parse_scalar(s)
    }
}

fn parse_toml(text: &str) -> Toml {
    let mut t = Toml::default();
    enum Cur {
        None,
        Table(String),
        Signal,
    }
    let mut cur = Cur::None;
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if line == "[[signals]]" {
            t.signals.push(BTreeMap::new());
            cur = Cur::Signal;
        } else if let Some(name) = line.strip_prefix('[').and_then(|l| l.strip_suffix(']')) {
            assert!(!t.tables.contains_key(name), "duplicate table {name}");
            t.tables.insert(name.to_string(), BTreeMap::new());
            cur = Cur::Table(name.to_string());
        } else {
            let (k, v) = line
                .split_once('=')
                .unwrap_or_else(|| panic!("not key = value: {line}"));
            let (k, v) = (k.trim().to_string(), parse_value(v));
            let map = match &cur {
                Cur::None => panic!("key outside a table: {line}"),
                Cur::Table(name) => t.tables.get_mut(name).unwrap(),
                Cur::Signal => t.signals.last_mut().unwrap(),
            };
            assert!(map.insert(k.clone(), v).is_none(), "duplicate key {k}");
        }
    }
    t
}

fn fmt_num(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{}", x as i64)
    } else {
        format!("{x}")
    }
}

/// Feature column names implied by the config (per docs/config-format.md).
fn config_feature_names(cfg: &Toml) -> Vec<String> {
    let mut names = Vec::new();
    for s in &cfg.signals {
        let name = s["name"].s();
        let kind = s["kind"].s();
        match kind {
            "categorical" => {
                for l in s["levels"].strs() {
                    names.push(format!("{name}={l}"));
                }
            }
            "numeric" | "count" if s.contains_key("bins") => {
                let b = s["bins"].nums();
                for i in 0..b.len() {
                    let hi = b
                        .get(i + 1)
                        .map(|&x| fmt_num(x))
                        .unwrap_or_else(|| "inf".into());
                    names.push(format!("{name}=[{},{hi})", fmt_num(b[i])));
                }
            }
            "numeric" | "count" | "flag" | "events" => names.push(name.to_string()),
            other => panic!("unknown kind {other}"),
        }
    }
    names
}

/// Feature rows rebuilt from the written files with the written config, for every lead in
/// leads.csv order. `end_of_day`: read the window end as the end of day created + window_days
/// instead of its start (both must give the same counts).
fn rebuild_features(c: &Cohort, end_of_day: bool) -> Vec<Vec<f64>> {
    let cfg = &c.config;
    let window = cfg.tables["events"]["window_days"].n() as i64;
    let mut per_lead: HashMap<&str, Vec<(NaiveDateTime, &str)>> = HashMap::new();
    for (id, t, a) in &c.events {
        per_lead
            .entry(id.as_str())
            .or_default()
            .push((*t, a.as_str()));
    }
    let mut rows = Vec::with_capacity(c.leads.len());
    for l in &c.leads {
        let start = created(l).and_hms_opt(0, 0, 0).unwrap();
        let mut end = start + chrono::Duration::days(window);
        if end_of_day {
            end += chrono::Duration::seconds(86_399);
        }
        let evs = per_lead
            .get(l["lead_id"].as_str())
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let mut x = Vec::new();
        for s in &cfg.signals {
            match s["kind"].s() {
                "categorical" => {
                    let v = l[s["column"].s()].trim();
                    for level in s["levels"].strs() {
                        x.push((v == level) as u8 as f64);
                    }
                }
                "numeric" | "count" => {
                    let cell = l[s["column"].s()].trim();
                    let mut v = if cell.is_empty() {
                        s.get("default").expect("blank without default").n()
                    } else {
                        cell.parse::<f64>().unwrap()
                    };
                    if let Some(f) = s.get("floor") {
                        v = v.max(f.n());
                    }
                    if let Some(cap) = s.get("cap") {
                        v = v.min(cap.n());
                    }
                    v *= s.get("scale").map(V::n).unwrap_or(1.0);
                    if let Some(b) = s.get("bins") {
                        let b = b.nums();
                        for i in 0..b.len() {
                            let hi = b.get(i + 1).copied().unwrap_or(f64::INFINITY);
                            x.push((v >= b[i] && v < hi) as u8 as f64);
                        }
                    } else {
                        x.push(v);
                    }
                }
                "flag" => {
                    let v = l[s["column"].s()].trim();
                    x.push(s["equals"].strs().iter().any(|e| e == v) as u8 as f64);
                }
                "events" => {
                    assert_eq!(s.get("decay").map(V::s).unwrap_or("none"), "none");
                    let acts = s["activity"].strs();
                    let n = evs
                        .iter()
                        .filter(|(t, a)| *t >= start && *t <= end && acts.iter().any(|x| x == a))
                        .count() as f64;
                    let n = s.get("cap").map(|cap| n.min(cap.n())).unwrap_or(n);
                    x.push(n * s.get("scale").map(V::n).unwrap_or(1.0));
                }
                other => panic!("unknown kind {other}"),
            }
        }
        rows.push(x);
    }
    rows
}

fn truth_vector(c: &Cohort) -> (f64, Vec<f64>) {
    let names = config_feature_names(&c.config);
    let w = names
        .iter()
        .map(|n| {
            c.truth["weights"][n]
                .as_f64()
                .unwrap_or_else(|| panic!("weight {n}"))
        })
        .collect();
    (c.truth["intercept"].as_f64().unwrap(), w)
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

// ---------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------

fn read_all(files: &[PathBuf]) -> Vec<(String, Vec<u8>)> {
    files
        .iter()
        .map(|p| {
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(p).unwrap(),
            )
        })
        .collect()
}

#[test]
fn same_seed_same_bytes_different_seed_different_bytes() {
    let tmp = tempfile::tempdir().unwrap();
    let p = SynthParams {
        leads: 3_000,
        seed: 5,
        ..Default::default()
    };
    let a = generate(&p, &tmp.path().join("a")).unwrap();
    let b = generate(&p, &tmp.path().join("b")).unwrap();
    assert_eq!(a.files.len(), 6);
    assert_eq!(read_all(&a.files), read_all(&b.files));
    assert_eq!(
        (a.leads, a.events, a.won, a.lost, a.open),
        (b.leads, b.events, b.won, b.lost, b.open)
    );

    // regenerating into the same folder overwrites with the same bytes
    let again = generate(&p, &tmp.path().join("a")).unwrap();
    assert_eq!(read_all(&a.files), read_all(&again.files));

    let c = generate(
        &SynthParams {
            seed: 6,
            ..p.clone()
        },
        &tmp.path().join("c"),
    )
    .unwrap();
    let (ra, rc) = (read_all(&a.files), read_all(&c.files));
    for name in ["leads.csv", "events.csv", "truth_probabilities.csv"] {
        let fa = &ra.iter().find(|(n, _)| n == name).unwrap().1;
        let fc = &rc.iter().find(|(n, _)| n == name).unwrap().1;
        assert_ne!(fa, fc, "{name} should depend on the seed");
    }
}

#[test]
fn writes_exactly_the_six_files_atomically_into_a_new_nested_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("x").join("y");
    let s = generate(
        &SynthParams {
            leads: 500,
            seed: 1,
            ..Default::default()
        },
        &out,
    )
    .unwrap();
    let names: BTreeSet<String> = std::fs::read_dir(&out)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    let expected: BTreeSet<String> = [
        "leads.csv",
        "events.csv",
        "truth.json",
        "truth_probabilities.csv",
        "mqlcal.toml",
        "current_points.toml",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    assert_eq!(names, expected, "no temporary files may be left behind");
    let listed: Vec<String> = s
        .files
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(
        listed,
        [
            "leads.csv",
            "events.csv",
            "truth.json",
            "truth_probabilities.csv",
            "mqlcal.toml",
            "current_points.toml"
        ]
    );
    assert!(s.files.iter().all(|p| p.starts_with(&out)));
}

#[test]
fn rejects_invalid_params() {
    let tmp = tempfile::tempdir().unwrap();
    let bad = [
        SynthParams {
            quarters: 7,
            ..Default::default()
        },
        SynthParams {
            leads: 0,
            ..Default::default()
        },
        SynthParams {
            window_days: 0,
            ..Default::default()
        },
        SynthParams {
            start: NaiveDate::from_ymd_opt(2024, 2, 1).unwrap(),
            ..Default::default()
        },
        SynthParams {
            start: NaiveDate::from_ymd_opt(2024, 4, 2).unwrap(),
            ..Default::default()
        },
    ];
    for p in bad {
        match generate(&p, tmp.path()) {
            Err(SynthError::InvalidParams(msg)) => assert!(!msg.is_empty()),
            other => panic!("{p:?} should be rejected, got {other:?}"),
        }
    }
}

#[test]
fn other_quarters_start_and_window_are_honoured() {
    let tmp = tempfile::tempdir().unwrap();
    let p = SynthParams {
        leads: 4_000,
        seed: 3,
        quarters: 10,
        start: NaiveDate::from_ymd_opt(2023, 7, 1).unwrap(),
        window_days: 14,
        ..Default::default()
    };
    let s = generate(&p, tmp.path()).unwrap();
    let c = load(tmp.path(), s);
    let quarters: BTreeSet<(i32, u32)> = c.leads.iter().map(|l| quarter_of(created(l))).collect();
    assert_eq!(quarters.len(), 10);
    assert_eq!(*quarters.iter().next().unwrap(), (2023, 3));
    assert_eq!(*quarters.iter().last().unwrap(), (2025, 4));
    assert_eq!(c.config.tables["events"]["window_days"].n(), 14.0);
    assert_eq!(c.truth["window_days"], 14);
    assert_eq!(c.truth["as_of"], "2026-01-01");
    // the truth still matches features rebuilt with the 14-day window
    let (b0, w) = truth_vector(&c);
    let x = rebuild_features(&c, false);
    for (row, (id, p)) in x.iter().zip(&c.true_p) {
        let z = b0 + row.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
        assert!((sigmoid(z) - p).abs() < 1e-8, "{id}: {} vs {p}", sigmoid(z));
    }
}

#[test]
fn shape_of_leads_and_events() {
    let c = cohort();
    let s = &c.summary;
    assert_eq!(c.leads.len(), 20_000);
    assert_eq!(s.leads, 20_000);
    assert_eq!(s.events, c.events.len());
    assert_eq!(s.won + s.lost + s.open, s.leads);

    // header and columns
    let header = std::fs::read_to_string(c.dir.join("leads.csv"))
        .unwrap()
        .lines()
        .next()
        .unwrap()
        .to_string();
    assert_eq!(
        header,
        "lead_id,created_at,outcome,channel,title_seniority,company_size,industry,country,email_domain_type"
    );
    let ids: Vec<&str> = c.leads.iter().map(|l| l["lead_id"].as_str()).collect();
    assert_eq!(ids[0], "L0000001");
    assert_eq!(
        ids.iter().collect::<BTreeSet<_>>().len(),
        ids.len(),
        "ids unique"
    );
    // sorted by created_at, ids in creation order
    assert!(c.leads.windows(2).all(|w| created(&w[0]) <= created(&w[1])));
    assert!(ids.windows(2).all(|w| w[0] < w[1]));

    // at least 8 quarters, volume growing mildly
    let mut per_q: BTreeMap<(i32, u32), usize> = BTreeMap::new();
    for l in &c.leads {
        *per_q.entry(quarter_of(created(l))).or_default() += 1;
    }
    assert!(per_q.len() >= 8, "{per_q:?}");
    let vols: Vec<usize> = per_q.values().copied().collect();
    assert!(vols.last().unwrap() > vols.first().unwrap());
    assert!((*vols.last().unwrap() as f64) < 2.0 * *vols.first().unwrap() as f64);

    // categorical columns
    let set = |col: &str| {
        c.leads
            .iter()
            .map(|l| l[col].clone())
            .collect::<BTreeSet<String>>()
    };
    assert_eq!(
        set("channel"),
        CHANNELS.iter().map(|s| s.to_string()).collect()
    );
    assert_eq!(
        set("outcome"),
        ["won", "lost", "open"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    assert_eq!(set("title_seniority").len(), 6);
    assert_eq!(
        set("email_domain_type"),
        ["business", "personal", "student", "competitor"]
            .iter()
            .map(|s| s.to_string())
            .collect()
    );
    assert!(set("industry").len() >= 5);
    assert!(set("country").len() >= 5);
    // company size: positive integers, log-normal-ish spread, a few blanks
    let sizes: Vec<&str> = c.leads.iter().map(|l| l["company_size"].as_str()).collect();
    let blanks = sizes.iter().filter(|s| s.is_empty()).count();
    assert!(blanks > 0 && blanks < 2_000, "blanks {blanks}");
    let mut nums: Vec<u64> = sizes
        .iter()
        .filter(|s| !s.is_empty())
        .map(|s| s.parse().unwrap())
        .collect();
    nums.sort_unstable();
    assert!(nums[0] >= 1);
    let median = nums[nums.len() / 2];
    assert!((50..=500).contains(&median), "median size {median}");
    assert!(*nums.last().unwrap() > 10_000);

    // win rate among decided leads in a realistic band
    let rate = s.won as f64 / (s.won + s.lost) as f64;
    assert!((0.10..=0.20).contains(&rate), "win rate {rate}");

    // open leads only in the latest quarter, and they are most of its last month
    let last_q = *per_q.keys().last().unwrap();
    let as_of = NaiveDate::parse_from_str(c.truth["as_of"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    let (mut open_last_month, mut last_month) = (0, 0);
    for l in &c.leads {
        let d = created(l);
        if l["outcome"] == "open" {
            assert_eq!(
                quarter_of(d),
                last_q,
                "open lead outside the latest quarter: {l:?}"
            );
        }
        if (as_of - d).num_days() <= 30 {
            last_month += 1;
            open_last_month += (l["outcome"] == "open") as usize;
        }
    }
    assert!(s.open > 0);
    assert!(open_last_month as f64 > 0.8 * last_month as f64);
    assert!(
        s.open > open_last_month,
        "some open leads are older than a month"
    );

    // events: all activities, ~20 per lead, email opens and blog visits dominate, demos rare
    let mut act: BTreeMap<&str, usize> = BTreeMap::new();
    for (_, _, a) in &c.events {
        *act.entry(a.as_str()).or_default() += 1;
    }
    assert_eq!(
        act.keys().copied().collect::<BTreeSet<_>>(),
        ACTIVITIES.iter().copied().collect()
    );
    let per_lead = c.events.len() as f64 / c.leads.len() as f64;
    assert!(
        (15.0..=25.0).contains(&per_lead),
        "{per_lead} events per lead"
    );
    let top2 = act["email_open"] + act["blog_visit"];
    assert!(top2 as f64 > 0.7 * c.events.len() as f64);
    assert!(act["demo_request"] < act["pricing_page_visit"]);
    assert!((act["demo_request"] as f64) < 0.02 * c.events.len() as f64);

    // sorted by lead then time; every event belongs to a known lead; nothing at/after as_of
    let pos: HashMap<&str, usize> = ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    let as_of_t = as_of.and_hms_opt(0, 0, 0).unwrap();
    let mut prev: Option<(usize, NaiveDateTime)> = None;
    for (id, t, _) in &c.events {
        let k = (pos[id.as_str()], *t);
        if let Some(p) = prev {
            assert!(p <= k, "events not sorted by lead then time at {id} {t}");
        }
        prev = Some(k);
        assert!(*t < as_of_t);
    }

    // most events inside the window, some after it (leakage), a few before creation
    let window = c.truth["window_days"].as_i64().unwrap();
    let (mut before, mut inside, mut after) = (0usize, 0usize, 0usize);
    let (mut after_won, mut after_lost) = (0usize, 0usize);
    for (id, t, _) in &c.events {
        let l = &c.leads[pos[id.as_str()]];
        let start = created(l).and_hms_opt(0, 0, 0).unwrap();
        let end = start + chrono::Duration::days(window);
        if *t < start {
            before += 1;
        } else if *t < end {
            inside += 1;
        } else {
            // never on the boundary day itself
            assert!(
                *t >= end + chrono::Duration::days(1),
                "event on the window's last day: {id} {t}"
            );
            after += 1;
            match l["outcome"].as_str() {
                "won" => after_won += 1,
                "lost" => after_lost += 1,
                _ => {}
            }
        }
    }
    let n = c.events.len() as f64;
    assert!(inside as f64 > 0.6 * n, "inside {inside} of {n}");
    assert!(after as f64 > 0.05 * n, "after {after}");
    assert!(before > 0 && (before as f64) < 0.05 * n, "before {before}");
    // won leads have more post-window activity per lead than lost ones
    assert!(after_won as f64 / s.won as f64 > 1.5 * after_lost as f64 / s.lost as f64);
}

#[test]
fn win_rates_differ_by_channel() {
    let c = cohort();
    let mut by: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for l in &c.leads {
        let e = by.entry(l["channel"].as_str()).or_default();
        match l["outcome"].as_str() {
            "won" => e.0 += 1.0,
            "lost" => e.1 += 1.0,
            _ => {}
        }
    }
    let rate = |ch: &str| {
        let (w, l) = by[ch];
        (w / (w + l), w + l)
    };
    let (ref_rate, ref_n) = rate("referral");
    let (soc_rate, soc_n) = rate("paid social");
    let (org_rate, _) = rate("organic search");
    let pooled = (ref_rate * ref_n + soc_rate * soc_n) / (ref_n + soc_n);
    let z = (ref_rate - soc_rate) / (pooled * (1.0 - pooled) * (1.0 / ref_n + 1.0 / soc_n)).sqrt();
    assert!(
        z > 4.0,
        "referral {ref_rate} vs paid social {soc_rate}: z {z}"
    );
    assert!(org_rate > soc_rate);
    // referral and organic are the two best channels, paid social the worst
    let mut rates: Vec<(f64, &str)> = CHANNELS.iter().map(|ch| (rate(ch).0, *ch)).collect();
    rates.sort_by(|a, b| b.0.partial_cmp(&a.0).unwrap());
    assert_eq!(rates.last().unwrap().1, "paid social", "{rates:?}");
    assert!(
        rates[..2].iter().any(|(_, ch)| *ch == "referral"),
        "{rates:?}"
    );
}

#[test]
fn truth_features_equal_the_configs_feature_columns() {
    let c = cohort();
    let cfg = &c.config;
    let implied = config_feature_names(cfg);
    let listed: Vec<String> = c.truth["features"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    assert_eq!(listed, implied);
    let keys: BTreeSet<String> = c.truth["weights"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    assert_eq!(keys, implied.iter().cloned().collect::<BTreeSet<_>>());
    assert_eq!(mqlcal_synth::feature_names(), implied);
    assert_eq!(c.truth["seed"], 11);
    assert_eq!(c.truth["leads"], 20_000);
    assert!(c.truth["notes"].as_str().unwrap().contains("blog_binge"));

    // the config's sections, per docs/config-format.md
    assert_eq!(cfg.tables["input"]["leads"].s(), "leads.csv");
    assert_eq!(cfg.tables["input"]["events"].s(), "events.csv");
    assert_eq!(cfg.tables["columns"]["id"].s(), "lead_id");
    assert_eq!(cfg.tables["columns"]["created_at"].s(), "created_at");
    assert_eq!(cfg.tables["columns"]["outcome"].s(), "outcome");
    assert_eq!(cfg.tables["columns"]["segments"].strs(), ["channel"]);
    assert_eq!(cfg.tables["outcome"]["won"].strs(), ["won"]);
    assert_eq!(cfg.tables["outcome"]["lost"].strs(), ["lost"]);
    assert_eq!(cfg.tables["outcome"]["open"].strs(), ["open"]);
    assert_eq!(cfg.tables["events"]["window_days"].n(), 30.0);
    assert_eq!(cfg.tables["cohorts"]["period"].s(), "quarter");
    let allowed: BTreeMap<&str, &[&str]> = [
        (
            "input",
            &[
                "leads",
                "events",
                "delimiter",
                "encoding",
                "missing",
                "duplicates",
            ][..],
        ),
        (
            "columns",
            &["id", "created_at", "date_format", "outcome", "segments"][..],
        ),
        ("outcome", &["won", "lost", "open", "blank_is"][..]),
        (
            "events",
            &[
                "lead_id",
                "occurred_at",
                "activity",
                "date_format",
                "window_days",
            ][..],
        ),
        ("cohorts", &["period"][..]),
        ("model", &["current"][..]),
        (
            "sales",
            &[
                "capacity_per_month",
                "target_conversion",
                "minutes_per_lead",
                "hot_capacity_per_month",
            ][..],
        ),
        (
            "backtest",
            &[
                "bootstrap_resamples",
                "seed",
                "confidence",
                "walk_forward_min_training_cohorts",
            ][..],
        ),
    ]
    .into_iter()
    .collect();
    assert_eq!(cfg.tables.keys().map(String::as_str).collect::<Vec<_>>(), {
        let mut k: Vec<&str> = allowed.keys().copied().collect();
        k.sort();
        k
    });
    for (t, keys) in &cfg.tables {
        for k in keys.keys() {
            assert!(
                allowed[t.as_str()].contains(&k.as_str()),
                "unknown key {t}.{k}"
            );
        }
    }
    let leads_header: BTreeSet<&str> =
        "lead_id,created_at,outcome,channel,title_seniority,company_size,industry,country,email_domain_type"
            .split(',')
            .collect();
    for s in &cfg.signals {
        let kind = s["kind"].s();
        assert!(["fit", "engagement"].contains(&s["axis"].s()));
        let keys: &[&str] = match kind {
            "categorical" => &["name", "axis", "kind", "column", "levels"],
            "numeric" | "count" => &[
                "name", "axis", "kind", "column", "floor", "cap", "scale", "default", "bins",
            ],
            "flag" => &["name", "axis", "kind", "column", "equals"],
            "events" => &["name", "axis", "kind", "activity", "cap", "decay", "scale"],
            other => panic!("kind {other}"),
        };
        for k in s.keys() {
            assert!(
                keys.contains(&k.as_str()),
                "signal {} has unknown key {k}",
                s["name"].s()
            );
        }
        if let Some(col) = s.get("column") {
            assert!(leads_header.contains(col.s()), "column {}", col.s());
        }
        if kind == "events" {
            assert_eq!(s["decay"].s(), "none");
            for a in s["activity"].strs() {
                assert!(ACTIVITIES.contains(&a.as_str()));
            }
        }
    }
    // at least one signal computed from a numeric leads.csv column
    assert!(cfg.signals.iter().any(|s| s["kind"].s() == "numeric"));
}

#[test]
fn features_rebuilt_from_files_and_config_reproduce_the_true_probabilities() {
    let c = cohort();
    let x = rebuild_features(c, false);
    let x_eod = rebuild_features(c, true);
    assert_eq!(
        x, x_eod,
        "window end read as start or end of day must not matter"
    );
    let (b0, w) = truth_vector(c);
    assert_eq!(c.true_p.len(), c.leads.len());
    let (mut sum_p, mut sum_var, mut won, mut decided) = (0.0, 0.0, 0.0, 0.0);
    for ((row, (id, p)), l) in x.iter().zip(&c.true_p).zip(&c.leads) {
        assert_eq!(id, &l["lead_id"]);
        let z = b0 + row.iter().zip(&w).map(|(a, b)| a * b).sum::<f64>();
        let q = sigmoid(z);
        assert!((q - p).abs() < 1e-8, "{id}: rebuilt {q} vs true_p {p}");
        if l["outcome"] != "open" {
            decided += 1.0;
            sum_p += q;
            sum_var += q * (1.0 - q);
            won += (l["outcome"] == "won") as u8 as f64;
        }
    }
    // observed wins agree with the model within 3 binomial SDs
    let sd = sum_var.sqrt();
    assert!(
        (won - sum_p).abs() < 3.0 * sd,
        "won {won}, expected {sum_p} ± {sd} of {decided}"
    );
    // and the model is informative: top decile by true_p wins far more often than the bottom half
    let mut by_p: Vec<(f64, bool)> = c
        .leads
        .iter()
        .zip(&c.true_p)
        .filter(|(l, _)| l["outcome"] != "open")
        .map(|(l, (_, p))| (*p, l["outcome"] == "won"))
        .collect();
    by_p.sort_by(|a, b| a.0.partial_cmp(&b.0).unwrap());
    let rate = |s: &[(f64, bool)]| s.iter().filter(|x| x.1).count() as f64 / s.len() as f64;
    let n = by_p.len();
    assert!(rate(&by_p[n * 9 / 10..]) > 4.0 * rate(&by_p[..n / 2]));
}

/// Unpenalised logistic regression by Newton's method; returns (coefficients with the
/// intercept first, their standard errors).
#[allow(clippy::needless_range_loop)]
fn logistic_fit(x: &[Vec<f64>], y: &[f64]) -> (Vec<f64>, Vec<f64>) {
    let p = x[0].len() + 1;
    let mut beta = vec![0.0; p];
    let mut cov = vec![vec![0.0; p]; p];
    for _ in 0..50 {
        let mut h = vec![vec![0.0; p]; p];
        let mut g = vec![0.0; p];
        let mut row = vec![0.0; p];
        for (xi, &yi) in x.iter().zip(y) {
            row[0] = 1.0;
            row[1..].copy_from_slice(xi);
            let z: f64 = row.iter().zip(&beta).map(|(a, b)| a * b).sum();
            let mu = sigmoid(z);
            let wgt = mu * (1.0 - mu);
            for j in 0..p {
                if row[j] == 0.0 {
                    continue;
                }
                g[j] += (yi - mu) * row[j];
                for k in 0..=j {
                    h[j][k] += wgt * row[j] * row[k];
                }
            }
        }
        for j in 0..p {
            for k in 0..j {
                h[k][j] = h[j][k];
            }
        }
        cov = invert(h);
        let step: Vec<f64> = (0..p)
            .map(|j| (0..p).map(|k| cov[j][k] * g[k]).sum())
            .collect();
        for j in 0..p {
            beta[j] += step[j];
        }
        if step.iter().map(|s| s.abs()).fold(0.0, f64::max) < 1e-9 {
            break;
        }
    }
    let se = (0..p).map(|j| cov[j][j].sqrt()).collect();
    (beta, se)
}

/// Gauss–Jordan inverse with partial pivoting.
fn invert(mut a: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let n = a.len();
    let mut inv: Vec<Vec<f64>> = (0..n)
        .map(|i| (0..n).map(|j| (i == j) as u8 as f64).collect())
        .collect();
    for col in 0..n {
        let piv = (col..n)
            .max_by(|&i, &j| a[i][col].abs().partial_cmp(&a[j][col].abs()).unwrap())
            .unwrap();
        a.swap(col, piv);
        inv.swap(col, piv);
        let d = a[col][col];
        assert!(d.abs() > 1e-12, "singular information matrix");
        for j in 0..n {
            a[col][j] /= d;
            inv[col][j] /= d;
        }
        for i in 0..n {
            if i != col {
                let f = a[i][col];
                if f != 0.0 {
                    for j in 0..n {
                        a[i][j] -= f * a[col][j];
                        inv[i][j] -= f * inv[col][j];
                    }
                }
            }
        }
    }
    inv
}

#[test]
fn a_logistic_fit_on_decided_leads_recovers_the_true_weights() {
    let c = cohort();
    let x_all = rebuild_features(c, false);
    let (mut x, mut y) = (Vec::new(), Vec::new());
    for (row, l) in x_all.into_iter().zip(&c.leads) {
        match l["outcome"].as_str() {
            "won" => y.push(1.0),
            "lost" => y.push(0.0),
            _ => continue,
        }
        x.push(row);
    }
    let (b0, w) = truth_vector(c);
    let (beta, se) = logistic_fit(&x, &y);
    let names = config_feature_names(&c.config);
    let truth: Vec<f64> = std::iter::once(b0).chain(w).collect();
    let labels: Vec<String> = std::iter::once("(intercept)".to_string())
        .chain(names)
        .collect();
    let mut report = String::new();
    let mut worst: f64 = 0.0;
    for j in 0..beta.len() {
        let z = (beta[j] - truth[j]) / se[j];
        worst = worst.max(z.abs());
        report.push_str(&format!(
            "{:32} true {:7.3} fit {:7.3} se {:6.3} z {:6.2}\n",
            labels[j], truth[j], beta[j], se[j], z
        ));
    }
    eprintln!("{report}");
    assert!(worst < 4.0, "fit far from truth:\n{report}");
    // and the strongest signals are clearly identified
    let demo = labels.iter().position(|l| l == "demo_request").unwrap();
    assert!(beta[demo] > 1.5, "{report}");
    let comp = labels
        .iter()
        .position(|l| l == "email_domain=competitor")
        .unwrap();
    assert!(beta[comp] < -1.5, "{report}");
}

#[test]
fn tiny_cohorts_work() {
    let tmp = tempfile::tempdir().unwrap();
    for n in [1usize, 7, 9] {
        let dir = tmp.path().join(n.to_string());
        let s = generate(
            &SynthParams {
                leads: n,
                seed: 2,
                ..Default::default()
            },
            &dir,
        )
        .unwrap();
        assert_eq!(s.leads, n);
        assert_eq!(s.won + s.lost + s.open, n);
        let c = load(&dir, s);
        assert_eq!(c.leads.len(), n);
        assert_eq!(c.true_p.len(), n);
    }
}
