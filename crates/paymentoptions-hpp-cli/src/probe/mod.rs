//! `po-hpp probe`: asks a PaymentOptions test environment what it does not document, saves
//! every answer as a fixture (`paymentoptions_hpp_mock::probe` reads and replays them), and
//! reports which sandbox setting each answer matches.
//!
//! - `guard`: test environments only, checked before anything is sent;
//! - `steps`: the questions, through the library's calls;
//! - `record`: each answer redacted and written as it arrives, then the manifest;
//! - `report`: the findings and the replay, as text or JSON.

mod guard;
mod record;
mod report;
mod steps;

use crate::args::ProbeArgs;
use crate::exit::Failure;

/// Runs the probe: refuses anything but a test environment, asks every question it can with
/// what it was given, saves the answers under `--out`, and prints the report.
pub async fn run(args: ProbeArgs) -> Result<(), Failure> {
    let client = guard::test_client(&args.connection)?;
    let base_url = client.base_url().origin().ascii_serialization();
    let mut recorder = record::Recorder::create(&args.out, &base_url, crate::api_keys())?;
    let asked = steps::run(&mut recorder, &client, &args).await;
    // What was answered is saved even when a later step stopped the probe.
    let (dir, probe) = recorder.finish()?;
    asked?;
    report::print(&probe, &dir, args.json)
}
