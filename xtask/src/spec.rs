//! Loading and linting the OpenAPI document.
//!
//! progenitor reports some problems as panics or as terse one-liners without a location, so the
//! rules it is known to trip on are checked here first, each with an explanation a maintainer can
//! act on.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::ordered::Value;

/// Why a spec could not be turned into code. `Display` is one paragraph naming the file.
#[derive(Debug)]
pub struct SpecError {
    /// The spec file the problem is in.
    pub path: PathBuf,
    /// What is wrong, and where in the document when known.
    pub problem: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let root = crate::workspace_root();
        let shown = self.path.strip_prefix(&root).unwrap_or(&self.path);
        write!(f, "{}: {}", shown.display(), self.problem)
    }
}

impl std::error::Error for SpecError {}

impl SpecError {
    pub(crate) fn new(path: &Path, problem: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            problem: problem.into(),
        }
    }
}

/// Reads the spec as YAML (JSON is YAML too) into a JSON value, in document order.
pub fn load(path: &Path) -> Result<Value, SpecError> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| SpecError::new(path, format!("cannot read the file: {e}")))?;
    parse(path, &text)
}

/// Parses spec text, keeping its document order; `path` is only used in error messages.
pub fn parse(path: &Path, text: &str) -> Result<Value, SpecError> {
    let value: Value = serde_saphyr::from_str(text).map_err(|e| {
        let msg = e.to_string();
        SpecError::new(
            path,
            format!("is not valid YAML: {}", msg.trim_end().replace('\n', " ")),
        )
    })?;
    if !value.is_object() {
        return Err(SpecError::new(
            path,
            "is not an OpenAPI document: the top level must be a mapping with `openapi`, `info` and `paths`",
        ));
    }
    Ok(value)
}

/// The methods an OpenAPI 3.0 path item may have, in the order progenitor reads them.
pub(crate) const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Checks the rules progenitor 0.15 relies on but reports badly. Returns every problem found.
pub fn lint(doc: &Value) -> Vec<String> {
    let mut problems = Vec::new();

    match doc.get("openapi").and_then(Value::as_str) {
        None => problems.push(
            "has no `openapi` version string; write `openapi: 3.0.3` at the top level".to_string(),
        ),
        Some(v) if !v.trim().starts_with("3.0.") => problems.push(format!(
            "declares OpenAPI {v}, but progenitor only takes OpenAPI 3.0.x; write `openapi: 3.0.3` \
             and express 3.1 constructs in 3.0 terms (`nullable: true` instead of a `type` list, \
             `example` instead of `examples` in schemas, no `const`)"
        )),
        Some(_) => {}
    }

    let mut error_schema: Option<(String, Value)> = None;
    if let Some(paths) = doc.get("paths").and_then(Value::as_object) {
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let here = format!("{} {path}", method.to_uppercase());
                match op.get("operationId").and_then(Value::as_str) {
                    Some(id) if !id.trim().is_empty() => {}
                    _ => problems.push(format!(
                        "operation `{here}` has no `operationId`; progenitor names the generated \
                         method after it, so every operation needs a stable, unique one"
                    )),
                }
                let Some(responses) = op.get("responses").and_then(Value::as_object) else {
                    continue;
                };
                for (status, response) in responses {
                    if status.starts_with('2') {
                        continue;
                    }
                    let schema = response_schema(doc, response);
                    match &error_schema {
                        None => error_schema = Some((format!("{here} {status}"), schema)),
                        Some((first, expected)) if *expected != schema => problems.push(format!(
                            "response `{here} {status}` uses a different error schema from \
                                 `{first}`; progenitor needs one shared error schema for every \
                                 non-2xx response (reference `#/components/responses/Error`)"
                        )),
                        Some(_) => {}
                    }
                }
            }
        }
    }
    walk_schemas(doc, "#", &mut problems);
    problems
}

/// The JSON schema of a response's `application/json` content, following one `$ref`.
fn response_schema(doc: &Value, response: &Value) -> Value {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => resolve(doc, r).unwrap_or(Value::Null),
        None => response.clone(),
    };
    response
        .pointer("/content/application~1json/schema")
        .cloned()
        .unwrap_or(Value::Null)
}

fn resolve(doc: &Value, reference: &str) -> Option<Value> {
    doc.pointer(reference.strip_prefix('#')?).cloned()
}

/// Flags OpenAPI 3.1 schema forms that the 3.0 parser would reject with a vague message.
fn walk_schemas(value: &Value, at: &str, problems: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::Array(_)) = map.get("type") {
                problems.push(format!(
                    "`{at}` gives `type` as a list, an OpenAPI 3.1 form; use one type and \
                     `nullable: true`"
                ));
            }
            if map.contains_key("const") && map.contains_key("type") {
                problems.push(format!(
                    "`{at}` uses `const`, an OpenAPI 3.1 form; use a one-value `enum`"
                ));
            }
            // Example payloads are data, not schemas.
            for (k, v) in map
                .iter()
                .filter(|(k, _)| !matches!(k.as_str(), "example" | "examples"))
            {
                walk_schemas(
                    v,
                    &format!("{at}/{}", k.replace('~', "~0").replace('/', "~1")),
                    problems,
                );
            }
        }
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                walk_schemas(v, &format!("{at}/{i}"), problems);
            }
        }
        _ => {}
    }
}
