//! The probe's report: per question, what was observed and the sandbox setting it matches;
//! then the `po-hpp mock` flags that replay it, or why none do.

use std::path::Path;

use paymentoptions_hpp_mock::MockConfig;
use paymentoptions_hpp_mock::probe::{Finding, Probe, Verdict};
use serde_json::{Value, json};

use crate::exit::Failure;
use crate::stdio;

/// Prints the report of `probe`, saved under `dir`: text, or (`json`) one JSON document.
pub fn print(probe: &Probe, dir: &Path, json: bool) -> Result<(), Failure> {
    let findings = probe.findings();
    let replay = replay_flags(probe);
    if json {
        let document = json!({
            "base_url": probe.manifest.base_url,
            "out": dir.display().to_string(),
            "answers": probe.answers.len(),
            "findings": findings.iter().map(Finding::to_json).collect::<Vec<Value>>(),
            "replay": match &replay {
                Ok(flags) => json!({"flags": flags}),
                Err(e) => json!({"error": e}),
            },
        });
        let text = serde_json::to_string_pretty(&document).expect("a JSON value serializes");
        return stdio::print(&text);
    }
    let mut lines = vec![format!(
        "probe of {}: {} answers saved in {}",
        probe.manifest.base_url,
        probe.answers.len(),
        dir.display()
    )];
    for finding in &findings {
        let verdict = match finding.verdict {
            Verdict::Setting(setting) => format!("matches {setting}"),
            Verdict::Sandbox => "matches the sandbox (it has no setting for this)".into(),
            Verdict::NoSetting => "matches no setting".into(),
            _ => "not answered".into(),
        };
        lines.push(format!(
            "{}\n  {verdict}\n  observed: {}",
            finding.question.asks(),
            finding.observed
        ));
    }
    let any_setting = findings
        .iter()
        .any(|f| matches!(f.verdict, Verdict::Setting(_)));
    lines.push(match replay {
        Ok(_) if !any_setting => "replay: no setting was answered".into(),
        Ok(flags) if flags.is_empty() => "replay: the sandbox's defaults".into(),
        Ok(flags) => format!("replay: po-hpp mock {}", flags.join(" ")),
        Err(e) => format!("replay: none: {e}"),
    });
    stdio::print(&lines.join("\n"))
}

/// The `po-hpp mock` flags whose settings reproduce the answers (those that differ from the
/// sandbox's defaults), from the same replay a test uses.
fn replay_flags(probe: &Probe) -> Result<Vec<String>, String> {
    let config = probe
        .config(MockConfig::default())
        .map_err(|e| e.to_string())?;
    let defaults = MockConfig::default();
    let mut flags = Vec::new();
    if config.status_after_change != defaults.status_after_change {
        flags.push(format!(
            "--status-after-change {}",
            config.status_after_change.as_str()
        ));
    }
    if config.over_refund_status != defaults.over_refund_status {
        flags.push(format!(
            "--over-refund-status {}",
            config.over_refund_status
        ));
    }
    if config.unseen_status_reads != defaults.unseen_status_reads {
        flags.push(format!(
            "--unseen-status-reads {}",
            config.unseen_status_reads
        ));
    }
    Ok(flags)
}
