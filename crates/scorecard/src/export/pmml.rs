//! The model as a PMML 4.4 `Scorecard`: one Characteristic per signal (and one
//! per group cap), whose Attribute's partial score is the signal's rounded
//! points, with reason codes and baseline scores. Its inputs are the model's
//! feature columns (what `mqlcal features` writes); overrides, the MQL threshold
//! and tiers are not part of a PMML scorecard and stay in the model file.

use std::fmt::Write;

use crate::Model;

pub(super) fn xml(text: &str) -> String {
    super::escape_markup(text, "&apos;")
}

/// `points × field`, rounded half away from zero (as the scorer does).
fn rounded(points: i64, field: &str) -> String {
    let product = format!("<Apply function=\"*\"><Constant dataType=\"double\">{points}</Constant><FieldRef field=\"{}\"/></Apply>", xml(field));
    format!(
        "<Apply function=\"if\"><Apply function=\"greaterOrEqual\">{product}<Constant dataType=\"double\">0</Constant></Apply>\
<Apply function=\"floor\"><Apply function=\"+\">{product}<Constant dataType=\"double\">0.5</Constant></Apply></Apply>\
<Apply function=\"*\"><Constant dataType=\"double\">-1</Constant><Apply function=\"floor\"><Apply function=\"+\"><Apply function=\"*\"><Constant dataType=\"double\">-1</Constant>{product}</Apply><Constant dataType=\"double\">0.5</Constant></Apply></Apply></Apply></Apply>"
    )
}

/// The PMML document.
pub fn to_pmml(model: &Model) -> String {
    let mut p = String::new();
    let _ = writeln!(p, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>");
    let _ = writeln!(p, "<PMML xmlns=\"http://www.dmg.org/PMML-4_4\" version=\"4.4\">");
    let _ = writeln!(
        p,
        "  <Header description=\"mqlcal points model: total = base points + the rounded points of every signal (group caps applied)\"><Application name=\"mqlcal\" version=\"{}\"/></Header>",
        xml(&model.tool_version)
    );
    let _ = writeln!(p, "  <DataDictionary numberOfFields=\"{}\">", model.signals.len() + 1);
    for s in &model.signals {
        let _ = writeln!(p, "    <DataField name=\"{}\" optype=\"continuous\" dataType=\"double\"/>", xml(&s.name));
    }
    let _ = writeln!(p, "    <DataField name=\"mqlcal_score\" optype=\"continuous\" dataType=\"double\"/>");
    let _ = writeln!(p, "  </DataDictionary>");
    let _ = writeln!(
        p,
        "  <Scorecard modelName=\"mqlcal\" functionName=\"regression\" useReasonCodes=\"true\" reasonCodeAlgorithm=\"pointsAbove\" initialScore=\"{}\" baselineMethod=\"other\">",
        model.base_points
    );
    let _ = writeln!(p, "    <MiningSchema>");
    for s in &model.signals {
        let _ = writeln!(p, "      <MiningField name=\"{}\" usageType=\"active\" invalidValueTreatment=\"returnInvalid\"/>", xml(&s.name));
    }
    let _ = writeln!(p, "      <MiningField name=\"mqlcal_score\" usageType=\"target\"/>");
    let _ = writeln!(p, "    </MiningSchema>");
    let _ = writeln!(p, "    <Output>");
    let _ = writeln!(p, "      <OutputField name=\"score\" optype=\"continuous\" dataType=\"double\" feature=\"predictedValue\"/>");
    for rank in 1..=3 {
        let _ = writeln!(p, "      <OutputField name=\"reason_{rank}\" optype=\"categorical\" dataType=\"string\" feature=\"reasonCode\" rank=\"{rank}\"/>");
    }
    if let Some(rule) = model.two_axis() {
        p.push_str(&super::pmml_rule::outputs(model, rule));
    }
    let _ = writeln!(p, "    </Output>");
    // Rounded contributions of capped signals (every signal under a two-axis rule,
    // whose sub-scores sum them), for their group's characteristic.
    let capped: Vec<&str> = model.group_caps.iter().flat_map(|g| g.signals.iter().map(String::as_str)).collect();
    let derived: Vec<usize> = (0..model.signals.len()).filter(|&j| model.two_axis().is_some() || capped.contains(&model.signals[j].name.as_str())).collect();
    if !derived.is_empty() {
        let _ = writeln!(p, "    <LocalTransformations>");
        for &j in &derived {
            let s = &model.signals[j];
            let _ = writeln!(p, "      <DerivedField name=\"mqlcal_points_{j}\" optype=\"continuous\" dataType=\"double\">{}</DerivedField>", rounded(s.points, &s.name));
        }
        if model.two_axis().is_some() {
            p.push_str(&super::pmml_rule::subscores(model));
        }
        let _ = writeln!(p, "    </LocalTransformations>");
    }
    let _ = writeln!(p, "    <Characteristics>");
    for s in model.signals.iter().filter(|s| !capped.contains(&s.name.as_str())) {
        let _ = writeln!(
            p,
            "      <Characteristic name=\"{n}\" reasonCode=\"{n}\" baselineScore=\"0\">\n        <Attribute><True/><ComplexPartialScore>{}</ComplexPartialScore></Attribute>\n      </Characteristic>",
            rounded(s.points, &s.name),
            n = xml(&s.name)
        );
    }
    for g in &model.group_caps {
        let members: String = g
            .signals
            .iter()
            .filter_map(|name| model.signals.iter().position(|s| &s.name == name))
            .map(|j| format!("<FieldRef field=\"mqlcal_points_{j}\"/>"))
            .collect();
        let _ = writeln!(
            p,
            "      <Characteristic name=\"cap: {n}\" reasonCode=\"{n}\" baselineScore=\"0\">\n        <Attribute><True/><ComplexPartialScore><Apply function=\"min\"><Apply function=\"sum\">{members}</Apply><Constant dataType=\"double\">{}</Constant></Apply></ComplexPartialScore></Attribute>\n      </Characteristic>",
            g.max_points,
            n = xml(&g.name)
        );
    }
    let _ = writeln!(p, "    </Characteristics>");
    let _ = writeln!(p, "  </Scorecard>");
    let _ = writeln!(p, "</PMML>");
    p
}
