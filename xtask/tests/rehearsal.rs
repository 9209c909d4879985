//! Rehearsed API changes: each copies the workspace's spec and generated file into a scratch
//! directory, applies a scripted change to the spec, regenerates there, and checks how the
//! change report classifies it.

use std::path::PathBuf;

use xtask::report::{Api, Bump, Change, Direction, Kind, Report};

/// A scratch copy of the spec and the checked-in generated file, removed when dropped.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let root = std::env::temp_dir().join(format!(
            "xtask-rehearsal-{name}-{}-{}",
            std::process::id(),
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos()
        ));
        let workspace = xtask::workspace_root();
        for rel in std::iter::once(xtask::SPEC_PATH).chain(xtask::GENERATED_FILES.iter().copied()) {
            let dest = root.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(workspace.join(rel), &dest).unwrap();
        }
        Self { root }
    }

    fn spec(&self) -> PathBuf {
        self.root.join(xtask::SPEC_PATH)
    }

    /// Replaces `from` (which must occur) with `to` in the spec.
    fn edit(&self, from: &str, to: &str) -> &Self {
        let text = std::fs::read_to_string(self.spec()).unwrap();
        assert!(text.contains(from), "rehearsal anchor not found: {from:?}");
        std::fs::write(self.spec(), text.replacen(from, to, 1)).unwrap();
        self
    }

    /// Inserts `addition` after `anchor`.
    fn insert_after(&self, anchor: &str, addition: &str) -> &Self {
        self.edit(anchor, &format!("{anchor}{addition}"))
    }

    /// Runs `cargo xtask generate` there and returns its report.
    fn generate(&self) -> Report {
        let outcome = xtask::codegen::run(&self.root, false).unwrap_or_else(|e| panic!("{e}"));
        let again = xtask::codegen::run(&self.root, true).unwrap();
        assert!(
            matches!(again.freshness, xtask::codegen::Freshness::UpToDate),
            "regenerating must leave the copy up to date"
        );
        assert!(again.report.is_empty(), "a second run reports nothing new");
        outcome.report
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

fn only<'a>(report: &'a Report, location: &str) -> &'a Change {
    let found = report.at(location);
    assert_eq!(found.len(), 1, "{location}: {report}");
    found[0]
}

const REQUEST_PROPS: &str = "      properties:\n        return_url:\n          $ref: '#/components/schemas/ReturnUrlsRequest'\n";
const RESPONSE_PROPS: &str = "      required: [id, url]\n      properties:\n";

const LOCALE: &str =
    "        locale:\n          type: string\n          description: Page language.\n";

/// Adds the optional `field` after `anchor` and checks what every new optional field means:
/// harmless on the wire, a major bump of the client (its structs have public fields), a minor
/// one of the wrapper, and no hand-written follow-up.
fn add_an_optional_field(
    name: &str,
    anchor: &str,
    field: &str,
    location: &str,
    direction: Direction,
) -> Scratch {
    let s = Scratch::new(name);
    s.insert_after(anchor, field);
    let report = s.generate();
    let c = only(&report, location);
    assert_eq!(c.kind, Kind::FieldAdded { required: false });
    assert_eq!(c.direction, direction);
    assert_eq!(
        (c.api, c.client, c.wrapper),
        (Api::Compatible, Bump::Major, Bump::Minor)
    );
    assert_eq!(
        c.follow_up, None,
        "`cargo xtask generate` writes all the code a new field needs"
    );
    assert_eq!(report.api(), Api::Compatible);
    s
}

#[test]
fn add_an_optional_request_field() {
    let s = add_an_optional_field(
        "request-field",
        REQUEST_PROPS,
        LOCALE,
        "HppLinkRequest.locale",
        Direction::Request,
    );
    assert!(
        std::fs::read_to_string(s.root.join(xtask::GENERATED_PATH))
            .unwrap()
            .contains("pub locale:")
    );
}

#[test]
fn add_a_response_field() {
    add_an_optional_field(
        "response-field",
        RESPONSE_PROPS,
        "        expires_at:\n          type: string\n          description: Expiry.\n",
        "HppLinkResponse.expires_at",
        Direction::Response,
    );
}

