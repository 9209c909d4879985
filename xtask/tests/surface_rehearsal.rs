//! Rehearsed additive API changes that must need no hand-written edit: each copies the whole
//! workspace (the files git tracks), changes only the spec, runs the generator, checks that only
//! the spec and `@generated` files changed, then builds the copy and runs a probe test there
//! that uses the change through the library, `po-hpp` and the sandbox.
//!
//! The copies build in one target directory of their own (`target/rehearsal-target`, shared
//! with `cargo xtask semver --rehearse`), so only the first run compiles the dependencies.

use std::path::{Path, PathBuf};
use std::process::Command;

/// A scratch copy of the workspace under `target/`.
struct Scratch {
    root: PathBuf,
}

impl Scratch {
    fn new(name: &str) -> Self {
        let workspace = xtask::workspace_root();
        let root = workspace.join("target").join("rehearsals").join(name);
        if root.exists() {
            std::fs::remove_dir_all(&root).unwrap();
        }
        let out = Command::new("git")
            .args(["ls-files", "-z"])
            .current_dir(&workspace)
            .output()
            .expect("git runs");
        assert!(out.status.success(), "git ls-files failed");
        for rel in out.stdout.split(|b| *b == 0).filter(|p| !p.is_empty()) {
            let rel = std::str::from_utf8(rel).unwrap();
            let from = workspace.join(rel);
            if !from.is_file() {
                continue; // deleted in the working tree
            }
            let dest = root.join(rel);
            std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
            std::fs::copy(&from, &dest).unwrap();
        }
        Self { root }
    }

    fn insert_after(&self, anchor: &str, addition: &str) {
        let path = self.root.join(xtask::SPEC_PATH);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            text.contains(anchor),
            "rehearsal anchor not found: {anchor:?}"
        );
        std::fs::write(
            &path,
            text.replacen(anchor, &format!("{anchor}{addition}"), 1),
        )
        .unwrap();
    }

    /// Runs the generator in the copy and asserts that it changed nothing but generated files.
    fn generate(&self) {
        xtask::codegen::run(&self.root, false).unwrap_or_else(|e| panic!("{e}"));
        let workspace = xtask::workspace_root();
        let mut changed = Vec::new();
        walk(&self.root, &mut |path| {
            let rel = path.strip_prefix(&self.root).unwrap();
            let original = std::fs::read(workspace.join(rel)).ok();
            if original.as_deref() != Some(std::fs::read(path).unwrap().as_slice()) {
                changed.push(rel.to_string_lossy().replace('\\', "/"));
            }
        });
        changed.sort();
        for rel in &changed {
            let text = std::fs::read_to_string(self.root.join(rel)).unwrap();
            assert!(
                rel == xtask::SPEC_PATH
                    || (xtask::GENERATED_FILES.contains(&rel.as_str())
                        && (rel.ends_with(".json") || text.starts_with("// @generated"))),
                "the rehearsal changed {rel}, which is not generated: {changed:?}"
            );
        }
        assert!(
            changed.iter().any(|r| r == xtask::WRAPPER_GENERATED_PATH)
                && changed.iter().any(|r| r == xtask::CLI_GENERATED_PATH),
            "the library's and the CLI's surfaces must follow the spec: {changed:?}"
        );
    }

    /// Adds a probe test file (the rehearsal's own check, not a product edit) and runs it.
    fn probe(&self, package: &str, name: &str, code: &str) {
        let dir = self.root.join("crates").join(package).join("tests");
        std::fs::write(dir.join(format!("{name}.rs")), code).unwrap();
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let target = xtask::workspace_root()
            .join("target")
            .join("rehearsal-target");
        let out = Command::new(cargo)
            .args(["test", "--quiet", "-p", package, "--test", name])
            .env("CARGO_TARGET_DIR", &target)
            .env_remove("CARGO_MANIFEST_DIR")
            .env_remove("RUSTFLAGS")
            .current_dir(&self.root)
            .output()
            .expect("cargo runs");
        assert!(
            out.status.success(),
            "the probe {package}/tests/{name}.rs failed in the rehearsal copy:\n{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

fn walk(dir: &Path, f: &mut dyn FnMut(&Path)) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            walk(&path, f);
        } else {
            f(&path);
        }
    }
}

