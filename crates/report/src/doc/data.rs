//! Where the numbers come from: the data and its warnings, and how to reproduce the run.

use mqlcal_features::Outcome;
use mqlcal_scorecard::Model;

use super::{Block, Section};
use crate::prepare::Prepared;
use crate::{ReportInputs, Reproduce};

/// The data's warnings, then the backtest's, then the fit's, in words.
fn warnings(inputs: &ReportInputs, model: &Model) -> Vec<String> {
    let b = inputs.backtest;
    let mut warnings: Vec<String> = inputs.data_warnings.to_vec();
    warnings.extend(b.warnings.iter().cloned());
    if let Some(fit) = &model.fit {
        warnings.extend(fit.warnings.iter().map(|w| format!("fit: {w}")));
    }
    // A feature constant on the training leads is one fact: said once, in validate's
    // words when the data's warnings have them (a validated run), else in the fit's.
    let said = |d: &&mqlcal_fit::DroppedSignal| inputs.data_constant_features.contains(&d.signal);
    warnings.extend(inputs.fit.logistic.dropped.iter().filter(|d| !said(d)).map(dropped));
    warnings
}

/// "month=sep was left out of the fit: it has the same value on every training lead".
fn dropped(d: &mqlcal_fit::DroppedSignal) -> String {
    let why = match d.reason {
        mqlcal_fit::DropReason::Constant => "it has the same value on every training lead",
        mqlcal_fit::DropReason::AllMissing => "it is blank on every training lead",
    };
    format!("{} was left out of the fit: {why}", d.signal)
}

/// "Data and quality warnings": the split, the as-of date, cohorts not yet judged, every warning.
pub(super) fn section(inputs: &ReportInputs, p: &Prepared) -> Section {
    let b = inputs.backtest;
    let warnings = warnings(inputs, &p.model);
    let counts = |leads: &[crate::LeadScore]| {
        let of = |o: Outcome| leads.iter().filter(|l| l.outcome == o).map(|l| l.leads).sum::<u64>();
        let all: u64 = leads.iter().map(|l| l.leads).sum();
        let (won, lost) = (of(Outcome::Won), of(Outcome::Lost));
        (all, won, lost, all - won - lost)
    };
    let (tn, tw, tl, to) = counts(&p.training);
    let (hn, hw, hl, ho) = counts(&p.holdout);
    let mut blocks = vec![Block::Paragraph(format!(
        "Trained on {} ({tn} leads: {tw} won, {tl} lost, {to} open); held out {} ({hn} leads: {hw} won, {hl} lost, {ho} open). Open leads count as volume, never in conversion or the fit.",
        b.training_cohorts.join(", "),
        b.holdout_cohorts.join(", ")
    ))];
    if !b.before_window.is_empty() {
        blocks.push(Block::Paragraph(mqlcal_features::split::before_window_sentence(&b.before_window, b.training_cohorts.len())));
    }
    if let Some(as_of) = &b.as_of {
        blocks.push(Block::Paragraph(format!(
            "As of {as_of}. MQLs per month are measured over {} complete months ({}).",
            b.months,
            b.volume_months.join(", ")
        )));
    }
    if let Some(zone) = p.model.inputs.as_ref().and_then(|i| i.time_zone.as_ref()) {
        blocks.push(Block::Paragraph(format!(
            "Times are {} wall-clock time ([input] time_zone): times written without a zone are read as written, and instants (a zone, Z or Unix time) were moved onto that clock, so windows, cohorts and months are the CRM's own.",
            zone.name()
        )));
    }
    if !b.not_yet_judged.is_empty() {
        let later: Vec<String> = b
            .maturity
            .iter()
            .filter(|m| b.not_yet_judged.contains(&m.cohort))
            .map(mqlcal_features::CohortMaturity::describe)
            .collect();
        blocks.push(Block::Paragraph(format!(
            "Not yet judged: {}. Their leads with complete windows count toward volume only.",
            later.join("; ")
        )));
    }
    blocks.extend(inputs.data_notes.iter().map(|note| Block::Paragraph(note.clone())));
    blocks.push(if warnings.is_empty() {
        Block::Paragraph("No data or quality warnings.".into())
    } else {
        Block::List(warnings)
    });
    let more: Vec<String> = super::summary::warnings(inputs)
        .into_iter()
        .skip(super::summary::MAX_WARNINGS)
        .collect();
    if !more.is_empty() {
        blocks.push(Block::Paragraph(
            "Also worth knowing before the decision (beyond the three warnings of the summary):"
                .into(),
        ));
        blocks.push(Block::List(more));
    }
    Section::analyst("data", "Data and quality warnings", blocks)
}

/// "How to reproduce": the command, the config and input fingerprints, the version.
pub(super) fn reproduce_section(r: &Reproduce) -> Section {
    let mut items = vec![
        format!("config: {} (sha256 {})", r.config_path, r.config_sha256),
        format!("mqlcal version: {}", r.tool_version),
    ];
    items.extend(
        r.inputs
            .iter()
            .map(|i| format!("input: {} ({} bytes, sha256 {})", i.path, i.bytes, i.sha256)),
    );
    Section::analyst(
        "reproduce",
        "How to reproduce",
        vec![
            Block::Paragraph("The same command on the same inputs gives the same numbers (the bootstrap is seeded):".into()),
            Block::Code(r.command.clone()),
            Block::List(items),
        ],
    )
}