#[test]
fn remove_a_field() {
    let s = Scratch::new("remove-field");
    // From the response: it was optional, so old clients cope; from the request: the API may
    // now refuse clients that still send it.
    s.edit(
        "        merchant_txn_ref:\n          type: string\n          description: Echo of the merchant's transaction reference.\n",
        "",
    );
    s.edit(
        "        postal_code:\n          type: string\n          description: Postal code, as a string (leading zeros matter).\n",
        "",
    );
    let report = s.generate();
    let response = only(&report, "HppLinkResponse.merchant_txn_ref");
    assert_eq!(response.kind, Kind::FieldRemoved { required: false });
    assert_eq!(
        (response.api, response.client, response.wrapper),
        (Api::Compatible, Bump::Major, Bump::Major)
    );
    let request = only(&report, "AddressRequest.postal_code");
    assert_eq!(request.direction, Direction::Request);
    assert_eq!(
        (request.api, request.client, request.wrapper),
        (Api::Breaking, Bump::Major, Bump::Major)
    );
    assert_eq!(
        request.follow_up, None,
        "the generated setter and flag go with the field"
    );
    assert_eq!(report.api(), Api::Breaking);
}

#[test]
fn change_a_field_type() {
    let s = Scratch::new("type-change");
    s.edit(
        "        amount:\n          type: integer\n          format: int64\n          minimum: 0\n",
        "        amount:\n          type: string\n",
    );
    let report = s.generate();
    let c = report
        .at("HppLinkRequest.amount")
        .into_iter()
        .find(|c| c.kind == Kind::TypeChanged)
        .unwrap_or_else(|| panic!("{report}"));
    assert_eq!(c.detail, "integer(int64) -> string");
    assert!(
        c.follow_up.as_deref().unwrap().contains("Money handling"),
        "the wrapper sets `amount` by hand: {report}"
    );
    assert_eq!(
        (c.api, c.client, c.wrapper),
        (Api::Breaking, Bump::Major, Bump::Major)
    );
}

#[test]
fn add_an_enum_value_in_a_response_and_in_a_shared_schema() {
    let s = Scratch::new("enum");
    // Baseline: an enum in the notification (read by merchants) and in PaymentMethod (sent in
    // requests and echoed in responses).
    s.insert_after(
        "    TransactionDetails:\n      type: object\n      description: The transaction itself.\n      properties:\n",
        "        status:\n          type: string\n          enum: [paid, declined]\n          description: Outcome.\n",
    );
    s.edit(
        "        type:\n          type: string\n          description: |",
        "        type:\n          type: string\n          enum: [scheme]\n          description: |",
    );
    s.generate();

    s.edit("enum: [paid, declined]", "enum: [paid, declined, refunded]");
    s.edit("enum: [scheme]", "enum: [scheme, wallet]");
    let report = s.generate();
    let status = only(&report, "TransactionDetails.status");
    assert_eq!(status.kind, Kind::EnumValueAdded);
    assert_eq!(status.detail, "\"refunded\"");
    assert_eq!(status.direction, Direction::Response);
    // Old clients' closed enums cannot decode the new value.
    assert_eq!(
        (status.api, status.client, status.wrapper),
        (Api::Breaking, Bump::Major, Bump::Minor)
    );
    let method = only(&report, "PaymentMethod.type");
    assert_eq!(method.direction, Direction::Both);
    assert_eq!(
        method.api,
        Api::Breaking,
        "echoed in responses, so old clients can receive it"
    );
}

#[test]
fn loosening_and_tightening_rules() {
    let s = Scratch::new("rules");
    s.edit("          maxLength: 128\n", "          maxLength: 256\n");
    s.edit(
        "        postal_code:\n          type: string\n          description: Postal code, as a string (leading zeros matter).\n",
        "        postal_code:\n          type: string\n          maxLength: 10\n          description: Postal code, as a string (leading zeros matter).\n",
    );
    let report = s.generate();
    let id = only(&report, "HppLinkRequest.merchant_id");
    assert_eq!(
        id.kind,
        Kind::RuleLoosened {
            newtype_removed: false
        }
    );
    assert_eq!((id.api, id.client), (Api::Compatible, Bump::Patch));
    assert_eq!(id.follow_up, None, "the generated rustdoc follows the rule");
    let postal = only(&report, "AddressRequest.postal_code");
    assert_eq!(postal.kind, Kind::RuleTightened { new_newtype: true });
    assert_eq!(
        (postal.api, postal.client),
        (Api::Breaking, Bump::Major),
        "String became a newtype"
    );
    assert_eq!(
        postal.follow_up, None,
        "the generated setter checks the new rule"
    );
}

#[test]
fn markdown_report_is_a_table() {
    let s = Scratch::new("markdown");
    s.insert_after(REQUEST_PROPS, LOCALE);
    let md = s.generate().to_markdown();
    assert!(md.starts_with("### API change report"));
    assert!(md.contains("| `paymentoptions-hpp-client` | **major** bump |"));
    assert!(md.contains("| `HppLinkRequest.locale` | optional field added, string (request) | request | compatible | major | minor |"));
}

