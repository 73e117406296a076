//! `report.html`: one self-contained file. Charts are inline SVG; there is no
//! script, and a Content-Security-Policy forbids any network request. Prints on A4 or Letter.

use crate::charts::Chart;
use crate::doc::{sections, Block, KeyFigure, Section};
use crate::escape::escape_html as e;
use crate::prepare::Prepared;
use crate::ReportInputs;

const STYLE: &str = r#"
@page { size: auto; margin: 14mm; }
* { box-sizing: border-box; }
body { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: #212121; max-width: 1120px; margin: 0 auto; padding: 24px; line-height: 1.45; font-size: 15px; }
h1 { font-size: 26px; margin: 0 0 4px; }
.sub { color: #616161; margin: 0 0 18px; }
h2 { font-size: 20px; border-top: 3px solid #1f3b73; padding-top: 8px; margin-top: 32px; break-after: avoid; page-break-after: avoid; }
.lede { font-size: 17px; background: #f3f6fb; border-left: 6px solid #1f3b73; padding: 14px 18px; margin: 0; }
figure { margin: 18px 0; break-inside: avoid; page-break-inside: avoid; }
figure svg { width: 100%; height: auto; display: block; }
figcaption { color: #424242; font-size: 13px; margin-top: 4px; }
table { border-collapse: collapse; font-size: 13px; margin: 10px 0; width: 100%; }
th, td { padding: 3px 8px; border-bottom: 1px solid #e0e0e0; text-align: left; vertical-align: top; }
th { background: #f5f5f5; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tr { break-inside: avoid; page-break-inside: avoid; }
pre { background: #f5f5f5; padding: 10px; white-space: pre-wrap; word-break: break-all; font-size: 13px; }
li { margin: 3px 0; word-break: break-word; }
.decision { font-size: 19px; font-weight: bold; margin: 6px 0 12px; }
.figures { display: grid; grid-template-columns: repeat(3, 1fr); gap: 12px; margin: 0 0 12px; }
.card { background: #f3f6fb; border-left: 6px solid #1f3b73; padding: 8px 12px; }
.card .label { font-size: 13px; color: #424242; }
.card .value { font-size: 28px; font-weight: bold; line-height: 1.2; }
.card .against, .card .likely { font-size: 13px; }
.summary-body { display: grid; grid-template-columns: 3fr 2fr; gap: 18px; align-items: start; }
.summary-body figure { margin: 0; }
.warnings { margin: 0; padding-left: 20px; }
.warnings li { margin: 0 0 6px; font-size: 14px; line-height: 1.35; }
h3.warn { font-size: 15px; margin: 0 0 6px; color: #c62828; }
.note { color: #616161; font-size: 12px; margin: 8px 0 0; }
details > summary { cursor: pointer; list-style: none; }
details > summary::-webkit-details-marker { display: none; }
details > summary h2 { display: inline-block; width: 100%; }
details > summary h2::before { content: "▸ "; color: #1f3b73; }
details[open] > summary h2::before { content: "▾ "; }
@media print { body { padding: 0; max-width: none; font-size: 11pt; } h2 { margin-top: 18px; } .lede { font-size: 12pt; } details > summary h2::before { content: ""; } #recommendation { break-after: page; page-break-after: always; } .summary-body { grid-template-columns: 1fr; } }
"#;

/// For the screen, the analyst's sections fold; for print (the PDF), all are open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    Screen,
    Print,
}

/// The inline form of a chart's SVG (plotters writes a bare <svg> element).
fn inline_svg(chart: &Chart) -> String {
    let svg = chart.svg.trim();
    let start = svg.find("<svg").unwrap_or(0);
    // Give it a role and an accessible name; the title text is escaped.
    svg[start..].replacen(
        "<svg",
        &format!("<svg role=\"img\" aria-label=\"{}\"", e(&chart.title)),
        1,
    )
}

pub fn render(inputs: &ReportInputs, p: &Prepared, charts: &[Chart], layout: Layout) -> String {
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    h.push_str("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; img-src data:\">\n");
    h.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    h.push_str(&format!(
        "<title>Lead scoring review: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n",
        e(&inputs.title)
    ));
    h.push_str(&format!(
        "<h1>Lead scoring review: {}</h1>\n<p class=\"sub\">Holdout {} · mqlcal {}</p>\n",
        e(&inputs.title),
        e(&inputs.backtest.holdout_cohorts.join(", ")),
        e(&inputs.reproduce.tool_version)
    ));
    for section in sections(inputs, p, charts) {
        h.push_str(&section_html(&section, charts, layout));
    }
    h.push_str("</main>\n</body>\n</html>\n");
    h
}

/// One section: the summary as it is, an analyst's section inside `<details>`.
fn section_html(section: &Section, charts: &[Chart], layout: Layout) -> String {
    let mut h = format!("<section id=\"{}\">\n", section.id);
    let heading = format!("<h2>{}</h2>", e(&section.heading));
    if section.summary {
        h.push_str(&heading);
        h.push('\n');
        h.push_str(&summary_html(&section.blocks, charts));
    } else {
        let open = if layout == Layout::Print { " open" } else { "" };
        h.push_str(&format!("<details{open}>\n<summary>{heading}</summary>\n"));
        for block in &section.blocks {
            h.push_str(&block_html(block, charts));
        }
        h.push_str("</details>\n");
    }
    h.push_str("</section>\n");
    h
}

/// The summary: decision and numbers across, then the chart beside the warnings.
fn summary_html(blocks: &[Block], charts: &[Chart]) -> String {
    let mut top = String::new();
    let (mut left, mut right) = (String::new(), String::new());
    for block in blocks {
        match block {
            Block::Decision(_) | Block::KeyFigures(_) => top.push_str(&block_html(block, charts)),
            Block::Figure(name) => {
                // The chart alone on the left (its caption is in the thresholds section).
                if let Some(chart) = charts.iter().find(|c| c.name == *name) {
                    left.push_str(&format!("<figure id=\"chart-{}\">\n{}\n</figure>\n", chart.name, inline_svg(chart)));
                }
            }
            _ => right.push_str(&block_html(block, charts)),
        }
    }
    format!("{top}<div class=\"summary-body\">\n<div>\n{left}</div>\n<div>\n{right}</div>\n</div>\n")
}

fn card(f: &KeyFigure) -> String {
    format!(
        "<div class=\"card\"><div class=\"label\">{}</div><div class=\"value\">{}</div><div class=\"against\">{}</div><div class=\"likely\">{}</div></div>\n",
        e(&f.label),
        e(&f.value),
        e(&f.against),
        e(&f.likely)
    )
}

fn block_html(block: &Block, charts: &[Chart]) -> String {
    let mut h = String::new();
    match block {
        Block::Decision(text) => h.push_str(&format!("<p class=\"decision\">{}</p>\n", e(text))),
        Block::KeyFigures(figures) => {
            h.push_str("<div class=\"figures\">\n");
            for f in figures {
                h.push_str(&card(f));
            }
            h.push_str("</div>\n");
        }
        Block::Warnings(items) => {
            h.push_str("<h3 class=\"warn\">Before deciding</h3>\n<ul class=\"warnings\">\n");
            for item in items {
                h.push_str(&format!("<li>{}</li>\n", e(item)));
            }
            h.push_str("</ul>\n");
        }
        Block::Note(text) => h.push_str(&format!("<p class=\"note\">{}</p>\n", e(text))),
        Block::Paragraph(text) => h.push_str(&format!("<p>{}</p>\n", e(text))),
        Block::List(items) => {
            h.push_str("<ul>\n");
            for item in items {
                h.push_str(&format!("<li>{}</li>\n", e(item)));
            }
            h.push_str("</ul>\n");
        }
        Block::Table { header, numeric, rows } => {
            let class = |j: usize| if numeric.get(j).copied().unwrap_or(false) { " class=\"n\"" } else { "" };
            h.push_str("<table>\n<thead><tr>");
            for (j, cell) in header.iter().enumerate() {
                h.push_str(&format!("<th{}>{}</th>", class(j), e(cell)));
            }
            h.push_str("</tr></thead>\n<tbody>\n");
            for row in rows {
                h.push_str("<tr>");
                for (j, cell) in row.iter().enumerate() {
                    h.push_str(&format!("<td{}>{}</td>", class(j), e(cell)));
                }
                h.push_str("</tr>\n");
            }
            h.push_str("</tbody>\n</table>\n");
        }
        Block::Figure(name) => {
            if let Some(chart) = charts.iter().find(|c| c.name == *name) {
                h.push_str(&format!(
                    "<figure id=\"chart-{}\">\n{}\n<figcaption><strong>{}</strong> {}</figcaption>\n</figure>\n",
                    chart.name,
                    inline_svg(chart),
                    e(&chart.title),
                    e(&chart.caption)
                ));
            }
        }
        Block::Code(text) => h.push_str(&format!("<pre>{}</pre>\n", e(text))),
    }
    h
}
