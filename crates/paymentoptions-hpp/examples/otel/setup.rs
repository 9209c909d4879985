//! The OpenTelemetry setup of `examples/otel.rs`, shared with `tests/otel.rs` so that the test
//! checks what the example exports.

use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::Resource;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanExporter};
use tracing_subscriber::layer::SubscriberExt;

/// A tracer provider that sends finished spans to `exporter` in batches, from a thread of its
/// own (no async runtime needed). Call `shutdown` (or `force_flush`) before exiting, or the
/// last batch is lost.
pub fn tracer_provider<E: SpanExporter + 'static>(exporter: E) -> SdkTracerProvider {
    SdkTracerProvider::builder()
        .with_batch_exporter(exporter)
        .with_resource(Resource::builder().with_service_name("shop").build())
        .build()
}

/// A `tracing` subscriber that turns every span into an OpenTelemetry span of `provider`'s.
/// The library's `paymentoptions_hpp.request` span becomes a client span named
/// `{method} {url.template}`, with the HTTP semantic-convention attributes. `INFO` and above:
/// the HTTP stack's own debug events would otherwise ride along on it.
pub fn subscriber(provider: &SdkTracerProvider) -> impl tracing::Subscriber + Send + Sync {
    let tracer = provider.tracer("paymentoptions-hpp");
    tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(tracer))
        .with(tracing_subscriber::filter::LevelFilter::INFO)
}
