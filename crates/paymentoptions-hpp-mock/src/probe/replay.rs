//! Reading a probe directory back, and the [`MockConfig`] its answers ask for.

use std::fmt;
use std::io;
use std::path::{Component, Path, PathBuf};

use super::matching::{Finding, Setting, Verdict, finding};
use super::{Answer, FORMAT, MANIFEST_FILE, Manifest, Question};
use crate::MockConfig;

/// A probe directory, read: its manifest and every answer it lists.
#[derive(Clone, Debug, PartialEq)]
pub struct Probe {
    /// The manifest.
    pub manifest: Manifest,
    /// The answers, in the manifest's order.
    pub answers: Vec<Answer>,
}

/// Why a probe directory cannot be read or replayed.
#[derive(Debug)]
#[non_exhaustive]
pub enum ReplayError {
    /// A file could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: io::Error,
    },
    /// A file is not what the format says.
    Format {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        message: String,
    },
    /// A question was answered in a way no sandbox setting reproduces.
    NoSetting(Finding),
    /// Two questions chose different values of one setting.
    Conflict {
        /// The first choice.
        first: Finding,
        /// The one that differs.
        second: Finding,
    },
}

impl fmt::Display for ReplayError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReplayError::Read { path, source } => {
                write!(f, "cannot read `{}`: {source}", path.display())
            }
            ReplayError::Format { path, message } => {
                write!(f, "`{}` is not a probe file: {message}", path.display())
            }
            ReplayError::NoSetting(finding) => write!(
                f,
                "no sandbox setting reproduces the answer to `{}`: {}",
                finding.question, finding.observed
            ),
            ReplayError::Conflict { first, second } => write!(
                f,
                "`{}` and `{}` ask for different values of one setting: {} / {}",
                first.question, second.question, first.observed, second.observed
            ),
        }
    }
}

impl std::error::Error for ReplayError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            ReplayError::Read { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl Probe {
    /// Reads the probe directory `dir`: its [`MANIFEST_FILE`], then each answer file it lists
    /// (a name that leaves the directory is refused).
    pub fn load(dir: &Path) -> Result<Self, ReplayError> {
        let manifest: Manifest = read_json(&dir.join(MANIFEST_FILE))?;
        if manifest.format != FORMAT {
            return Err(ReplayError::Format {
                path: dir.join(MANIFEST_FILE),
                message: format!("format {} (this crate reads {FORMAT})", manifest.format),
            });
        }
        let mut answers = Vec::with_capacity(manifest.answers.len());
        for entry in &manifest.answers {
            let name = Path::new(&entry.file);
            let plain = name.components().count() == 1
                && matches!(name.components().next(), Some(Component::Normal(_)));
            let path = dir.join(name);
            if !plain {
                return Err(ReplayError::Format {
                    path,
                    message: "an answer file must be a plain name inside the directory".into(),
                });
            }
            let answer: Answer = read_json(&path)?;
            if answer.question != entry.question || answer.step != entry.step {
                return Err(ReplayError::Format {
                    path,
                    message: format!(
                        "the manifest lists it as {} {}, the file says {} {}",
                        entry.question, entry.step, answer.question, answer.step
                    ),
                });
            }
            answers.push(answer);
        }
        Ok(Self { manifest, answers })
    }

    /// A probe of `answers` (as `po-hpp probe` holds them before writing).
    pub fn from_answers(manifest: Manifest, answers: Vec<Answer>) -> Self {
        Self { manifest, answers }
    }

    /// One finding per question, in [`Question::ALL`]'s order. A question the manifest says
    /// was not asked reads as not answered, with the manifest's reason.
    pub fn findings(&self) -> Vec<Finding> {
        Question::ALL
            .into_iter()
            .map(|question| {
                let mut found = finding(question, &self.answers);
                if found.verdict == Verdict::NotAnswered
                    && let Some(skipped) = self
                        .manifest
                        .unanswered
                        .iter()
                        .find(|u| u.question == question)
                {
                    found.observed = skipped.reason.clone();
                }
                found
            })
            .collect()
    }

    /// `base` with the settings the answers match. A question not answered leaves its setting
    /// as `base` has it; one that matches no setting, or two that choose different values of
    /// one setting, are an error: no sandbox reproduces them. The sandbox has no setting for
    /// how it answers a link's id or an unknown id, so answers that differ from it there are
    /// in [`findings`](Self::findings) only.
    pub fn config(&self, base: MockConfig) -> Result<MockConfig, ReplayError> {
        let mut config = base;
        let mut chosen: Vec<Finding> = Vec::new();
        for found in self.findings() {
            let setting = match found.verdict {
                Verdict::Setting(setting) => setting,
                Verdict::NoSetting
                    if found.question != Question::LinkIdAsTransaction
                        && found.question != Question::UnknownId =>
                {
                    return Err(ReplayError::NoSetting(found));
                }
                _ => continue,
            };
            if let Some(first) = chosen.iter().find(|c| same_setting(c, setting))
                && first.verdict != found.verdict
            {
                return Err(ReplayError::Conflict {
                    first: first.clone(),
                    second: found,
                });
            }
            config = match setting {
                Setting::StatusAfterChange(s) => config.with_status_after_change(s),
                Setting::OverRefundStatus(s) => config.with_over_refund_status(s),
                Setting::UnseenStatusReads(n) => config.with_unseen_status_reads(n),
            };
            chosen.push(found);
        }
        Ok(config)
    }
}

/// Whether `finding` chose a value of the same setting as `setting`.
fn same_setting(finding: &Finding, setting: Setting) -> bool {
    match finding.verdict {
        Verdict::Setting(s) => std::mem::discriminant(&s) == std::mem::discriminant(&setting),
        _ => false,
    }
}

fn read_json<T: serde::de::DeserializeOwned>(path: &Path) -> Result<T, ReplayError> {
    let bytes = std::fs::read(path).map_err(|source| ReplayError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_slice(&bytes).map_err(|e| ReplayError::Format {
        path: path.to_path_buf(),
        message: e.to_string(),
    })
}