/// An optional request field with a rule: a setter with its rule, a flag, the sandbox's check.
#[test]
fn an_optional_request_field_reaches_every_surface() {
    let copy = Scratch::new("order-description");
    copy.insert_after(
        "      properties:\n        return_url:\n          $ref: '#/components/schemas/ReturnUrlsRequest'\n",
        "        order_description:\n          type: string\n          maxLength: 128\n          description: What the customer is buying, shown on the hosted page.\n",
    );
    copy.generate();
    copy.probe(
        "paymentoptions-hpp",
        "rehearsal_probe",
        r#"
use paymentoptions_hpp::{Client, LinkRequest, Rule};
use paymentoptions_hpp_mock::MockServer;

#[tokio::test]
async fn order_description_is_set_checked_and_accepted() {
    let request = LinkRequest::builder()
        .customer_enters_amount()
        .order_description("Two books")
        .build()
        .unwrap();
    assert_eq!(request.to_json()["order_description"], "Two books");
    let err = LinkRequest::builder()
        .customer_enters_amount()
        .order_description("x".repeat(129))
        .build()
        .unwrap_err();
    assert_eq!(err.field(), "order_description");
    assert_eq!(err.rule(), &Rule::MaxLength { max: 128 });

    let mock = MockServer::start().await.unwrap();
    let client = Client::builder().api_key("rehearsal-key").base_url(mock.base_url()).build().unwrap();
    client.create_link(&request).await.unwrap();

    // The sandbox validates with the same spec: 129 characters are refused, naming the field.
    let url = format!("{}/api/v1/server-to-server-interface/hpp/generate/link", mock.base_url());
    let response = reqwest::Client::new()
        .post(url)
        .header("authorization", "Basic rehearsal-key")
        .header("x-api-key", "rehearsal-key")
        .header("content-type", "application/json")
        .body(serde_json::json!({"order_description": "x".repeat(129)}).to_string())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status().as_u16(), 400);
    let body = response.text().await.unwrap();
    assert!(body.contains("order_description"), "{body}");
}
"#,
    );
    copy.probe(
        "paymentoptions-hpp-cli",
        "rehearsal_probe",
        r#"
use paymentoptions_hpp_mock::MockServer;

#[tokio::test]
async fn po_hpp_sends_order_description() {
    let mock = MockServer::start().await.unwrap();
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_po-hpp"))
        .args(["link", "create", "--customer-enters-amount", "--order-description", "Two books", "--base-url"])
        .arg(mock.base_url())
        .env("PAYMENTOPTIONS_API_KEY", "rehearsal-key")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let links = reqwest::get(format!("{}/__mock/links", mock.base_url()))
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(links.contains("Two books"), "{links}");
}
"#,
    );
}

/// A GET operation with a path parameter: a `Client` method and a `po-hpp` subcommand.
#[test]
fn a_new_operation_is_callable_from_the_library_and_the_cli() {
    let copy = Scratch::new("get-link");
    copy.insert_after(
        "paths:\n",
        "  /api/v1/server-to-server-interface/hpp/link/{linkId}:\n    get:\n      tags: [hpp]\n      operationId: get_hpp_link\n      summary: Read a link\n      parameters:\n        - name: linkId\n          in: path\n          required: true\n          description: The link's id.\n          schema:\n            type: string\n            maxLength: 36\n      responses:\n        '200':\n          description: The link.\n          content:\n            application/json:\n              schema:\n                $ref: '#/components/schemas/HppLinkResponse'\n        '404':\n          $ref: '#/components/responses/Error'\n",
    );
    copy.generate();
    const LINK: &str = r#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": "https://checkout-dev.paymentoptions.com/jp/HostedPaymentPage/hKJsdByR", "amount": 1000, "currency": "JPY"}"#;
    copy.probe(
        "paymentoptions-hpp",
        "rehearsal_probe",
        &format!(
            r##"
use paymentoptions_hpp::{{Client, Error}};
use paymentoptions_hpp_testkit::{{Reply, TestServer}};

#[tokio::test]
async fn get_hpp_link_is_a_client_method() {{
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, serde_json::from_str(r#"{LINK}"#).unwrap()));
    let client = Client::builder().api_key("rehearsal-key").base_url(&server.base_url()).build().unwrap();
    let link = client.get_hpp_link("f49173ce 4916").await.unwrap();
    assert_eq!(link.amount, Some(1000));
    let seen = server.requests();
    assert_eq!(seen[0].method, "GET");
    assert_eq!(seen[0].path, "/api/v1/server-to-server-interface/hpp/link/f49173ce%204916");
    let err = client.get_hpp_link(&"x".repeat(37)).await.unwrap_err();
    assert!(matches!(err, Error::Validation(_)), "{{err}}");
    assert_eq!(server.requests().len(), 1, "nothing is sent for a broken parameter");
}}
"##
        ),
    );
    copy.probe(
        "paymentoptions-hpp-cli",
        "rehearsal_probe",
        &format!(
            r##"
use paymentoptions_hpp_testkit::{{Reply, TestServer}};

#[tokio::test]
async fn po_hpp_has_a_subcommand() {{
    let server = TestServer::start().await;
    server.push_reply(Reply::json(200, serde_json::from_str(r#"{LINK}"#).unwrap()));
    let out = tokio::process::Command::new(env!("CARGO_BIN_EXE_po-hpp"))
        .args(["get-hpp-link", "--link-id", "abc", "--base-url"])
        .arg(server.base_url())
        .env("PAYMENTOPTIONS_API_KEY", "rehearsal-key")
        .output()
        .await
        .unwrap();
    assert!(out.status.success(), "{{}}", String::from_utf8_lossy(&out.stderr));
    let printed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(printed["amount"], 1000);
    assert_eq!(server.requests()[0].path, "/api/v1/server-to-server-interface/hpp/link/abc");
}}
"##
        ),
    );
}
