//! Checks answers of the sandbox against the spec's declared responses (included by the test
//! files that record answers: `#[path = "support/spec_check.rs"] mod spec_check;`).

use paymentoptions_hpp_client::api;
use paymentoptions_hpp_testkit::SchemaValidator;
use serde_json::Value;

/// One answer of the sandbox to a call of an operation.
#[derive(Clone, Debug)]
pub struct Answer {
    /// What was sent, for the failure message.
    pub what: String,
    pub operation: api::Operation,
    pub status: u16,
    pub content_type: Option<String>,
    pub body: Vec<u8>,
}

impl Answer {
    /// Sends `operation` to `url` (its path already filled in) with exactly `headers` and
    /// `body`, and reads the answer; `what` names the call in failure messages.
    #[allow(dead_code)] // not every test file that checks answers sends its calls this way
    pub async fn exchange(
        http: &reqwest::Client,
        url: String,
        operation: api::Operation,
        what: String,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Answer {
        let method = reqwest::Method::from_bytes(operation.method.as_bytes()).unwrap();
        let mut request = http.request(method, url);
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        if let Some(body) = body {
            request = request.body(body);
        }
        let response = request.send().await.unwrap();
        Answer {
            what,
            operation,
            status: response.status().as_u16(),
            content_type: response
                .headers()
                .get("content-type")
                .map(|v| v.to_str().unwrap().to_string()),
            body: response.bytes().await.unwrap().to_vec(),
        }
    }
}

/// The spec's declared responses of `operation`: status -> component schema name.
pub fn declared(operation: api::Operation) -> Vec<(u16, String)> {
    let spec: Value = serde_json::from_str(api::OPENAPI_JSON).unwrap();
    let responses =
        &spec["paths"][operation.path][operation.method.to_ascii_lowercase()]["responses"];
    let schema_name = |response: &Value| {
        let response = match response.get("$ref").and_then(Value::as_str) {
            Some(r) => spec.pointer(r.trim_start_matches('#')).unwrap(),
            None => response,
        };
        let reference = response
            .pointer("/content/application~1json/schema/$ref")
            .and_then(Value::as_str)
            .unwrap();
        reference.rsplit('/').next().unwrap().to_string()
    };
    responses
        .as_object()
        .unwrap()
        .iter()
        .map(|(status, response)| (status.parse().unwrap(), schema_name(response)))
        .collect()
}

/// Panics unless `answer`'s status is declared for its operation, and its body is JSON that
/// the declared schema accepts.
pub fn check(answer: &Answer) {
    let what = &answer.what;
    let declared = declared(answer.operation);
    let Some((_, schema)) = declared.iter().find(|(s, _)| *s == answer.status) else {
        panic!(
            "{what}: status {} is not declared for {} ({:?})",
            answer.status,
            answer.operation.id,
            declared.iter().map(|(s, _)| s).collect::<Vec<_>>()
        );
    };
    assert_eq!(
        answer.content_type.as_deref(),
        Some("application/json"),
        "{what}"
    );
    let body: Value = serde_json::from_slice(&answer.body)
        .unwrap_or_else(|e| panic!("{what}: the body is not JSON ({e})"));
    check_body(what, schema, &body);
}

/// Panics unless component `schema` accepts `body`.
pub fn check_body(what: &str, schema: &str, body: &Value) {
    let problems = SchemaValidator::for_component(schema).errors(body);
    assert!(
        problems.is_empty(),
        "{what}: the body breaks {schema}: {problems:?}\n{body}"
    );
}
