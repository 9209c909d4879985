//! The library's request spans exported with OpenTelemetry, against the local sandbox: no
//! credentials, no network.
//!
//! ```sh
//! cargo run -p paymentoptions-hpp --example otel
//! ```
//!
//! Each call is one `paymentoptions_hpp.request` span; `tracing-opentelemetry` turns it into a
//! client span named `GET /api/v1/.../status/{transactionId}` with the HTTP semantic-convention
//! attributes (`http.request.method`, `url.template`, `server.address`, `server.port`,
//! `http.response.status_code`, `error.type` on failure). Neither the URL (its path holds the
//! transaction id) nor any key is exported.
//!
//! This example prints the spans (`opentelemetry-stdout`). To send them to a collector, give
//! `setup::tracer_provider` an OTLP exporter instead, e.g. with the `opentelemetry-otlp` crate
//! of the same release line as `opentelemetry_sdk`:
//!
//! ```ignore
//! let exporter = opentelemetry_otlp::SpanExporter::builder().with_http().build()?;
//! let provider = setup::tracer_provider(exporter);
//! ```

#[path = "otel/setup.rs"]
mod setup;

use std::process::ExitCode;

use paymentoptions_hpp::{Client, Currency, LinkRequest, Money};
use paymentoptions_hpp_mock::MockServer;

type Error = Box<dyn std::error::Error>;

#[tokio::main]
async fn main() -> ExitCode {
    let provider = setup::tracer_provider(opentelemetry_stdout::SpanExporter::default());
    let outcome = {
        let _subscriber = tracing::subscriber::set_default(setup::subscriber(&provider));
        run().await
    };
    // Exports what the batch still holds.
    if let Err(e) = provider.shutdown() {
        eprintln!("exporting the spans failed: {e}");
        return ExitCode::FAILURE;
    }
    match outcome {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("otel example failed: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Two calls: a link (answered 201 by the sandbox), and the status of an id the sandbox does
/// not know (404: a span with `error.type`).
async fn run() -> Result<(), Error> {
    let mock = MockServer::start()
        .await
        .map_err(|e| format!("starting the sandbox: {e}"))?;
    let client = Client::builder()
        .api_key("sandbox-key")
        .base_url(mock.base_url())
        .build()?;
    let request = LinkRequest::builder()
        .amount(Money::from_major(1000, Currency::JPY)?)
        .merchant_txn_ref("ORDER-1001")
        .success_url("https://shop.example/paid")
        .build()?;
    let link = client.create_link(&request).await?;
    println!("link created: {}", link.id());
    let unknown = "00000000-0000-4000-8000-000000000000";
    match client.get_transaction_status(unknown).await {
        Err(e) => println!("status of an unknown id: {e}"),
        Ok(t) => println!("status of an unknown id: {:?}", t.outcome()),
    }
    Ok(())
}
