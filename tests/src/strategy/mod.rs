//! Proptest strategies for `tests/tests/properties/`.
//!
//! * [`component`] / [`schema`]: JSON values valid for a schema of the spec, built from the spec
//!   itself, so a new field or rule is generated as soon as it is written there. The generator
//!   refuses (panics, naming the keyword and where it is) any schema keyword it does not know,
//!   rather than silently generating values the spec does not allow.
//! * [`round_tripped`]: the JSON a generated model type must give back for such a value.
//! * [`Mutation`], [`mutation`], [`odd_value`]: broken variants of a JSON body (fields dropped,
//!   wrong types, huge numbers, deep nesting, long strings, invalid UTF-8, duplicate keys,
//!   truncation), rendered as raw bytes because most of them cannot be held in a
//!   `serde_json::Value`.
//!
//! The two jobs live apart: `valid_values` (values the spec allows, and what a model gives
//! back) and `broken_bodies` (what no decoder may panic on); everything is re-exported here.

mod broken_bodies;
mod valid_values;

pub use broken_bodies::*;
pub use valid_values::*;
