//! The run of `cargo xtask generate`: compares each rendered file with the one on disk, then
//! writes the stale ones or, with `--check`, reports them.

use std::path::Path;

use super::{GenerateError, read_spec, render};

/// Outcome of comparing the checked-in file with a fresh rendering.
pub enum Freshness {
    /// The checked-in file is byte-for-byte what the generator produces.
    UpToDate,
    /// The checked-in file differs (or is missing); the unified diff from it to the fresh output.
    Stale { diff: String },
}

/// Compares `generated` (what is on disk, if anything) with `fresh`.
pub fn compare(generated_path: &str, on_disk: Option<&str>, fresh: &str) -> Freshness {
    let old = on_disk.unwrap_or("");
    if old == fresh {
        return Freshness::UpToDate;
    }
    let diff = similar::TextDiff::from_lines(old, fresh)
        .unified_diff()
        .context_radius(3)
        .header(
            &format!("{generated_path} (checked in)"),
            &format!("{generated_path} (from the spec)"),
        )
        .to_string();
    Freshness::Stale { diff }
}

/// What a run found.
pub struct Outcome {
    /// Whether the checked-in file was current.
    pub freshness: Freshness,
    /// What the spec change means, against the checked-in `openapi.json` (the spec the
    /// checked-in files were generated from).
    pub report: crate::report::Report,
}

/// Generates into the workspace (`check == false`) or reports staleness (`check == true`).
pub fn run(root: &Path, check: bool) -> Result<Outcome, GenerateError> {
    let spec_path = root.join(crate::SPEC_PATH);
    let text = read_spec(&spec_path)?;
    let rendered = render(&spec_path, &text)?;
    let mut diffs = String::new();
    let mut stale = Vec::new();
    let mut old_spec = None;
    for (rel, fresh) in &rendered.files {
        let out_path = root.join(rel);
        let on_disk = match std::fs::read_to_string(&out_path) {
            Ok(s) => Some(s),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(source) => {
                return Err(GenerateError::Io {
                    path: out_path,
                    source,
                });
            }
        };
        if *rel == crate::SPEC_JSON_PATH {
            old_spec = on_disk
                .as_deref()
                .and_then(|s| serde_json::from_str(s).ok());
        }
        if let Freshness::Stale { diff } = compare(rel, on_disk.as_deref(), fresh) {
            diffs.push_str(&diff);
            stale.push((out_path, fresh));
        }
    }
    // Without a previous spec everything is new: compare with an empty one.
    let old_spec = old_spec.unwrap_or_else(|| serde_json::json!({}));
    let report = crate::report::diff(&old_spec, &rendered.spec);
    if !check {
        for (out_path, fresh) in &stale {
            if let Some(dir) = out_path.parent() {
                std::fs::create_dir_all(dir).map_err(|source| GenerateError::Io {
                    path: dir.to_path_buf(),
                    source,
                })?;
            }
            std::fs::write(out_path, fresh).map_err(|source| GenerateError::Io {
                path: out_path.clone(),
                source,
            })?;
        }
    }
    let freshness = if stale.is_empty() {
        Freshness::UpToDate
    } else {
        Freshness::Stale { diff: diffs }
    };
    Ok(Outcome { freshness, report })
}
