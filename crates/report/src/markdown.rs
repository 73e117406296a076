//! `report.md`: the same content as the HTML, with the charts as the PNGs beside
//! it, readable as plain text: strings are escaped only where Markdown would
//! read them as syntax (see `escape`).

use crate::charts::Chart;
use crate::doc::{sections, Block};
use crate::escape::{escape_markdown_in as esc, Md};
use crate::prepare::Prepared;
use crate::ReportInputs;

pub fn render(inputs: &ReportInputs, p: &Prepared, charts: &[Chart]) -> String {
    let mut m = String::new();
    m.push_str(&format!("# Lead scoring review: {}\n\n", esc(&inputs.title, Md::Inline)));
    m.push_str(&format!(
        "Holdout {} · mqlcal {}\n\n",
        esc(&inputs.backtest.holdout_cohorts.join(", "), Md::Inline),
        esc(&inputs.reproduce.tool_version, Md::Inline)
    ));
    for section in sections(inputs, p, charts) {
        m.push_str(&format!("## {}\n\n", esc(&section.heading, Md::Inline)));
        for block in &section.blocks {
            m.push_str(&block_md(block, charts));
        }
    }
    m
}

fn block_md(block: &Block, charts: &[Chart]) -> String {
    let e = |t: &str| esc(t, Md::Block);
    let mut m = String::new();
    match block {
        Block::Decision(text) => m.push_str(&format!("**{}**\n\n", esc(text, Md::Inline))),
        Block::KeyFigures(figures) => {
            for f in figures {
                m.push_str(&format!(
                    "- **{}: {}** ({}), {}\n",
                    esc(&f.label, Md::Inline),
                    esc(&f.value, Md::Inline),
                    esc(&f.against, Md::Inline),
                    esc(&f.likely, Md::Inline)
                ));
            }
            m.push('\n');
        }
        Block::Warnings(items) => {
            m.push_str("Before deciding:\n\n");
            for item in items {
                m.push_str(&format!("- {}\n", e(item)));
            }
            m.push('\n');
        }
        Block::Note(text) | Block::Paragraph(text) => m.push_str(&format!("{}\n\n", e(text))),
        Block::List(items) => {
            for item in items {
                m.push_str(&format!("- {}\n", e(item)));
            }
            m.push('\n');
        }
        Block::Table { header, numeric, rows } => {
            let row = |cells: &[String]| {
                let cells: Vec<String> = cells.iter().map(|c| esc(c, Md::Cell)).collect();
                format!("| {} |\n", cells.join(" | "))
            };
            m.push_str(&row(header));
            let align: Vec<&str> = (0..header.len())
                .map(|j| if numeric.get(j).copied().unwrap_or(false) { "---:" } else { "---" })
                .collect();
            m.push_str(&format!("| {} |\n", align.join(" | ")));
            for r in rows {
                m.push_str(&row(r));
            }
            m.push('\n');
        }
        Block::Figure(name) => {
            if let Some(chart) = charts.iter().find(|c| c.name == *name) {
                m.push_str(&format!(
                    "![{}]({}.png)\n\n{}\n\n",
                    esc(&chart.title, Md::LinkText),
                    chart.name,
                    e(&chart.caption)
                ));
            }
        }
        Block::Code(text) => m.push_str(&format!("```\n{}\n```\n\n", text.replace("```", "'''"))),
    }
    m
}
