//! Feature columns computed from a leads table by their recipes, a column at a
//! time. Ingest and the scorer share it; the rules themselves are the recipes'
//! (`Recipe::reads`, in scorecard).

use mqlcal_scorecard::{CellProblem, DecimalMark, ReadBy, Reads, Recipe, TextTest};

use crate::cells::{self, MissingMarkers, TextColumn};
use crate::read::Table;
use crate::DataError;

/// Every recipe's feature column, one value per row of `table` (None for a recipe that
/// counts events), for `(signal, recipe)` pairs in order. Consecutive recipes of one
/// column (a signal's levels or bins) read its cells once; such groups are computed on
/// every core. The error is the first in recipe order, as reading them one by one gives.
/// Numbers are read with `decimal` as their decimal mark, by the config's rule or a model's.
pub(crate) fn recipe_columns<R: std::borrow::Borrow<Recipe> + Sync>(
    table: &Table,
    missing: &[String],
    decimal: (DecimalMark, ReadBy),
    recipes: &[(&str, R)],
) -> Result<Vec<Option<Vec<f64>>>, DataError> {
    use rayon::prelude::*;
    let mut groups: Vec<std::ops::Range<usize>> = Vec::new();
    for (k, (_, recipe)) in recipes.iter().enumerate() {
        match groups.last_mut() {
            Some(group) if recipes[group.start].1.borrow().column() == recipe.borrow().column() => group.end = k + 1,
            _ => groups.push(k..k + 1),
        }
    }
    let computed: Vec<Vec<Result<Option<Vec<f64>>, DataError>>> = groups
        .into_par_iter()
        .map(|group| {
            if let Some(columns) = text_tests_in_one_pass(table, missing, &recipes[group.clone()]) {
                return columns;
            }
            let mut cells = LeadCells::new(table, missing, decimal);
            let mut columns = Vec::with_capacity(group.len());
            for (signal, recipe) in &recipes[group] {
                let column = cells.column(signal, recipe.borrow());
                let failed = column.is_err();
                columns.push(column);
                if failed {
                    break;
                }
            }
            columns
        })
        .collect();
    computed.into_iter().flatten().collect()
}

/// The columns of recipes that all test the cells of one text column (a signal's
/// levels), read in one pass: each cell cleaned once and offered to every test. None
/// when the recipes read anything else.
fn text_tests_in_one_pass<R: std::borrow::Borrow<Recipe>>(table: &Table, missing: &[String], recipes: &[(&str, R)]) -> Option<Vec<Result<Option<Vec<f64>>, DataError>>> {
    let mut column = None;
    let mut tests = Vec::with_capacity(recipes.len());
    for (_, recipe) in recipes {
        match recipe.borrow().reads() {
            Reads::Text { column: read, test } if column.is_none_or(|c| c == read) => {
                column = Some(read);
                tests.push(test);
            }
            _ => return None,
        }
    }
    let cells = match cells::text(table, column?) {
        Ok(cells) => cells,
        Err(e) => return Some(vec![Err(e)]),
    };
    Some(tested(&cells, table.height(), missing, &tests).into_iter().map(|values| Ok(Some(values))).collect())
}

/// Each test's values over `cells` (`rows` of them), each cell cleaned once and offered
/// to every test.
fn tested(cells: &TextColumn, rows: usize, missing: &[String], tests: &[TextTest<'_>]) -> Vec<Vec<f64>> {
    let mut columns: Vec<Vec<f64>> = tests.iter().map(|_| Vec::with_capacity(rows)).collect();
    let markers = MissingMarkers::new(missing);
    for cell in cells.iter().map(|cell| markers.clean(cell?)) {
        for (values, test) in columns.iter_mut().zip(tests) {
            values.push(test.value(cell));
        }
    }
    columns
}

/// The cells of a leads table as recipes read them, remembering the last column read.
struct LeadCells<'t> {
    table: &'t Table,
    missing: &'t [String],
    decimal: (DecimalMark, ReadBy),
    text: Option<(String, TextColumn)>,
    numbers: Option<(String, Vec<Option<f64>>)>,
}

impl<'t> LeadCells<'t> {
    fn new(table: &'t Table, missing: &'t [String], decimal: (DecimalMark, ReadBy)) -> Self {
        LeadCells { table, missing, decimal, text: None, numbers: None }
    }

