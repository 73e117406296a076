//! `report.md`: the same content as the HTML, with the charts as the PNGs beside it.

use crate::charts::Chart;
use crate::doc::{sections, Block};
use crate::escape::escape_markdown as e;
use crate::prepare::Prepared;
use crate::ReportInputs;

pub fn render(inputs: &ReportInputs, p: &Prepared, charts: &[Chart]) -> String {
    let mut m = String::new();
    m.push_str(&format!("# Lead scoring review: {}\n\n", e(&inputs.title)));
    m.push_str(&format!(
        "Holdout {} · mqlcal {}\n\n",
        e(&inputs.backtest.holdout_cohorts.join(", ")),
        e(&inputs.reproduce.tool_version)
    ));
    for section in sections(inputs, p, charts) {
        m.push_str(&format!("## {}\n\n", e(&section.heading)));
        for block in &section.blocks {
            match block {
                Block::Lede(text) => m.push_str(&format!("> **{}**\n\n", e(text))),
                Block::Paragraph(text) => m.push_str(&format!("{}\n\n", e(text))),
                Block::List(items) => {
                    for item in items {
                        m.push_str(&format!("- {}\n", e(item)));
                    }
                    m.push('\n');
                }
                Block::Table {
                    header,
                    numeric,
                    rows,
                } => {
                    let cells: Vec<String> = header.iter().map(|h| e(h)).collect();
                    m.push_str(&format!("| {} |\n", cells.join(" | ")));
                    let align: Vec<&str> = (0..header.len())
                        .map(|j| {
                            if numeric.get(j).copied().unwrap_or(false) {
                                "---:"
                            } else {
                                "---"
                            }
                        })
                        .collect();
                    m.push_str(&format!("| {} |\n", align.join(" | ")));
                    for row in rows {
                        let cells: Vec<String> = row.iter().map(|c| e(c)).collect();
                        m.push_str(&format!("| {} |\n", cells.join(" | ")));
                    }
                    m.push('\n');
                }
                Block::Figure(name) => {
                    if let Some(chart) = charts.iter().find(|c| c.name == *name) {
                        m.push_str(&format!(
                            "![{}]({}.png)\n\n*{}*\n\n",
                            e(&chart.title),
                            chart.name,
                            e(&chart.caption)
                        ));
                    }
                }
                Block::Code(text) => {
                    m.push_str(&format!("```\n{}\n```\n\n", text.replace("```", "'''")))
                }
            }
        }
    }
    m
}
