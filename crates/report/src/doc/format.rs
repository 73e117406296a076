//! Block builders every section uses (numbers are formatted in `crate::numbers`).

use super::Block;
use crate::charts::Chart;

pub(super) fn table(header: &[&str], numeric: &[bool], rows: Vec<Vec<String>>) -> Block {
    Block::Table {
        header: header.iter().map(|s| s.to_string()).collect(),
        numeric: numeric.to_vec(),
        rows,
    }
}

pub(super) fn has(charts: &[Chart], name: &str) -> bool {
    charts.iter().any(|c| c.name == name)
}
