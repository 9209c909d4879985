//! What a change and a report are, and the report's totals.

/// Which way a schema travels.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Direction {
    /// Sent by clients (request bodies).
    Request,
    /// Read by clients (responses, and the notification merchants receive).
    Response,
    /// Both ways.
    Both,
    /// Not used by any operation.
    Unused,
}

/// Can a client built for the old spec keep working against the new API?
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Api {
    /// Yes.
    Compatible,
    /// No (or not always).
    Breaking,
}

/// The semver bump a change calls for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Bump {
    /// No release needed.
    None,
    /// Patch.
    Patch,
    /// Minor.
    Minor,
    /// Major (for 0.x crates: the minor number).
    Major,
}

/// What changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `info.version` changed.
    VersionChanged,
    /// An operation appeared.
    OperationAdded,
    /// An operation disappeared.
    OperationRemoved,
    /// An operation's `operationId` (the generated method's name) changed.
    OperationRenamed,
    /// A component schema appeared.
    SchemaAdded,
    /// A component schema disappeared.
    SchemaRemoved,
    /// A property appeared.
    FieldAdded {
        /// Whether it is required.
        required: bool,
    },
    /// A property disappeared.
    FieldRemoved {
        /// Whether it was required.
        required: bool,
    },
    /// A property's (or schema's) type or type-defining format changed.
    TypeChanged,
    /// An optional property became required.
    BecameRequired,
    /// A required property became optional.
    BecameOptional,
    /// `nullable` was switched on.
    NullableAdded {
        /// Whether the property is required.
        required: bool,
    },
    /// `nullable` was switched off.
    NullableRemoved,
    /// An enum gained values.
    EnumValueAdded,
    /// An enum lost values.
    EnumValueRemoved,
    /// A rule now accepts fewer values (lower `maxLength`, new `pattern`, ...).
    RuleTightened {
        /// A string that had no length/pattern rule got one: typify turns it into a newtype.
        new_newtype: bool,
    },
    /// A rule now accepts more values.
    RuleLoosened {
        /// The last length/pattern rule of a string went: its newtype becomes a `String`.
        newtype_removed: bool,
    },
    /// Only descriptions or examples changed.
    DocsChanged,
}

/// One classified change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Change {
    /// Where: `HppLinkRequest.locale`, `POST /path`, `info.version`.
    pub location: String,
    /// What.
    pub kind: Kind,
    /// Which way the schema travels (for schema changes).
    pub direction: Direction,
    /// Human detail, e.g. `maxLength 45 -> 40`.
    pub detail: String,
    /// Wire compatibility.
    pub api: Api,
    /// Bump of `paymentoptions-hpp-client`.
    pub client: Bump,
    /// Bump of `paymentoptions-hpp`.
    pub wrapper: Bump,
    /// What a maintainer should do besides bumping, if anything.
    pub follow_up: Option<String>,
}

/// The whole report.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// `info.version` before and after.
    pub versions: (String, String),
    /// Every change, in document order.
    pub changes: Vec<Change>,
}

impl Report {
    /// `true` when nothing changed.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether every old client still works.
    pub fn api(&self) -> Api {
        self.changes
            .iter()
            .map(|c| c.api)
            .max()
            .unwrap_or(Api::Compatible)
    }

    /// The bump `paymentoptions-hpp-client` needs.
    pub fn client(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| c.client)
            .max()
            .unwrap_or(Bump::None)
    }

    /// The bump `paymentoptions-hpp` needs.
    pub fn wrapper(&self) -> Bump {
        self.changes
            .iter()
            .map(|c| c.wrapper)
            .max()
            .unwrap_or(Bump::None)
    }

    /// The changes at `location`.
    pub fn at(&self, location: &str) -> Vec<&Change> {
        self.changes
            .iter()
            .filter(|c| c.location == location)
            .collect()
    }
}