/// A target directory shared between checkouts lets cargo reuse an xtask binary built in
/// another one; cargo still says which checkout it runs the binary for, in
/// `CARGO_MANIFEST_DIR`, and that checkout's spec is the one to check.
#[test]
fn the_binary_checks_the_checkout_cargo_runs_it_for() {
    let s = Scratch::new("binary");
    let check = || {
        std::process::Command::new(env!("CARGO_BIN_EXE_xtask"))
            .args(["generate", "--check"])
            .env("CARGO_MANIFEST_DIR", s.root.join("xtask"))
            .current_dir(std::env::temp_dir())
            .output()
            .unwrap()
    };
    let fresh = check();
    assert!(
        fresh.status.success(),
        "the untouched copy is up to date: {}",
        String::from_utf8_lossy(&fresh.stderr)
    );
    s.insert_after(REQUEST_PROPS, LOCALE);
    let changed = check();
    let (stdout, stderr) = (
        String::from_utf8_lossy(&changed.stdout),
        String::from_utf8_lossy(&changed.stderr),
    );
    assert_eq!(changed.status.code(), Some(1), "{stdout}{stderr}");
    assert!(stderr.contains("stale"), "{stderr}");
    assert!(stdout.contains("HppLinkRequest.locale"), "{stdout}");
}

#[test]
fn what_generate_cannot_write_is_all_that_is_asked() {
    let s = Scratch::new("follow-ups");
    s.insert_after(
        "paths:\n",
        "  /api/v1/links/{id}:\n    get:\n      operationId: get_link\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: The link.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/LinkStatus'\n",
    );
    s.insert_after(
        "  schemas:\n",
        "    LinkStatus:\n      type: object\n      properties:\n        status:\n          type: string\n          description: Where the link stands.\n",
    );
    // Units are said in a description: the wrapper's `Money` reads it, no generated code does.
    s.edit(
        "in the currency's minor units per ISO 4217",
        "in the currency's major units",
    );
    s.edit(
        "          maxLength: 3\n          pattern: '^[A-Z]{3}$'\n",
        "          maxLength: 3\n",
    );
    let report = s.generate();
    let operation = only(&report, "GET /api/v1/links/{id}");
    assert_eq!(operation.kind, Kind::OperationAdded);
    assert_eq!(
        operation.follow_up.as_deref(),
        Some("give the sandbox a handler and add an end-to-end test")
    );
    let schema = only(&report, "LinkStatus");
    assert_eq!(schema.kind, Kind::SchemaAdded);
    assert!(
        schema
            .follow_up
            .as_deref()
            .unwrap()
            .contains("for_each_component!")
    );
    for location in xtask::surface::SETTINGS.hand_owned_fields {
        let c = only(&report, location);
        assert!(
            c.follow_up
                .as_deref()
                .unwrap()
                .contains("review the wrapper's Money handling"),
            "{location}: {report}"
        );
    }
    let asked: Vec<&str> = report
        .changes
        .iter()
        .filter(|c| c.follow_up.is_some())
        .map(|c| c.location.as_str())
        .collect();
    // Operations first, then schemas and their fields by name.
    assert_eq!(
        asked,
        [
            "GET /api/v1/links/{id}",
            "HppLinkRequest.amount",
            "HppLinkRequest.currency",
            "LinkStatus"
        ],
        "{report}"
    );
}

/// The example report in README's "Evolving the API" is this rehearsal's output, verbatim.
#[test]
fn the_readme_example_is_what_generate_prints() {
    let s = Scratch::new("readme");
    s.edit("  version: 1.0.0\n", "  version: 1.1.0\n");
    s.insert_after(REQUEST_PROPS, LOCALE);
    s.edit(
        "        merchant_txn_ref:\n          type: string\n          maxLength: 45\n",
        "        merchant_txn_ref:\n          type: string\n          maxLength: 40\n",
    );
    s.insert_after(
        "paths:\n",
        "  /api/v1/hpp/links/{id}:\n    get:\n      operationId: get_hpp_link\n      parameters:\n        - name: id\n          in: path\n          required: true\n          schema:\n            type: string\n      responses:\n        '200':\n          description: The link.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/HppLinkResponse'\n",
    );
    let text = s.generate().to_text();
    let readme = std::fs::read_to_string(xtask::workspace_root().join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("```text\n{text}```\n")),
        "README's example report is stale; this rehearsal prints:\n{text}"
    );
}
