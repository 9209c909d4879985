//! The change report: what a spec change means for users of the HTTP API and of the crates.
//!
//! The previous state is the checked-in `openapi.json` beside the client's generated file (what
//! `api::OPENAPI_JSON` embeds), so the report needs no git history and always compares against
//! what users have now.
//!
//! Every change is classified by [`classify`], one table for three audiences:
//! - the HTTP API: does a client built for the old spec still work against the new API?
//! - `paymentoptions-hpp-client`: generated structs have public fields and generated enums are
//!   exhaustive, so any field or variant change is a breaking (major) change of the crate;
//! - `paymentoptions-hpp`: its own API only grows (setters, accessors); the models it re-exports
//!   are documented as read-only (never built with struct literals), so additions are minor.
//!
//! cargo-semver-checks (`cargo xtask semver`) is the authority on the Rust API itself; this
//! report predicts and explains, and covers what that tool cannot see (re-exported models,
//! wire compatibility).
//!
//! The parts: `model` (what a change and a report are), `diff` (walks two specs and finds the
//! changes), `paths` and `schema_shape` (what the diff reads in a spec), `policy` (what each
//! change means: verdicts and follow-ups, side by side) and `render` (text and Markdown).

mod diff;
mod model;
mod paths;
mod policy;
mod render;
mod schema_shape;

pub use diff::diff;
pub use model::{Api, Bump, Change, Direction, Kind, Report};
pub use policy::classify;
