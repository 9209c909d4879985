//! The generation step of `cargo xtask generate --check`, without the process around it, and the
//! other steps of `xtask::codegen::run`, to see what dominates:
//!
//! - `render`: parse the YAML, lint, progenitor, prettyplease, for every generated file (the
//!   generation, `xtask::codegen::render`);
//! - `previous_spec`: parse the checked-in `openapi.json` (the change report's "before");
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
    let spec_text = codegen::read_spec(&spec_path).unwrap();
    let on_disk = std::fs::read_to_string(root.join(xtask::GENERATED_PATH)).unwrap();
    let previous = std::fs::read_to_string(root.join(xtask::SPEC_JSON_PATH)).unwrap();
    let rendered = codegen::render(&spec_path, &spec_text).unwrap();
    let (fresh, new_spec) = (rendered.file(xtask::GENERATED_PATH), &rendered.spec);
    assert!(
        matches!(
            codegen::compare(xtask::GENERATED_PATH, Some(&on_disk), fresh),
            Freshness::UpToDate
        ),
        "generated.rs is stale: run `cargo xtask generate` first"
    );
    let old_spec: serde_json::Value = serde_json::from_str(&previous).unwrap();

    let since = SystemTime::now();
    let mut group = c.benchmark_group("generate");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(10));
    group.bench_function("render", |b| {
        b.iter(|| codegen::render(black_box(&spec_path), black_box(&spec_text)).unwrap())
    });
    group.bench_function("previous_spec", |b| {
        b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(&previous)).unwrap())
    });
    group.bench_function("report_diff", |b| {
        b.iter(|| xtask::report::diff(black_box(&old_spec), black_box(new_spec)))
    });
    group.bench_function("compare", |b| {
        b.iter(|| {
            codegen::compare(
                xtask::GENERATED_PATH,
                Some(black_box(&on_disk)),
                black_box(fresh),
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
            "previous_spec",
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
