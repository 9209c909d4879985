//! Which sandbox setting a probe's answers match: the one rule, used by `po-hpp probe`'s
//! report and by [`Probe::config`](super::Probe::config).

use std::fmt;

use serde_json::{Value, json};

use super::{Answer, Question, step};
use crate::codes;
use crate::{OverRefundStatus, StatusAfterChange};

/// A sandbox setting, with the value an answer chose.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Setting {
    /// [`MockConfig::status_after_change`](crate::MockConfig::status_after_change).
    StatusAfterChange(StatusAfterChange),
    /// [`MockConfig::over_refund_status`](crate::MockConfig::over_refund_status).
    OverRefundStatus(OverRefundStatus),
    /// [`MockConfig::unseen_status_reads`](crate::MockConfig::unseen_status_reads).
    UnseenStatusReads(u32),
}

impl Setting {
    /// The `po-hpp mock` flag that names the setting.
    pub fn flag(self) -> &'static str {
        match self {
            Setting::StatusAfterChange(_) => "--status-after-change",
            Setting::OverRefundStatus(_) => "--over-refund-status",
            Setting::UnseenStatusReads(_) => "--unseen-status-reads",
        }
    }

    /// The value, as the flag takes it.
    pub fn value(self) -> String {
        match self {
            Setting::StatusAfterChange(s) => s.as_str().to_string(),
            Setting::OverRefundStatus(s) => s.to_string(),
            Setting::UnseenStatusReads(n) => n.to_string(),
        }
    }
}

impl fmt::Display for Setting {
    /// `StatusAfterChange::LatestOperation (po-hpp mock --status-after-change latest-operation)`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Setting::StatusAfterChange(s) => write!(f, "StatusAfterChange::{s:?}")?,
            Setting::OverRefundStatus(s) => write!(f, "OverRefundStatus({s})")?,
            Setting::UnseenStatusReads(n) => write!(f, "unseen_status_reads({n})")?,
        }
        write!(f, " (po-hpp mock {} {})", self.flag(), self.value())
    }
}

/// What the answers to one question say about the sandbox.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum Verdict {
    /// They match this setting.
    Setting(Setting),
    /// They match what the sandbox always does (it has no setting for this).
    Sandbox,
    /// They were answered, but match no setting: the observation says what was seen.
    NoSetting,
    /// The question was not asked, or its answers are incomplete.
    NotAnswered,
}

/// One question's verdict and what was observed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The question.
    pub question: Question,
    /// What the answers match.
    pub verdict: Verdict,
    /// What was observed, in words (statuses, kinds and codes).
    pub observed: String,
}

impl Finding {
    /// The finding as JSON, as `po-hpp probe --json` prints it.
    pub fn to_json(&self) -> Value {
        let (verdict, setting) = match self.verdict {
            Verdict::Setting(s) => (
                "setting",
                json!({"flag": s.flag(), "value": s.value(), "name": s.to_string()}),
            ),
            Verdict::Sandbox => ("sandbox", Value::Null),
            Verdict::NoSetting => ("no-setting", Value::Null),
            Verdict::NotAnswered => ("not-answered", Value::Null),
        };
        json!({
            "question": self.question.as_str(),
            "asks": self.question.asks(),
            "verdict": verdict,
            "setting": setting,
            "observed": self.observed,
        })
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.question.asks())?;
        match self.verdict {
            Verdict::Setting(s) => write!(f, "matches {s}")?,
            Verdict::Sandbox => f.write_str("matches the sandbox")?,
            Verdict::NoSetting => f.write_str("matches no setting")?,
            Verdict::NotAnswered => f.write_str("not answered")?,
        }
        write!(f, "; observed: {}", self.observed)
    }
}

/// The finding for `question` from every answer of a probe.
pub(super) fn finding(question: Question, answers: &[Answer]) -> Finding {
    let mine: Vec<&Answer> = answers.iter().filter(|a| a.question == question).collect();
    let get = |name: &str| mine.iter().copied().find(|a| a.step == name);
    let (verdict, observed) = match question {
        Question::StatusAfterVoid | Question::StatusAfterPartialRefund => {
            match (get(step::BEFORE), get(step::OPERATION), get(step::AFTER)) {
                (Some(before), Some(op), Some(after)) => status_after(before, op, after),
                _ => not_answered(),
            }
        }
        Question::OverRefundStatus => match get(step::OPERATION) {
            Some(op) => over_refund(op),
            None => not_answered(),
        },
        Question::RepeatedFullRefund => match (get(step::FIRST), get(step::OPERATION)) {
            (Some(first), Some(_)) if !first.is_success() || first.success() != Some(true) => (
                Verdict::NoSetting,
                format!("the first full refund was not applied: {}", describe(first)),
            ),
            (Some(_), Some(op)) => over_refund(op),
            _ => not_answered(),
        },
        Question::LinkIdAsTransaction => {
            let reads: Vec<&Answer> = mine
                .iter()
                .copied()
                .filter(|a| a.step == step::READ)
                .collect();
            link_id(&reads)
        }
        Question::UnknownId => match get(step::OPERATION) {
            Some(op) if op.status == Some(unknown_id_status()) => (Verdict::Sandbox, describe(op)),
            Some(op) => (Verdict::NoSetting, describe(op)),
            None => not_answered(),
        },
        Question::FirstStatusReads => first_reads(&mine),
    };
    Finding {
        question,
        verdict,
        observed,
    }
}

