//! The two-axis rule in PMML: the fit and engagement sub-scores as derived
//! fields (group caps applied on their axis, as the scorer does), and the MQL
//! flag, grade and route as output fields, generated from
//! [`TwoAxisRule::route_cases`] and the grade bands (overrides first).

use std::fmt::Write;

use super::pmml::xml;
use crate::{Axis, Grades, Model, OverrideRule, Region, TwoAxisRule};

fn constant(v: i64) -> String {
    format!("<Constant dataType=\"double\">{v}</Constant>")
}

fn text(v: &str) -> String {
    format!("<Constant dataType=\"string\">{}</Constant>", xml(v))
}

fn field(name: &str) -> String {
    format!("<FieldRef field=\"{}\"/>", xml(name))
}

fn apply(function: &str, args: &[String]) -> String {
    format!("<Apply function=\"{function}\">{}</Apply>", args.concat())
}

/// All of `conditions` (true when there are none).
fn all(conditions: Vec<String>) -> String {
    match conditions.len() {
        0 => apply("equal", &[constant(0), constant(0)]),
        1 => conditions.into_iter().next().unwrap_or_default(),
        _ => apply("and", &conditions),
    }
}

fn any(conditions: Vec<String>) -> Option<String> {
    match conditions.len() {
        0 => None,
        1 => conditions.into_iter().next(),
        _ => Some(apply("or", &conditions)),
    }
}

fn region(r: &Region) -> String {
    let mut parts = Vec::new();
    for (f, from, below) in [("mqlcal_fit_score", r.fit_from, r.fit_below), ("mqlcal_engagement_score", r.engagement_from, r.engagement_below)] {
        if let Some(v) = from {
            parts.push(apply("greaterOrEqual", &[field(f), constant(v)]));
        }
        if let Some(v) = below {
            parts.push(apply("lessThan", &[field(f), constant(v)]));
        }
    }
    all(parts)
}

/// `mqlcal_fit_score` and `mqlcal_engagement_score`: the rounded points per axis, each group cap once on its axis.
pub(super) fn subscores(model: &Model) -> String {
    let mut terms: [Vec<String>; 2] = [Vec::new(), Vec::new()];
    let slot = |axis: Axis| usize::from(axis == Axis::Engagement);
    for (j, s) in model.signals.iter().enumerate() {
        if !model.group_caps.iter().any(|g| g.signals.contains(&s.name)) {
            terms[slot(s.axis)].push(field(&format!("mqlcal_points_{j}")));
        }
    }
    for g in &model.group_caps {
        let members: Vec<String> =
            g.signals.iter().filter_map(|n| model.signals.iter().position(|s| &s.name == n)).map(|j| field(&format!("mqlcal_points_{j}"))).collect();
        let axis = g.signals.first().and_then(|n| model.signals.iter().find(|s| &s.name == n)).map_or(Axis::Engagement, |s| s.axis);
        let sum = if members.is_empty() { constant(0) } else { apply("sum", &members) };
        terms[slot(axis)].push(apply("min", &[sum, constant(g.max_points)]));
    }
    let mut p = String::new();
    for (name, t) in [("mqlcal_fit_score", &terms[0]), ("mqlcal_engagement_score", &terms[1])] {
        let expr = if t.is_empty() { constant(0) } else { apply("sum", t) };
        let _ = writeln!(p, "      <DerivedField name=\"{name}\" optype=\"continuous\" dataType=\"double\">{expr}</DerivedField>");
    }
    p
}

/// Whether an override of `rule` fires (a feature > 0), None without one.
fn fires(model: &Model, rule: OverrideRule) -> Option<String> {
    any(model
        .overrides
        .iter()
        .filter(|o| o.rule == rule)
        .map(|o| apply("greaterThan", &[field(&o.signal), constant(0)]))
        .collect())
}

/// `if c then a else b` for each (c, a), the last `otherwise`.
fn chain(cases: Vec<(String, String)>, otherwise: String) -> String {
    cases.into_iter().rev().fold(otherwise, |rest, (c, a)| apply("if", &[c, a, rest]))
}

/// Output fields: fit_score, engagement_score, mql (1/0), grade and route.
pub(super) fn outputs(model: &Model, rule: &TwoAxisRule) -> String {
    let (never, always) = (fires(model, OverrideRule::NeverMql), fires(model, OverrideRule::AlwaysMql));
    let mut routes: Vec<(String, String)> = Vec::new();
    routes.extend(never.clone().map(|c| (c, text("discard"))));
    routes.extend(always.clone().map(|c| (c, text("sales"))));
    let routing = rule.route_cases();
    routes.extend(routing.cases.iter().map(|(r, route)| (region(r), text(route.as_str()))));
    let route = chain(routes, text(routing.otherwise.as_str()));
    let mut mql: Vec<(String, String)> = Vec::new();
    mql.extend(never.map(|c| (c, constant(0))));
    mql.extend(always.map(|c| (c, constant(1))));
    mql.push((region(&rule.mql_region()), constant(1)));
    let mql = chain(mql, constant(0));
    let mut p = String::new();
    let out = |p: &mut String, name: &str, kind: &str, expr: String| {
        let optype = if kind == "string" { "categorical" } else { "continuous" };
        let _ = writeln!(p, "      <OutputField name=\"{name}\" optype=\"{optype}\" dataType=\"{kind}\" feature=\"transformedValue\">{expr}</OutputField>");
    };
    out(&mut p, "fit_score", "double", field("mqlcal_fit_score"));
    out(&mut p, "engagement_score", "double", field("mqlcal_engagement_score"));
    out(&mut p, "mql", "double", mql);
    if let Some(g) = &rule.grades {
        let band = |f: &str, bounds: &[i64], name: fn(usize) -> char| {
            let cases = bounds.iter().enumerate().map(|(k, b)| (apply("greaterOrEqual", &[field(f), constant(*b)]), text(&name(k).to_string()))).collect();
            chain(cases, text(&name(bounds.len()).to_string()))
        };
        let grade = apply("concat", &[band("mqlcal_fit_score", &g.fit, Grades::fit_name), band("mqlcal_engagement_score", &g.engagement, Grades::engagement_name)]);
        out(&mut p, "grade", "string", grade);
    }
    out(&mut p, "route", "string", route);
    p
}
