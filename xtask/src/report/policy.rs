//! What each kind of change means: the verdicts for the HTTP API and the crates ([`classify`]),
//! and the hand-written work it calls for ([`follow_up`]). The two tables sit together so
//! that a new [`Kind`] gets both answers at once.

use super::model::{Api, Bump, Direction, Kind};

/// The classification table. One row per (kind, direction); see the module docs for why.
pub fn classify(kind: &Kind, direction: Direction) -> (Api, Bump, Bump) {
    use Api::{Breaking as B, Compatible as C};
    use Bump::{Major, Minor, Patch};
    use Direction::{Both, Request, Response, Unused};
    // For both directions, the worse of the two wire verdicts holds.
    let api = |request: Api, response: Api| match direction {
        Request => request,
        Response => response,
        Both => request.max(response),
        Unused => C,
    };
    match kind {
        Kind::VersionChanged => (C, Patch, Patch),
        Kind::DocsChanged => (C, Patch, Patch),
        Kind::OperationAdded => (C, Minor, Minor),
        Kind::OperationRemoved => (B, Major, Major),
        Kind::OperationRenamed => (C, Major, Patch),
        Kind::SchemaAdded => (C, Minor, Minor),
        Kind::SchemaRemoved => (api(B, B), Major, Major),
        // Old clients do not send a new field: fine unless the API now requires it. Old clients
        // ignore a new response field (the generated models do not deny unknown fields).
        Kind::FieldAdded { required } => (api(if *required { B } else { C }, C), Major, Minor),
        // A removed request field may now be refused; a removed response field breaks old
        // clients only if they required it.
        Kind::FieldRemoved { required } => (api(B, if *required { B } else { C }), Major, Major),
        Kind::TypeChanged => (api(B, B), Major, Major),
        Kind::BecameRequired => (api(B, C), Major, Major),
        Kind::BecameOptional => (api(C, B), Major, Major),
        // An optional field decodes `null` as absent; a required one does not.
        Kind::NullableAdded { required } => (api(C, if *required { B } else { C }), Major, Major),
        Kind::NullableRemoved => (api(B, C), Major, Major),
        // Generated enums are closed: old clients cannot decode a new value they receive.
        Kind::EnumValueAdded => (api(C, B), Major, Minor),
        Kind::EnumValueRemoved => (api(B, C), Major, Major),
        Kind::RuleTightened { new_newtype } => {
            (api(B, C), if *new_newtype { Major } else { Minor }, Minor)
        }
        Kind::RuleLoosened { newtype_removed } => (
            api(C, C),
            if *newtype_removed { Major } else { Patch },
            Patch,
        ),
    }
}

/// The hand-written work a change calls for, beyond the version bump and
/// `cargo xtask generate` (which writes the library's setters and methods, their rustdoc, and
/// the CLI's flags and subcommands).
pub(super) fn follow_up(kind: &Kind, direction: Direction, location: &str) -> Option<String> {
    if crate::surface::SETTINGS
        .hand_owned_fields
        .contains(&location)
    {
        return Some(
            "set through `Money`, not a generated setter: review the wrapper's Money handling"
                .into(),
        );
    }
    match kind {
        Kind::OperationAdded => {
            Some("give the sandbox a handler and add an end-to-end test".into())
        }
        Kind::EnumValueAdded if matches!(direction, Direction::Response | Direction::Both) => Some(
            "clients on the old version will fail to decode responses carrying the new value: release first".into(),
        ),
        Kind::SchemaAdded => Some("add it to `for_each_component!` in tests/src/lib.rs".into()),
        _ => None,
    }
}
