//! What the benchmarks share (see `BENCHMARKS.md` at the repository root): the spec's example
//! bodies, the page example request built through the wrapper's builder, the hand-written serde
//! structs the baselines decode into, servers on their own thread, and small statistics.
//!
//! Every figure is a ratio against a baseline measured in the same run: these machines are
//! noisy, and absolute times move from run to run.

mod fixtures;
pub mod handwritten;
mod harness;
mod server;
mod stats;
mod system;

pub use fixtures::{
    API_KEY, CREATE_PATH, REQUEST_FIXTURE, RESPONSE_FIXTURE, STATUS_FIXTURE, STATUS_PATH,
    assert_baselines_match, page_example_request, workspace_root,
};
pub use harness::{bin_main, measuring, profile_request};
pub use server::ServerThread;
pub use stats::{
    LoadFigures, criterion_median_ns, interleaved, median, percentile, print_criterion_ratios,
    print_load_summary,
};
pub use system::{current_tid, machine, process_cpu_time, thread_cpu_time, vm_rss_kib};
