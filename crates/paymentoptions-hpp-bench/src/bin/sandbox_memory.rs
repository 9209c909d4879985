//! What the sandbox keeps per link, per paid link (its transaction and notification) and per
//! stored-card payment, for ordinary bodies (the baseline) and adversarial ones of the same
//! operations, in the same run.
//!
//! ```sh
//! cargo run --release -p paymentoptions-hpp-bench --bin sandbox_memory
//! cargo run --release -p paymentoptions-hpp-bench --bin sandbox_memory -- --count 500
//! ```
//!
//! The adversarial bodies are those issue 20 measured: as large as the sandbox accepts
//! (`max_body_bytes`), with an address that carries a member the spec does not name holding
//! an array of thousands of numbers. A sandbox that kept such members as `serde_json::Value`
//! trees paid about 32 bytes per array element, 16 times the bytes received.
//!
//! Each case runs in a process of its own (this binary again, with `--case`), so that no case
//! reuses memory an earlier one freed, with the sandbox in process (bounds above the count, so
//! nothing is evicted): `VmRSS` is read after a warm-up and after `count` operations; the delta
//! over the count is the figure. The notifications go to a closed port with one attempt, so each paid
//! link keeps one failed delivery. No figure is asserted: the process fails only when the
//! sandbox refuses a request.

use std::process::Command;
use std::time::Duration;

use paymentoptions_hpp_bench::{bin_main, machine, vm_rss_kib};
use paymentoptions_hpp_client::api;
use paymentoptions_hpp_mock::{CustomerAction, DeliveryPolicy, MockConfig, MockServer};
use serde_json::{Value, json};

const USAGE: &str = "\
usage: sandbox_memory [--count N]

  --count N  operations per case (default 2000)
  --case K   run case K alone and print its figure (what the run does for each case)
";

/// `base` padded to `size` bytes with an array under an address member the
/// spec does not name.
fn adversarial(base: &Value, size: usize) -> Vec<u8> {
    let mut body = base.clone();
    body["billing_address"]["x_unknown"] = json!([]);
    let empty = serde_json::to_vec(&body).expect("a body encodes").len();
    let elements = size.saturating_sub(empty) / 2;
    body["billing_address"]["x_unknown"] = Value::Array(vec![json!(0); elements]);
    serde_json::to_vec(&body).expect("a body encodes")
}

struct Sandbox {
    mock: MockServer,
    http: reqwest::Client,
}

impl Sandbox {
    async fn start(count: usize) -> Result<Self, String> {
        let config = MockConfig::default()
            .with_max_links(count * 2 + 100)
            .with_max_transactions(count * 4 + 100)
            .with_spec_examples(false)
            .with_delivery(DeliveryPolicy::default().with_max_attempts(1));
        let mock = MockServer::start_with(config)
            .await
            .map_err(|e| format!("the sandbox does not start: {e}"))?;
        let http = reqwest::Client::builder()
            .no_proxy()
            .build()
            .map_err(|e| e.to_string())?;
        Ok(Self { mock, http })
    }

    /// POSTs `body` to `operation`; the answer's JSON, or why it was refused.
    async fn post(&self, operation: api::Operation, body: &[u8]) -> Result<Value, String> {
        let mut request = self
            .http
            .post(format!("{}{}", self.mock.base_url(), operation.path))
            .header("content-type", "application/json")
            .body(body.to_vec());
        for (name, value) in api::auth_header_values("bench-key") {
            request = request.header(name, value);
        }
        let answer = request.send().await.map_err(|e| e.to_string())?;
        let status = answer.status();
        let bytes = answer.bytes().await.map_err(|e| e.to_string())?;
        if !status.is_success() {
            return Err(format!(
                "{}: {status} {}",
                operation.id,
                String::from_utf8_lossy(&bytes)
            ));
        }
        serde_json::from_slice(&bytes).map_err(|e| e.to_string())
    }

    /// Creates a link with `body` and pays it.
    async fn paid_link(&self, body: &[u8]) -> Result<Option<String>, String> {
        let link = self.post(api::GENERATE_HPP_LINK, body).await?;
        let id = link["id"]
            .as_str()
            .and_then(|id| id.parse().ok())
            .ok_or("a link without an id")?;
        let completion = self
            .mock
            .complete(id, CustomerAction::Pay)
            .map_err(|e| e.to_string())?;
        Ok(completion.transaction.stored_payment_method_id)
    }
}

