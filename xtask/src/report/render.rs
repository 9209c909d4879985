//! The report as plain text (the terminal) and as Markdown (a pull request).

use std::fmt::{self, Write};

use super::model::{Api, Bump, Change, Direction, Kind, Report};

impl Direction {
    fn label(self) -> &'static str {
        match self {
            Direction::Request => "request",
            Direction::Response => "response",
            Direction::Both => "request+response",
            Direction::Unused => "unused",
        }
    }
}

impl Bump {
    fn label(self) -> &'static str {
        match self {
            Bump::None => "none",
            Bump::Patch => "patch",
            Bump::Minor => "minor",
            Bump::Major => "major",
        }
    }
}

impl Report {
    /// Plain text, for the terminal.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        if self.is_empty() {
            out.push_str("change report: no API change against the checked-in spec\n");
            return out;
        }
        let _ = writeln!(
            out,
            "change report against the checked-in spec (info.version {} -> {}):",
            self.versions.0, self.versions.1
        );
        let _ = writeln!(
            out,
            "  HTTP API:                  {}",
            api_summary(self.api())
        );
        let _ = writeln!(
            out,
            "  paymentoptions-hpp-client: {} bump",
            self.client().label()
        );
        let _ = writeln!(
            out,
            "  paymentoptions-hpp:        {} bump",
            self.wrapper().label()
        );
        let _ = writeln!(
            out,
            "\n  {:<10} {:<7} {:<7} change",
            "API", "client", "wrapper"
        );
        for c in &self.changes {
            let _ = writeln!(
                out,
                "  {:<10} {:<7} {:<7} {}: {}",
                api_label(c.api),
                c.client.label(),
                c.wrapper.label(),
                c.location,
                c.describe()
            );
            if let Some(f) = &c.follow_up {
                let _ = writeln!(out, "  {:<26} -> {f}", "");
            }
        }
        out
    }

    /// Markdown, to paste into a pull request description.
    pub fn to_markdown(&self) -> String {
        let mut out = String::from("### API change report\n\n");
        if self.is_empty() {
            out.push_str("No API change against the checked-in spec.\n");
            return out;
        }
        let _ = writeln!(
            out,
            "`info.version` {} → {}\n\n| audience | verdict |\n| --- | --- |\n\
             | HTTP API (existing clients) | {} |\n| `paymentoptions-hpp-client` | **{}** bump |\n\
             | `paymentoptions-hpp` | **{}** bump |\n",
            self.versions.0,
            self.versions.1,
            api_summary(self.api()),
            self.client().label(),
            self.wrapper().label()
        );
        out.push_str("| where | change | direction | HTTP API | client | wrapper | follow-up |\n");
        out.push_str("| --- | --- | --- | --- | --- | --- | --- |\n");
        for c in &self.changes {
            let _ = writeln!(
                out,
                "| `{}` | {} | {} | {} | {} | {} | {} |",
                c.location,
                c.describe().replace('|', "\\|"),
                if c.is_schema_change() {
                    c.direction.label()
                } else {
                    ""
                },
                api_label(c.api),
                c.client.label(),
                c.wrapper.label(),
                c.follow_up.as_deref().unwrap_or("").replace('|', "\\|")
            );
        }
        out.push_str(
            "\nThe crates' own API is checked by `cargo xtask semver` (cargo-semver-checks); \
             the model snapshot diffs show each changed type.\n",
        );
        out
    }
}

fn api_label(api: Api) -> &'static str {
    match api {
        Api::Compatible => "compatible",
        Api::Breaking => "BREAKING",
    }
}

fn api_summary(api: Api) -> &'static str {
    match api {
        Api::Compatible => "compatible: clients built for the old spec keep working",
        Api::Breaking => "BREAKING: clients built for the old spec may fail",
    }
}

impl Change {
    fn is_schema_change(&self) -> bool {
        !matches!(
            self.kind,
            Kind::VersionChanged
                | Kind::OperationAdded
                | Kind::OperationRemoved
                | Kind::OperationRenamed
        )
    }

    fn describe(&self) -> String {
        let what = match &self.kind {
            Kind::VersionChanged => "info.version changed",
            Kind::DocsChanged => "description or example changed",
            Kind::OperationAdded => "operation added",
            Kind::OperationRemoved => "operation removed",
            Kind::OperationRenamed => "operationId changed (generated method renamed)",
            Kind::SchemaAdded => "schema added",
            Kind::SchemaRemoved => "schema removed",
            Kind::FieldAdded { required: true } => "required field added",
            Kind::FieldAdded { required: false } => "optional field added",
            Kind::FieldRemoved { required: true } => "required field removed",
            Kind::FieldRemoved { required: false } => "optional field removed",
            Kind::TypeChanged => "type changed",
            Kind::BecameRequired => "optional -> required",
            Kind::BecameOptional => "required -> optional",
            Kind::NullableAdded { .. } => "became nullable",
            Kind::NullableRemoved => "no longer nullable",
            Kind::EnumValueAdded => "enum value added",
            Kind::EnumValueRemoved => "enum value removed",
            Kind::RuleTightened { .. } => "rule tightened",
            Kind::RuleLoosened { .. } => "rule loosened",
        };
        let mut s = what.to_string();
        if !self.detail.is_empty() {
            s = format!("{s}, {}", self.detail);
        }
        if self.is_schema_change() {
            s = format!("{s} ({})", self.direction.label());
        }
        s
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_text())
    }
}
