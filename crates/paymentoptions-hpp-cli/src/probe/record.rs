//! The probe's answers, as saved: the library's result of a call read as an [`Answer`]
//! (status and body as received), redacted, and written one file each beside a manifest.

use std::path::{Path, PathBuf};

use paymentoptions_hpp::money_call::InDoubtCause;
use paymentoptions_hpp::redaction::{mask_card_numbers_in_json, redact_secrets};
use paymentoptions_hpp::{Error, Transaction};
use paymentoptions_hpp_client::api::Operation;
use paymentoptions_hpp_mock::probe::{
    Answer, Entry, FORMAT, MANIFEST_FILE, Manifest, Probe, Question, Unanswered,
};
use serde_json::Value;

use crate::exit::Failure;

/// What a call is, before its answer.
pub struct Call<'a> {
    /// The question it answers.
    pub question: Question,
    /// Its step (`paymentoptions_hpp_mock::probe::step`).
    pub step: &'static str,
    /// The spec's operation.
    pub operation: &'a Operation,
    /// The id it is about.
    pub target: Option<&'a str>,
    /// The body sent.
    pub request: Option<Value>,
}

/// The answers so far, each already written under the output directory.
pub struct Recorder {
    dir: PathBuf,
    secrets: Vec<String>,
    manifest: Manifest,
    answers: Vec<Answer>,
}

impl Recorder {
    /// Creates `dir` (and its parents); one that already holds a probe is refused, so that no
    /// saved answer is overwritten.
    pub fn create(dir: &Path, base_url: &str, secrets: Vec<String>) -> Result<Self, Failure> {
        let manifest_path = dir.join(MANIFEST_FILE);
        if manifest_path.exists() {
            return Err(Failure::Invalid(format!(
                "--out: `{}` already holds a probe; choose another directory",
                dir.display()
            )));
        }
        std::fs::create_dir_all(dir).map_err(|source| Failure::Write {
            path: dir.display().to_string(),
            source,
        })?;
        Ok(Self {
            dir: dir.to_path_buf(),
            secrets,
            manifest: Manifest {
                format: FORMAT,
                base_url: base_url.to_string(),
                answers: Vec::new(),
                unanswered: Vec::new(),
            },
            answers: Vec::new(),
        })
    }

    /// Records the answer of `call` (`result` as the library gave it) and writes its file.
    pub fn record<T>(
        &mut self,
        call: Call<'_>,
        result: &Result<T, Error>,
        raw: impl Fn(&T) -> (Option<u16>, &[u8]),
    ) -> Result<(), Failure> {
        let (status, body, error) = match result {
            Ok(value) => {
                let (status, body) = raw(value);
                (status, Some(body.to_vec()), None)
            }
            Err(e) => observed(e),
        };
        let (body, body_text) = match body.map(|b| self.redact(b)) {
            Some(text) => match serde_json::from_str::<Value>(&text) {
                Ok(json) => (Some(json), None),
                Err(_) => (None, Some(text)),
            },
            None => (None, None),
        };
        let answer = Answer {
            question: call.question,
            step: call.step.to_string(),
            operation: call.operation.id.to_string(),
            method: call.operation.method.to_string(),
            path: call.operation.path.to_string(),
            target: call.target.map(str::to_string),
            request: call
                .request
                .map(|r| self.redact(r.to_string().into_bytes()))
                .and_then(|r| serde_json::from_str(&r).ok()),
            status,
            body,
            body_text,
            error: error.map(|e| self.redact(e.into_bytes())),
        };
        let file = format!(
            "{:02}-{}-{}.json",
            self.answers.len() + 1,
            answer.question,
            answer.step
        );
        self.write(&file, &answer)?;
        self.manifest.answers.push(Entry {
            file,
            question: answer.question,
            step: answer.step.clone(),
        });
        self.answers.push(answer);
        Ok(())
    }

    /// Notes why `question` could not be asked.
    pub fn skip(&mut self, question: Question, reason: impl Into<String>) {
        self.manifest.unanswered.push(Unanswered {
            question,
            reason: reason.into(),
        });
    }

    /// Writes the manifest; the probe, as a replay reads it.
    pub fn finish(self) -> Result<(PathBuf, Probe), Failure> {
        self.write(MANIFEST_FILE, &self.manifest)?;
        Ok((self.dir, Probe::from_answers(self.manifest, self.answers)))
    }

    /// Keys out (written or encoded), card numbers masked: the library's redaction.
    fn redact(&self, bytes: Vec<u8>) -> String {
        let bytes = redact_secrets(bytes, &self.secrets);
        mask_card_numbers_in_json(&String::from_utf8_lossy(&bytes))
    }

    fn write(&self, file: &str, value: &impl serde::Serialize) -> Result<(), Failure> {
        let path = self.dir.join(file);
        let mut text = serde_json::to_string_pretty(value).expect("a probe file serializes");
        text.push('\n');
        std::fs::write(&path, text).map_err(|source| Failure::Write {
            path: path.display().to_string(),
            source,
        })
    }
}

/// A status read's or money call's answer: status and raw body.
pub fn transaction(t: &Transaction) -> (Option<u16>, &[u8]) {
    (t.http_status(), t.raw())
}

/// The status, the body and what went wrong, from a failed call: what the server answered
/// when it answered (a refusal's error body or declined envelope, an in-doubt answer).
fn observed(e: &Error) -> (Option<u16>, Option<Vec<u8>>, Option<String>) {
    match e {
        Error::Api(api) => (Some(api.status()), Some(api.body().to_vec()), None),
        Error::Refused(refusal) => {
            let body = refusal
                .api_error()
                .map(|a| a.body().to_vec())
                .or_else(|| refusal.transaction().map(|t| t.raw().to_vec()));
            (Some(refusal.status()), body, None)
        }
        Error::InDoubt(doubt) => match doubt.cause() {
            InDoubtCause::Failed(inner) => {
                let (status, body, error) = observed(inner);
                (status, body, error.or_else(|| Some(doubt.to_string())))
            }
            InDoubtCause::Answer(t) => (t.http_status(), Some(t.raw().to_vec()), None),
            _ => (None, None, Some(doubt.to_string())),
        },
        Error::Decode(d) => (
            Some(d.status()),
            Some(d.body_snippet().as_bytes().to_vec()),
            Some(e.to_string()),
        ),
        Error::Transport(t) => (t.response_status(), None, Some(e.to_string())),
        // Nothing was sent (the library's own checks) or nothing came back.
        other => (None, None, Some(other.to_string())),
    }
}
