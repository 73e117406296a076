//! Exports of a model for production scorers that are not this crate.

pub mod pmml;
pub mod sql;
