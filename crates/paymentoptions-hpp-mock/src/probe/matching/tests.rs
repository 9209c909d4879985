//! What matches a setting, what matches none, and replays that cannot be made.

use super::*;
use crate::probe::{Manifest, Probe, ReplayError};
use crate::{MockConfig, probe::FORMAT};

fn answer(question: Question, step: &str, status: u16, body: Value) -> Answer {
    Answer {
        question,
        step: step.into(),
        operation: "refund_transaction".into(),
        method: "POST".into(),
        path: "/refund".into(),
        target: Some("t".into()),
        request: None,
        status: Some(status),
        body: Some(body),
        body_text: None,
        error: None,
    }
}

fn probe(answers: Vec<Answer>) -> Probe {
    let manifest = Manifest {
        format: FORMAT,
        base_url: "https://api-dev.paymentoptions.com".into(),
        answers: Vec::new(),
        unanswered: Vec::new(),
    };
    Probe::from_answers(manifest, answers)
}

fn envelope(kind: &str, code: &str, success: bool) -> Value {
    json!({"transaction_type": kind, "gateway_response": {"code": code}, "success": success})
}

/// A status question's three successful answers: the target's status before (200), the
/// operation (201) and the status after (200), each a `(transaction_type, gateway code)`.
fn status_around(
    question: Question,
    before: (&str, &str),
    operation: (&str, &str),
    after: (&str, &str),
) -> Vec<Answer> {
    vec![
        answer(
            question,
            step::BEFORE,
            200,
            envelope(before.0, before.1, true),
        ),
        answer(
            question,
            step::OPERATION,
            201,
            envelope(operation.0, operation.1, true),
        ),
        answer(question, step::AFTER, 200, envelope(after.0, after.1, true)),
    ]
}

#[test]
fn an_over_refund_answer_matches_only_a_refusal_that_names_err3019() {
    let refused = envelope("REFUND", "ERR3019", false);
    let q = Question::OverRefundStatus;
    let of = |a: Answer| finding(q, &[a]).verdict;
    assert_eq!(
        of(answer(q, step::OPERATION, 422, refused.clone())),
        Verdict::Setting(Setting::OverRefundStatus(
            OverRefundStatus::new(422).unwrap()
        ))
    );
    // An error body's code, or the response code alone, name it too.
    assert!(matches!(
        of(answer(q, step::OPERATION, 400, json!({"code": "ERR3019"}))),
        Verdict::Setting(_)
    ));
    assert!(matches!(
        of(answer(
            q,
            step::OPERATION,
            412,
            json!({"payment_details": {"response_code": -8019}})
        )),
        Verdict::Setting(_)
    ));
    // A 5xx is no setting; nor is another code; nor a refund that was made.
    assert_eq!(
        of(answer(q, step::OPERATION, 500, refused)),
        Verdict::NoSetting
    );
    assert_eq!(
        of(answer(
            q,
            step::OPERATION,
            412,
            envelope("REFUND", "ERR3001", false)
        )),
        Verdict::NoSetting
    );
    assert_eq!(
        of(answer(
            q,
            step::OPERATION,
            201,
            envelope("REFUND", "ERR3019", true)
        )),
        Verdict::NoSetting
    );
}

#[test]
fn a_repeated_full_refund_that_was_applied_matches_no_setting_and_stops_a_replay() {
    let q = Question::RepeatedFullRefund;
    let applied = envelope("REFUND", "INFO0002", true);
    let answers = vec![
        answer(q, step::FIRST, 201, applied.clone()),
        answer(q, step::OPERATION, 201, applied),
    ];
    let found = finding(q, &answers);
    assert_eq!(found.verdict, Verdict::NoSetting);
    assert!(
        found.observed.contains("HTTP 201 REFUND INFO0002"),
        "{}",
        found.observed
    );
    let err = probe(answers).config(MockConfig::default()).unwrap_err();
    assert!(matches!(err, ReplayError::NoSetting(_)), "{err}");
}

#[test]
fn a_status_that_reads_as_neither_matches_no_setting() {
    let q = Question::StatusAfterVoid;
    let answers = status_around(
        q,
        ("PRE_AUTH", "INFO0000"),
        ("VOID", "INFO0003"),
        ("PRE_AUTH", "INFO0003"),
    );
    assert_eq!(finding(q, &answers).verdict, Verdict::NoSetting);
}

#[test]
fn two_questions_that_choose_different_values_conflict() {
    let void = Question::StatusAfterVoid;
    let refund = Question::StatusAfterPartialRefund;
    let mut answers = status_around(
        void,
        ("PRE_AUTH", "INFO0000"),
        ("VOID", "INFO0003"),
        ("VOID", "INFO0003"),
    );
    answers.extend(status_around(
        refund,
        ("CAPTURE", "INFO0000"),
        ("REFUND", "INFO0002"),
        ("CAPTURE", "INFO0000"),
    ));
    let err = probe(answers).config(MockConfig::default()).unwrap_err();
    assert!(matches!(err, ReplayError::Conflict { .. }), "{err}");
}

#[test]
fn first_reads_count_per_transaction() {
    let q = Question::FirstStatusReads;
    let read = |target: &str, status: u16| Answer {
        target: Some(target.into()),
        ..answer(q, step::READ, status, json!({}))
    };
    let same = [
        read("a", 404),
        read("a", 200),
        read("b", 404),
        read("b", 200),
    ];
    assert_eq!(
        finding(q, &same).verdict,
        Verdict::Setting(Setting::UnseenStatusReads(1))
    );
    let differ = [read("a", 200), read("b", 404), read("b", 200)];
    assert_eq!(finding(q, &differ).verdict, Verdict::NoSetting);
    let never = [read("a", 404), read("a", 404)];
    assert_eq!(finding(q, &never).verdict, Verdict::NoSetting);
}