/// The resident-memory growth per operation of `count` runs of `operation`, after `warmup`.
async fn per_operation<F, Fut>(count: usize, mut operation: F) -> Result<f64, String>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<(), String>>,
{
    for _ in 0..count.min(200) {
        operation().await?;
    }
    // Let the failed deliveries of the warm-up finish, so their tasks are not counted.
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = vm_rss_kib().ok_or("no VmRSS in /proc/self/status")?;
    for _ in 0..count {
        operation().await?;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = vm_rss_kib().ok_or("no VmRSS in /proc/self/status")?;
    Ok(after.saturating_sub(before) as f64 * 1024.0 / count as f64)
}

/// The cases, in the order they are printed.
const CASES: [&str; 6] = [
    "link (ordinary)",
    "link (adversarial)",
    "paid link + notification (ordinary)",
    "paid link + notification (adversarial)",
    "stored-card payment (ordinary)",
    "stored-card payment (adversarial)",
];

/// Runs every case in a process of its own and prints its figure.
fn run(count: usize) -> Result<(), String> {
    println!("machine: {}", machine());
    let (link, limit) = link_body()?;
    println!(
        "bodies: link {} B, adversarial {} B (max_body_bytes {limit}); stored-card payment \
         {} B, adversarial {limit} B",
        serde_json::to_vec(&link).map_err(|e| e.to_string())?.len(),
        adversarial(&link, limit).len(),
        serde_json::to_vec(&api_example(api::PAY_WITH_STORED_CARD)?)
            .map_err(|e| e.to_string())?
            .len(),
    );
    println!(
        "{count} operations per case, each case in its own process; bytes of resident memory per operation:"
    );
    let me = std::env::current_exe().map_err(|e| e.to_string())?;
    for (i, name) in CASES.iter().enumerate() {
        let out = Command::new(&me)
            .args(["--count", &count.to_string(), "--case", &i.to_string()])
            .output()
            .map_err(|e| e.to_string())?;
        if !out.status.success() {
            return Err(format!(
                "{name}: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        println!(
            "  {name:<40} {:>9}",
            String::from_utf8_lossy(&out.stdout).trim()
        );
    }
    Ok(())
}

/// The page example of a link, its notification sent to a closed port (one failed attempt,
/// kept with its body); and the sandbox's body limit.
fn link_body() -> Result<(Value, usize), String> {
    let example = paymentoptions_hpp_bench::page_example_request()
        .as_model()
        .clone();
    let mut link = serde_json::to_value(&example).map_err(|e| e.to_string())?;
    link["return_url"]["webhook_url"] = json!("http://127.0.0.1:9/webhook");
    Ok((link, MockConfig::default().max_body_bytes))
}

/// Case `case` of [`CASES`]: its figure, in bytes per operation.
async fn measure(count: usize, case: usize) -> Result<f64, String> {
    let (link, limit) = link_body()?;
    let adversarial_body = case % 2 == 1;
    let sandbox = Sandbox::start(count + 200).await?;
    match case / 2 {
        0 | 1 => {
            let body = if adversarial_body {
                adversarial(&link, limit)
            } else {
                serde_json::to_vec(&link).map_err(|e| e.to_string())?
            };
            if case / 2 == 0 {
                per_operation(count, || async {
                    sandbox.post(api::GENERATE_HPP_LINK, &body).await.map(drop)
                })
                .await
            } else {
                per_operation(count, || async { sandbox.paid_link(&body).await.map(drop) }).await
            }
        }
        _ => {
            // A stored card to charge: a paid link that stores one.
            let mut storing = link.clone();
            storing["payment_method"] = json!({"store_payment_method": true});
            let storing = serde_json::to_vec(&storing).map_err(|e| e.to_string())?;
            let card = sandbox
                .paid_link(&storing)
                .await?
                .ok_or("the payment stored no card")?;
            let mut payment = api_example(api::PAY_WITH_STORED_CARD)?;
            payment["payment_method"]["stored_payment_method_id"] = json!(card);
            let body = if adversarial_body {
                adversarial(&payment, limit)
            } else {
                serde_json::to_vec(&payment).map_err(|e| e.to_string())?
            };
            per_operation(count, || async {
                sandbox
                    .post(api::PAY_WITH_STORED_CARD, &body)
                    .await
                    .map(drop)
            })
            .await
        }
    }
}

/// The spec's example of `operation`'s request body.
fn api_example(operation: api::Operation) -> Result<Value, String> {
    let spec: Value = serde_json::from_str(api::OPENAPI_JSON).map_err(|e| e.to_string())?;
    spec.get("paths")
        .and_then(|p| p.get(operation.path))
        .and_then(|p| p.get(operation.method.to_ascii_lowercase()))
        .and_then(|o| o.pointer("/requestBody/content/application~1json/example"))
        .cloned()
        .ok_or_else(|| format!("the spec has no example body for {}", operation.id))
}

fn parse() -> Result<(usize, Option<usize>), String> {
    let mut count = 2_000;
    let mut case = None;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--count" => {
                count = args
                    .next()
                    .and_then(|v| v.parse().ok())
                    .filter(|&n| n > 0)
                    .ok_or("--count takes a number >= 1")?;
            }
            "--case" => {
                case = Some(
                    args.next()
                        .and_then(|v| v.parse().ok())
                        .filter(|&n| n < CASES.len())
                        .ok_or("--case takes the number of a case")?,
                );
            }
            other => return Err(format!("unknown argument {other}")),
        }
    }
    Ok((count, case))
}

fn main() -> std::process::ExitCode {
    bin_main(USAGE, parse, |(count, case)| match case {
        None => run(count),
        Some(case) => {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            let bytes = runtime.block_on(measure(count, case))?;
            println!("{bytes:.0}");
            Ok(())
        }
    })
}
