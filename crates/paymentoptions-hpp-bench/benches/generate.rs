//! The generation step of `cargo xtask generate --check`, without the process around it, and the
//! other steps of `xtask::codegen::run`, to see what dominates:
//!
//! - `render`: read the spec, parse the YAML, lint, progenitor, prettyplease (the generation);
//! - `render_httpmock`: the same for the httpmock stubs crate (`xtask::httpmock::render`);
//! - `embedded_spec`: parse the checked-in `generated.rs` with syn to read the spec it embeds
//!   (the change report's "before");
//! - `report_diff`: the change report itself;
//! - `compare`: byte comparison of the checked-in file with the fresh one.
//!
//! The end-to-end time (`cargo xtask generate --check`, and the built executable) is measured
//! by the `xtask_timing` binary or hyperfine (BENCHMARKS.md).
//!
//! `cargo bench -p paymentoptions-hpp-bench --bench generate`

use std::hint::black_box;
use std::time::{Duration, SystemTime};

use criterion::{Criterion, criterion_group};
use paymentoptions_hpp_bench::{print_criterion_ratios, workspace_root};
use xtask::codegen::{self, Freshness};

fn generate(c: &mut Criterion) {
    let root = workspace_root();
    let spec_path = root.join(xtask::SPEC_PATH);
    let spec_text = std::fs::read_to_string(&spec_path).unwrap();
    let on_disk = std::fs::read_to_string(root.join(xtask::GENERATED_PATH)).unwrap();
    let (fresh, new_spec) = codegen::render_with_spec(&spec_path, &spec_text).unwrap();
    assert!(
        matches!(
            codegen::compare(xtask::GENERATED_PATH, Some(&on_disk), &fresh),
            Freshness::UpToDate
        ),
        "generated.rs is stale: run `cargo xtask generate` first"
    );
    let old_spec = codegen::embedded_spec(&on_disk).expect("generated.rs embeds its spec");

    let since = SystemTime::now();
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("render", |b| {
        b.iter(|| codegen::render(black_box(&spec_path)).unwrap())
    });
    group.bench_function("render_httpmock", |b| {
        b.iter(|| xtask::httpmock::render(black_box(&spec_path)).unwrap())
    });
    group.bench_function("embedded_spec", |b| {
        b.iter(|| codegen::embedded_spec(black_box(&on_disk)).unwrap())
    });
    group.bench_function("report_diff", |b| {
        b.iter(|| xtask::report::diff(black_box(&old_spec), black_box(&new_spec)))
    });
    group.bench_function("compare", |b| {
        b.iter(|| {
            codegen::compare(
                xtask::GENERATED_PATH,
                Some(black_box(&on_disk)),
                black_box(&fresh),
            )
        })
    });
    // The whole of `cargo xtask generate --check` minus process start and printing.
    group.bench_function("run_check", |b| {
        b.iter(|| codegen::run(black_box(&root), true).unwrap())
    });
    group.finish();
    print_criterion_ratios(
        "generate",
        &[
            "run_check",
            "render",
            "render_httpmock",
            "embedded_spec",
            "report_diff",
            "compare",
        ],
        since,
    );
}

criterion_group!(benches, generate);

fn main() {
    benches();
    criterion::Criterion::default()
        .configure_from_args()
        .final_summary();
}
