//! Codec cost: encode the page's example request and decode its example response, generated
//! models (`paymentoptions-hpp-client`) against hand-written serde structs with the same field
//! types. Also, for reference, what the wrapper adds on each side: the model clone `create_link`
//! makes when a client default fills a gap in the request, and `Link::from_json` (array check,
//! trailing-bytes check, URL parse; the path-reporting decode only runs when this one fails).
//!
//! `cargo bench -p paymentoptions-hpp-bench --bench codec`

use std::hint::black_box;
use std::time::{Instant, SystemTime};

use criterion::{Criterion, criterion_group};
use paymentoptions_hpp::models::{HppLinkRequest, HppLinkResponse};
use paymentoptions_hpp_bench::{
    REQUEST_FIXTURE, RESPONSE_FIXTURE, assert_baselines_match, handwritten, interleaved, measuring,
    page_example_request, print_criterion_ratios,
};

fn codec(c: &mut Criterion) {
    assert_baselines_match();
    let generated: HppLinkRequest = serde_json::from_slice(REQUEST_FIXTURE).unwrap();
    let hand = handwritten::example_request();
    let wrapper = page_example_request();
    assert_eq!(
        serde_json::to_vec(&generated).unwrap(),
        serde_json::to_vec(&hand).unwrap()
    );
    assert_eq!(wrapper.as_model(), &generated);

    let since = SystemTime::now();
    let mut group = c.benchmark_group("encode_request");
    group.bench_function("handwritten", |b| {
        b.iter(|| serde_json::to_vec(black_box(&hand)).unwrap())
    });
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::to_vec(black_box(&generated)).unwrap())
    });
    // What `create_link` does before sending when a client default (`merchant_id`,
    // `merchant_email`) fills a gap in the request: clone the model, then encode it. With
    // nothing to fill it encodes the request's own model, which is the `generated` row.
    group.bench_function("wrapper_filling_defaults", |b| {
        b.iter(|| serde_json::to_vec(&black_box(&wrapper).as_model().clone()).unwrap())
    });
    group.finish();

    let mut group = c.benchmark_group("decode_response");
    group.bench_function("handwritten", |b| {
        b.iter(|| {
            serde_json::from_slice::<handwritten::LinkResponse>(black_box(RESPONSE_FIXTURE))
                .unwrap()
        })
    });
    group.bench_function("generated", |b| {
        b.iter(|| serde_json::from_slice::<HppLinkResponse>(black_box(RESPONSE_FIXTURE)).unwrap())
    });
    group.bench_function("wrapper", |b| {
        b.iter(|| paymentoptions_hpp::Link::from_json(black_box(RESPONSE_FIXTURE)).unwrap())
    });
    group.finish();

    print_criterion_ratios(
        "encode_request",
        &["handwritten", "generated", "wrapper_filling_defaults"],
        since,
    );
    print_criterion_ratios(
        "decode_response",
        &["handwritten", "generated", "wrapper"],
        since,
    );

    if measuring() {
        fn run<T>(f: impl Fn() -> T) -> impl FnMut(u64) -> std::time::Duration {
            move |n| {
                let started = Instant::now();
                for _ in 0..n {
                    black_box(f());
                }
                started.elapsed()
            }
        }
        interleaved(
            "encode_request",
            40,
            20_000,
            &mut [
                (
                    "handwritten",
                    &mut run(|| serde_json::to_vec(black_box(&hand))),
                ),
                (
                    "generated",
                    &mut run(|| serde_json::to_vec(black_box(&generated))),
                ),
                (
                    "wrapper_filling_defaults",
                    &mut run(|| serde_json::to_vec(&black_box(&wrapper).as_model().clone())),
                ),
            ],
        );
        interleaved(
            "decode_response",
            40,
            10_000,
            &mut [
                (
                    "handwritten",
                    &mut run(|| {
                        serde_json::from_slice::<handwritten::LinkResponse>(black_box(
                            RESPONSE_FIXTURE,
                        ))
                    }),
                ),
                (
                    "generated",
                    &mut run(|| {
                        serde_json::from_slice::<HppLinkResponse>(black_box(RESPONSE_FIXTURE))
                    }),
                ),
                (
                    "wrapper",
                    &mut run(|| paymentoptions_hpp::Link::from_json(black_box(RESPONSE_FIXTURE))),
                ),
            ],
        );
    }
}

criterion_group!(benches, codec);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
