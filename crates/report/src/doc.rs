//! The report's content, once, as sections of plain-text blocks; `html` and
//! `markdown` only lay it out (and escape every string).

use mqlcal_features::Outcome;

use crate::charts::Chart;
use crate::prepare::Prepared;
use crate::ReportInputs;

pub enum Block {
    /// The recommendation, set apart.
    Lede(String),
    Paragraph(String),
    List(Vec<String>),
    /// Columns flagged numeric are right-aligned.
    Table { header: Vec<String>, numeric: Vec<bool>, rows: Vec<Vec<String>> },
    /// A chart, by name.
    Figure(&'static str),
    Code(String),
}

pub struct Section {
    pub id: &'static str,
    pub heading: String,
    pub blocks: Vec<Block>,
}

fn pct(v: f64) -> String {
    if v.is_finite() {
        format!("{:.1} %", 100.0 * v)
    } else {
        "-".into()
    }
}

fn opt_pct(v: Option<f64>) -> String {
    v.map_or("-".into(), pct)
}

fn num(v: f64, decimals: usize) -> String {
    if v.is_finite() {
        format!("{v:.decimals$}")
    } else {
        "-".into()
    }
}

fn interval(lo: Option<f64>, hi: Option<f64>) -> String {
    match (lo, hi) {
        (Some(l), Some(h)) => format!("{}–{}", pct(l), pct(h)),
        _ => "-".into(),
    }
}

fn table(header: &[&str], numeric: &[bool], rows: Vec<Vec<String>>) -> Block {
    Block::Table { header: header.iter().map(|s| s.to_string()).collect(), numeric: numeric.to_vec(), rows }
}

fn has(charts: &[Chart], name: &str) -> bool {
    charts.iter().any(|c| c.name == name)
}

/// The one-paragraph recommendation the report leads with.
pub fn recommendation(inputs: &ReportInputs) -> String {
    let b = inputs.backtest;
    let r = b.recommended_row();
    let boot = &b.bootstrap;
    let c = &b.constraints;
    let level = format!("{:.0} %", 100.0 * boot.confidence);
    let mut s = if b.recommendation.feasible {
        format!(
            "Set the MQL threshold at {} points. On {} (held out of the fit), that sends {:.0} MQLs a month ({:.0}–{:.0}, {level} bootstrap interval) against a capacity of {:.0}, and {} of the decided MQLs were won ({}–{}), inside the target band of {:.0}–{:.0} %. These MQLs hold {} of the holdout's wins ({}–{}). Capacity and band both hold in {:.0} % of bootstrap resamples.",
            b.recommendation.threshold,
            b.holdout_cohorts.join(", "),
            r.mqls_per_month,
            boot.mqls_per_month.low,
            boot.mqls_per_month.high,
            c.capacity_per_month,
            opt_pct(r.conversion),
            pct(boot.conversion.low),
            pct(boot.conversion.high),
            100.0 * c.band.0,
            100.0 * c.band.1,
            opt_pct(r.wins_captured_share),
            pct(boot.wins_captured_share.low),
            pct(boot.wins_captured_share.high),
            100.0 * boot.p_constraints_hold,
        )
    } else {
        format!(
            "{} The nearest option is threshold {}: {:.0} MQLs a month ({:.0}–{:.0}), conversion {} ({}–{}, {level} bootstrap intervals).",
            b.recommendation.summary,
            b.recommendation.threshold,
            r.mqls_per_month,
            boot.mqls_per_month.low,
            boot.mqls_per_month.high,
            opt_pct(r.conversion),
            pct(boot.conversion.low),
            pct(boot.conversion.high),
        )
    };
    // (An infeasible recommendation's summary already states the month range.)
    if b.recommendation.feasible && b.months > 1 {
        s.push_str(&format!(
            " Month by month it sends {}–{} MQLs ({} of {} complete months over capacity).",
            r.quietest_month_mqls, r.busiest_month_mqls, r.months_over_capacity, b.months
        ));
    }
    if let Some(t) = &b.tiers {
        s.push(' ');
        s.push_str(&t.summary);
    }
    if let Some(cmp) = &b.comparison {
        let delta = |a: Option<f64>, b: Option<f64>| match (a, b) {
            (Some(a), Some(b)) => format!("{:+.1} points", 100.0 * (a - b)),
            _ => "-".into(),
        };
        s.push_str(&format!(
            " Against today's model (threshold {}): {:+.0} MQLs a month, conversion {}, wins captured {}; {:.0} leads a month become MQLs and {:.0} stop being MQLs.",
            cmp.current.threshold,
            cmp.candidate.mqls_per_month - cmp.current.mqls_per_month,
            delta(cmp.candidate.conversion, cmp.current.conversion),
            delta(cmp.candidate.wins_captured_share, cmp.current.wins_captured_share),
            cmp.swaps.iter().find(|s| s.set == "become_mql").map_or(0.0, |s| s.leads_per_month),
            cmp.swaps.iter().find(|s| s.set == "stop_being_mql").map_or(0.0, |s| s.leads_per_month),
        ));
    }
    s
}

pub fn sections(inputs: &ReportInputs, p: &Prepared, charts: &[Chart]) -> Vec<Section> {
    let b = inputs.backtest;
    let model = &p.model;
    let mut out = Vec::new();

    let mut lead = vec![Block::Lede(recommendation(inputs))];
    if !b.drift_headline.sentences.is_empty() {
        lead.push(Block::Paragraph(format!("Drift between training and holdout. {}", b.drift_headline.sentences.join(" "))));
    }
    out.push(Section { id: "recommendation", heading: "Recommendation".into(), blocks: lead });

    let mut warnings: Vec<String> = inputs.data_warnings.to_vec();
    warnings.extend(b.warnings.iter().cloned());
    if let Some(fit) = &model.fit {
        warnings.extend(fit.warnings.iter().map(|w| format!("fit: {w}")));
        warnings.extend(fit.dropped.iter().map(|d| format!("fit: dropped {d}")));
    }
    let counts = |leads: &[crate::LeadScore]| {
        let won = leads.iter().filter(|l| l.outcome == Outcome::Won).count();
        let lost = leads.iter().filter(|l| l.outcome == Outcome::Lost).count();
        (leads.len(), won, lost, leads.len() - won - lost)
    };
    let (tn, tw, tl, to) = counts(&p.training);
    let (hn, hw, hl, ho) = counts(&p.holdout);
    let mut blocks = vec![Block::Paragraph(format!(
        "Trained on {} ({tn} leads: {tw} won, {tl} lost, {to} open); held out {} ({hn} leads: {hw} won, {hl} lost, {ho} open). Open leads count as volume, never in conversion or the fit.",
        b.training_cohorts.join(", "),
        b.holdout_cohorts.join(", ")
    ))];
    if let Some(as_of) = &b.as_of {
        blocks.push(Block::Paragraph(format!(
            "As of {as_of}. MQLs per month are measured over {} complete months ({}).",
            b.months,
            b.volume_months.join(", ")
        )));
    }
    if !b.not_yet_judged.is_empty() {
        let later: Vec<String> =
            b.maturity.iter().filter(|m| b.not_yet_judged.contains(&m.cohort)).map(mqlcal_features::CohortMaturity::describe).collect();
        blocks.push(Block::Paragraph(format!(
            "Not yet judged: {}. Their leads with complete windows count toward volume only.",
            later.join("; ")
        )));
    }
    blocks.push(if warnings.is_empty() { Block::Paragraph("No data or quality warnings.".into()) } else { Block::List(warnings) });
    out.push(Section { id: "data", heading: "Data and quality warnings".into(), blocks });

    let mut blocks = Vec::new();
    if let Some(fit) = &model.fit {
        blocks.push(Block::Paragraph(format!(
            "L2 logistic regression (alpha {}, {}), {} points per unit of log-odds; the strongest positive signal gets the most points. Weights with their standard errors and Wald p-values:",
            num(fit.alpha, 4),
            if fit.alpha_chosen_by == "auto" {
                "chosen by rolling origin: each of the latest training cohorts predicted from those before it"
            } else {
                "set in the config"
            },
            num(fit.points_per_log_odds, 2)
        )));
    }
    let mut signals: Vec<&mqlcal_scorecard::ModelSignal> = model.signals.iter().collect();
    signals.sort_by(|a, b| (a.axis == mqlcal_scorecard::Axis::Engagement).cmp(&(b.axis == mqlcal_scorecard::Axis::Engagement)).then(b.points.cmp(&a.points)));
    blocks.push(table(
        &["signal", "axis", "points", "coefficient", "std error", "p-value"],
        &[false, false, true, true, true, true],
        signals
            .iter()
            .map(|s| {
                vec![
                    s.name.clone(),
                    format!("{:?}", s.axis).to_lowercase(),
                    format!("{:+}", s.points),
                    s.coefficient.map_or("-".into(), |v| num(v, 4)),
                    s.std_error.map_or("-".into(), |v| num(v, 4)),
                    s.p_value.map_or("-".into(), |v| if v < 1e-4 { "<0.0001".into() } else { num(v, 4) }),
                ]
            })
            .collect(),
    ));
    if let Some(cost) = &model.rounding_cost {
        blocks.push(Block::Paragraph(format!(
            "Rounding the weights to integer points costs {:.4} AUC ({:.4} → {:.4}) and {:+.4} log loss on the training leads.",
            cost.auc_exact - cost.auc_rounded,
            cost.auc_exact,
            cost.auc_rounded,
            cost.log_loss_rounded - cost.log_loss_exact
        )));
    }
    if !model.overrides.is_empty() || !model.group_caps.is_empty() {
        let mut rules: Vec<String> = model.overrides.iter().map(|o| format!("{}: {:?}", o.signal, o.rule)).collect();
        rules.extend(model.group_caps.iter().map(|g| format!("cap {}: at most {} points from {}", g.name, g.max_points, g.signals.join(", "))));
        blocks.push(Block::List(rules));
    }
    for name in ["points", "fit_engagement"] {
        if has(charts, name) {
            blocks.push(Block::Figure(name));
        }
    }
    out.push(Section { id: "points", heading: "The points model".into(), blocks });

    let mut rows = Vec::new();
    for (set, m) in &model.metrics {
        rows.push(vec![
            set.clone(),
            m.n.to_string(),
            num(m.roc_auc, 3),
            num(m.average_precision, 3),
            num(m.brier, 4),
            num(m.log_loss, 4),
            num(100.0 * m.ece_equal_mass_10, 1),
            num(m.hosmer_lemeshow_10.p_value, 3),
            m.calibration_intercept_slope.as_ref().map_or("-".into(), |c| num(c.slope, 2)),
            m.calibration_intercept_slope.as_ref().map_or("-".into(), |c| num(c.intercept, 2)),
        ]);
    }
    let mut blocks = vec![
        Block::Paragraph("How well the calibrated score's probabilities match outcomes, on the decided leads of the training cohorts and of the holdout (ECE in percentage points; calibration slope 1 and intercept 0 are perfect):".into()),
        table(
            &["set", "leads", "ROC AUC", "avg precision", "Brier", "log loss", "ECE (pts)", "Hosmer–Lemeshow p", "slope", "intercept"],
            &[false, true, true, true, true, true, true, true, true, true],
            rows,
        ),
    ];
    if has(charts, "reliability") {
        blocks.push(Block::Figure("reliability"));
    }
    out.push(Section { id: "calibration", heading: "Calibration".into(), blocks });

    let c = &b.constraints;
    let mut blocks = vec![Block::Paragraph(format!(
        "Sales can work {:.0} MQLs a month and targets {:.0}–{:.0} % of MQLs won; an MQL costs {:.0} minutes of rep time. The holdout covers {} months. Every threshold was replayed on it; the rule takes the one within capacity and band that captures the most wins.",
        c.capacity_per_month,
        100.0 * c.band.0,
        100.0 * c.band.1,
        c.minutes_per_lead,
        b.months
    ))];
    if has(charts, "thresholds") {
        blocks.push(Block::Figure("thresholds"));
    }
    let k = b.recommendation.row;
    let window = &b.thresholds[k.saturating_sub(5)..(k + 6).min(b.thresholds.len())];
    blocks.push(table(
        &["threshold", "MQLs/month", "busiest month", "conversion", "interval", "wins captured", "lift", "rep hours on lost/month", "capacity", "band", "P(both hold)"],
        &[true, true, true, true, false, true, true, true, false, false, true],
        window
            .iter()
            .map(|r| {
                vec![
                    format!("{}{}", r.threshold, if r.threshold == b.recommendation.threshold { " ◀" } else { "" }),
                    num(r.mqls_per_month, 1),
                    r.busiest_month_mqls.to_string(),
                    opt_pct(r.conversion),
                    interval(r.conversion_low, r.conversion_high),
                    opt_pct(r.wins_captured_share),
                    r.lift.map_or("-".into(), |v| format!("{v:.2}×")),
                    r.rep_hours_on_lost_per_month.map_or("-".into(), |v| num(v, 1)),
                    if r.within_capacity { "within".into() } else { "over".into() },
                    match r.within_band {
                        Some(true) => "in".into(),
                        Some(false) => "out".into(),
                        None => "-".into(),
                    },
                    r.p_constraints_hold.map_or("-".into(), pct),
                ]
            })
            .collect(),
    ));
    if !b.recommendation.feasible {
        blocks.push(Block::Paragraph(b.recommendation.summary.clone()));
        blocks.push(Block::List(b.recommendation.options.iter().map(|o| o.advice.clone()).collect()));
    }
    let boot = &b.bootstrap;
    let mut picks: Vec<String> = boot
        .recommended_thresholds
        .iter()
        .take(4)
        .map(|t| format!("{} in {:.0} %", t.threshold.map_or("none qualifies".to_string(), |t| t.to_string()), 100.0 * t.share))
        .collect();
    if boot.recommended_thresholds.len() > 4 {
        picks.push("…".into());
    }
    blocks.push(Block::Paragraph(format!(
        "Bootstrap: {} resamples of the holdout (seed {}). The rule, re-run on each resample, picks {}. Some threshold qualifies in {:.0} % of them.",
        boot.resamples,
        boot.seed,
        picks.join(", "),
        100.0 * boot.p_any_feasible
    )));
    if let Some(t) = &b.tiers {
        blocks.push(Block::Paragraph(t.summary.clone()));
        blocks.push(table(
            &["tier", "from score", "MQLs/month", "conversion", "interval", "share of wins"],
            &[false, true, true, true, false, true],
            t.rows
                .iter()
                .map(|r| {
                    vec![
                        r.tier.clone(),
                        r.from_score.to_string(),
                        num(r.mqls_per_month, 1),
                        opt_pct(r.conversion),
                        interval(r.conversion_low, r.conversion_high),
                        opt_pct(r.wins_captured_share),
                    ]
                })
                .collect(),
        ));
    }
    for name in ["score_distributions", "gains"] {
        if has(charts, name) {
            blocks.push(Block::Figure(name));
        }
    }
    out.push(Section { id: "thresholds", heading: "Thresholds".into(), blocks });

    let mut blocks = Vec::new();
    if !b.walk_forward.is_empty() {
        if has(charts, "stability") {
            blocks.push(Block::Figure("stability"));
        }
        blocks.push(table(
            &["tested on", "trained on", "AUC", "slope", "threshold", "MQLs/month", "conversion", "carried threshold", "MQLs/month", "conversion"],
            &[false, false, true, true, true, true, true, true, true, true],
            b.walk_forward
                .iter()
                .map(|w| {
                    vec![
                        w.cohort.clone(),
                        format!("{} – {}", w.training_from, w.training_to),
                        w.auc.map_or("-".into(), |v| num(v, 3)),
                        w.calibration_slope.map_or("-".into(), |v| num(v, 2)),
                        w.recommended_threshold.to_string(),
                        num(w.mqls_per_month, 1),
                        opt_pct(w.conversion),
                        w.carried_threshold.to_string(),
                        num(w.carried_mqls_per_month, 1),
                        opt_pct(w.carried_conversion),
                    ]
                })
                .collect(),
        ));
    }
    blocks.push(Block::Paragraph(
        "Drift between the training cohorts and the holdout (population stability index: below 0.1 stable, 0.1–0.25 a moderate shift, above 0.25 a major one):".into(),
    ));
    blocks.push(table(
        &["score or signal", "kind", "stability index", "verdict"],
        &[false, false, true, false],
        b.drift.iter().map(|d| vec![d.name.clone(), d.kind.clone(), num(d.index, 3), d.flag.to_string()]).collect(),
    ));
    out.push(Section { id: "stability", heading: "Stability and drift".into(), blocks });

    if !b.segments.is_empty() {
        let mut blocks = Vec::new();
        if has(charts, "segments") {
            blocks.push(Block::Figure("segments"));
        }
        blocks.push(table(
            &["segment", "value", "leads", "MQLs/month", "share of MQLs", "conversion", "interval", "wins captured", "base conversion"],
            &[false, false, true, true, true, true, false, true, true],
            b.segments
                .iter()
                .map(|s| {
                    vec![
                        s.segment.clone(),
                        s.value.clone(),
                        s.leads.to_string(),
                        num(s.mqls_per_month, 1),
                        pct(s.share_of_mqls),
                        opt_pct(s.conversion),
                        interval(s.conversion_low, s.conversion_high),
                        opt_pct(s.wins_captured_share),
                        opt_pct(s.base_conversion),
                    ]
                })
                .collect(),
        ));
        out.push(Section { id: "segments", heading: format!("Segments at threshold {}", b.recommendation.threshold), blocks });
    }

    if let Some(cmp) = &b.comparison {
        let mut blocks = vec![Block::Paragraph(cmp.summary.clone())];
        if has(charts, "comparison") {
            blocks.push(Block::Figure("comparison"));
        }
        blocks.push(table(
            &["model", "threshold", "MQLs/month", "conversion", "interval", "wins captured"],
            &[false, true, true, true, false, true],
            [("today", &cmp.current), ("recalibrated", &cmp.candidate)]
                .iter()
                .map(|(label, s)| {
                    vec![
                        format!("{label} ({})", s.name),
                        s.threshold.to_string(),
                        num(s.mqls_per_month, 1),
                        opt_pct(s.conversion),
                        interval(s.conversion_low, s.conversion_high),
                        opt_pct(s.wins_captured_share),
                    ]
                })
                .collect(),
        ));
        blocks.push(table(
            &["leads that", "per month", "won", "lost", "open", "conversion", "interval"],
            &[false, true, true, true, true, true, false],
            cmp.swaps
                .iter()
                .map(|s| {
                    let label = match s.set.as_str() {
                        "both" => "are MQLs under both",
                        "become_mql" => "become MQLs",
                        "stop_being_mql" => "stop being MQLs",
                        _ => "are MQLs under neither",
                    };
                    vec![
                        label.to_string(),
                        num(s.leads_per_month, 1),
                        s.won.to_string(),
                        s.lost.to_string(),
                        s.open.to_string(),
                        opt_pct(s.conversion),
                        interval(s.conversion_low, s.conversion_high),
                    ]
                })
                .collect(),
        ));
        out.push(Section { id: "comparison", heading: "Today's model vs the recalibrated one".into(), blocks });
    }

    let r = inputs.reproduce;
    let mut items = vec![
        format!("config: {} (sha256 {})", r.config_path, r.config_sha256),
        format!("mqlcal version: {}", r.tool_version),
    ];
    items.extend(r.inputs.iter().map(|i| format!("input: {} ({} bytes, sha256 {})", i.path, i.bytes, i.sha256)));
    out.push(Section {
        id: "reproduce",
        heading: "How to reproduce".into(),
        blocks: vec![
            Block::Paragraph("The same command on the same inputs gives the same numbers (the bootstrap is seeded):".into()),
            Block::Code(r.command.clone()),
            Block::List(items),
        ],
    });
    out
}