fn not_answered() -> (Verdict, String) {
    (Verdict::NotAnswered, "no answer".into())
}

/// The status of an unknown id in the sandbox.
fn unknown_id_status() -> u16 {
    crate::operations::UNKNOWN_ID.as_u16()
}

/// `HTTP 201 VOID INFO0003 success=true`, or what stands for it.
fn describe(answer: &Answer) -> String {
    let Some(status) = answer.status else {
        return format!(
            "no answer ({})",
            answer.error.as_deref().unwrap_or("no reason given")
        );
    };
    let mut text = format!("HTTP {status}");
    for part in [answer.transaction_type(), answer.gateway_code()]
        .into_iter()
        .flatten()
    {
        text.push(' ');
        text.push_str(part);
    }
    if let Some(code) = answer.body_str(&["code"]) {
        text.push_str(&format!(" code={code}"));
    }
    if let Some(success) = answer.success() {
        text.push_str(&format!(" success={success}"));
    }
    text
}

/// Before, operation, after: unchanged when the status reads as before, the latest operation
/// when it reads as the operation's answer (its kind and gateway code).
fn status_after(before: &Answer, op: &Answer, after: &Answer) -> (Verdict, String) {
    let observed = format!(
        "before: {}; operation: {}; after: {}",
        describe(before),
        describe(op),
        describe(after)
    );
    let applied = op.is_success() && op.success() == Some(true);
    if !applied || !before.is_success() || !after.is_success() {
        return (Verdict::NoSetting, observed);
    }
    let reads_as = |a: &Answer, b: &Answer| {
        a.transaction_type().is_some()
            && a.transaction_type() == b.transaction_type()
            && a.gateway_code() == b.gateway_code()
    };
    let verdict = if reads_as(after, before) {
        Verdict::Setting(Setting::StatusAfterChange(StatusAfterChange::Unchanged))
    } else if reads_as(after, op) {
        Verdict::Setting(Setting::StatusAfterChange(
            StatusAfterChange::LatestOperation,
        ))
    } else {
        Verdict::NoSetting
    };
    (verdict, observed)
}

/// A refund of more than is left: the status that carries `ERR3019`, when it is a 2xx or a 4xx
/// and the answer names the code (in the envelope or as an error body's `code`) and does not
/// say the refund was made.
fn over_refund(op: &Answer) -> (Verdict, String) {
    let observed = describe(op);
    let code = codes::gateway(codes::INSUFFICIENT_REFUND_BALANCE);
    let response = codes::response(codes::INSUFFICIENT_REFUND_BALANCE);
    let names_code = op.gateway_code() == Some(code)
        || op.body_str(&["code"]) == Some(code)
        || op
            .body
            .as_ref()
            .and_then(|b| b.pointer("/payment_details/response_code"))
            .and_then(Value::as_i64)
            == Some(response);
    let status = op.status.and_then(|s| OverRefundStatus::new(s).ok());
    match status {
        Some(status) if names_code && op.success() != Some(true) => (
            Verdict::Setting(Setting::OverRefundStatus(status)),
            observed,
        ),
        _ => (Verdict::NoSetting, observed),
    }
}

/// The reads of a link's id: the sandbox answers them like an unknown id.
fn link_id(reads: &[&Answer]) -> (Verdict, String) {
    if reads.is_empty() {
        return not_answered();
    }
    let observed = reads
        .iter()
        .map(|a| describe(a))
        .collect::<Vec<_>>()
        .join("; ");
    if reads.iter().all(|a| a.status == Some(unknown_id_status())) {
        (Verdict::Sandbox, observed)
    } else {
        (Verdict::NoSetting, observed)
    }
}

/// Per transaction, the reads that answered as an unknown id before the first 2xx: one count
/// for every transaction is the setting.
fn first_reads(reads: &[&Answer]) -> (Verdict, String) {
    let mut targets: Vec<(&str, u32, bool)> = Vec::new();
    for read in reads.iter().filter(|a| a.step == step::READ) {
        let Some(target) = read.target.as_deref() else {
            continue;
        };
        let index = match targets.iter().position(|(t, _, _)| *t == target) {
            Some(i) => i,
            None => {
                targets.push((target, 0, false));
                targets.len() - 1
            }
        };
        let entry = &mut targets[index];
        if entry.2 {
            continue;
        }
        if read.is_success() {
            entry.2 = true;
        } else if read.status == Some(unknown_id_status()) {
            entry.1 += 1;
        }
    }
    if targets.is_empty() {
        return not_answered();
    }
    let observed = targets
        .iter()
        .map(|(id, unseen, seen)| {
            let end = if *seen { "then read" } else { "never read" };
            format!("{id}: {unseen} unseen, {end}")
        })
        .collect::<Vec<_>>()
        .join("; ");
    let first = targets[0].1;
    if targets.iter().all(|(_, n, seen)| *seen && *n == first) {
        (
            Verdict::Setting(Setting::UnseenStatusReads(first)),
            observed,
        )
    } else {
        (Verdict::NoSetting, observed)
    }
}

#[cfg(test)]
mod tests;