    /// The values of `recipe`'s feature column, one per row; None for a recipe that
    /// counts events (those come from the events file). A cell the recipe cannot use is
    /// an error naming file, row and column, and `signal`.
    fn column(&mut self, signal: &str, recipe: &Recipe) -> Result<Option<Vec<f64>>, DataError> {
        let (table, missing) = (self.table, self.missing);
        Ok(match recipe.reads() {
            Reads::Events(_) => None,
            Reads::Text { column, test } => {
                let (_, cells) = match self.text.take() {
                    Some((read, cells)) if read == column => self.text.insert((read, cells)),
                    _ => self.text.insert((column.to_string(), cells::text(table, column)?)),
                };
                tested(cells, table.height(), missing, &[test]).pop()
            }
            Reads::Number(read) => {
                let column = &read.rule.column;
                let (_, cells) = match self.numbers.take() {
                    Some((read, cells)) if read == *column => self.numbers.insert((read, cells)),
                    _ => self.numbers.insert((column.clone(), cells::numbers(table, column, missing, self.decimal)?)),
                };
                let values = cells.iter().enumerate().map(|(row, &cell)| {
                    read.value(cell).map_err(|problem| DataError::Cell {
                        line: None,
                        path: table.path.clone(),
                        row: row + 1,
                        column: column.clone(),
                        message: cell_problem(problem, signal, self.decimal.1),
                    })
                });
                Some(values.collect::<Result<_, _>>()?)
            }
        })
    }
}

/// What is wrong with a number cell a signal reads, and what fixes it: the config's
/// setting, or for a scored batch (read by the model) the export.
fn cell_problem(problem: CellProblem, signal: &str, by: ReadBy) -> String {
    match problem {
        CellProblem::NotFinite(v) => {
            let fix = match by {
                ReadBy::Config => "add it as written to [input] missing",
                ReadBy::Model => "export blanks as empty cells, as the model reads them (its inputs.missing), or refit with it in [input] missing",
            };
            format!("{v} is not a finite number (signal {signal:?} needs a real value); if the cell means blank (pandas writes a missing value as nan), {fix}")
        }
        CellProblem::Negative(v) => format!("{v} is negative, but signal {signal:?} is a count"),
        CellProblem::Blank => {
            format!("blank value and signal {signal:?} has no `default`; set default = 0 (or the value blanks mean)")
        }
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::{Column, DataFrame};

    use super::*;

    #[test]
    fn levels_read_in_one_pass_are_the_levels_read_one_by_one() {
        let cells = [Some("vp"), Some(" vp "), None, Some("NA"), Some("director"), Some(""), Some("Vp"), Some("\u{a0}vp\u{a0}"), Some("c-level"), Some("\tdirector")];
        let frame = DataFrame::new(cells.len(), vec![Column::new("title".into(), cells)]).unwrap();
        let table = Table::new("leads.csv".as_ref(), frame);
        let missing = vec!["NA".to_string()];
        let level = |value: &str| Recipe::Level { column: "title".into(), value: value.into(), separator: None, spellings: vec![] };
        let recipes = vec![
            ("title=vp", level("vp")),
            ("title=director", level("director")),
            ("senior", Recipe::Flag { column: "title".into(), equals: vec!["vp".into(), "c-level".into()] }),
            ("title=NA", level("NA")),
        ];
        let one_pass: Vec<Option<Vec<f64>>> = text_tests_in_one_pass(&table, &missing, &recipes).unwrap().into_iter().collect::<Result<_, _>>().unwrap();
        let mut cells = LeadCells::new(&table, &missing, (DecimalMark::Point, ReadBy::Config));
        let one_by_one: Vec<Option<Vec<f64>>> = recipes.iter().map(|(signal, recipe)| cells.column(signal, recipe).unwrap()).collect();
        assert_eq!(one_pass, one_by_one);
        assert_eq!(one_pass[0], Some(vec![1.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 0.0, 0.0]));
        // A group that also reads numbers, or another column, is not one pass's.
        let mixed = vec![("title=vp", level("vp")), ("other", Recipe::Level { column: "industry".into(), value: "x".into(), separator: None, spellings: vec![] })];
        assert!(text_tests_in_one_pass(&table, &missing, &mixed).is_none());
        // A column the table lacks is the error reading it one by one gives.
        let absent = vec![("x=1", Recipe::Level { column: "industry".into(), value: "1".into(), separator: None, spellings: vec![] })];
        let error = text_tests_in_one_pass(&table, &missing, &absent).unwrap().remove(0).unwrap_err();
        assert_eq!(error.to_string(), LeadCells::new(&table, &missing, (DecimalMark::Point, ReadBy::Config)).column("x=1", &absent[0].1).unwrap_err().to_string());
    }
}
