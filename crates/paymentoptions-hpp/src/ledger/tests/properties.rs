//! Property tests: any sequence of duplicated, reordered, forged, partial or failed events,
//! played against a model of the server.

use super::*;

/// What the simulated server answers to a money call.
#[derive(Clone, Copy, Debug)]
enum Answer {
    Applied,
    AppliedOtherAmount,
    Refused,
    InDoubtApplied,
    InDoubtNot,
    NotSent,
    /// No answer recorded yet (the process may die here); the server applied it or not.
    Silent(bool),
}

#[derive(Clone, Debug)]
enum Step {
    /// A notification's claim, confirmed (through `decide`) or forged as a `Confirmation`.
    Confirm {
        pick: usize,
        forged: bool,
    },
    Refund {
        payment: usize,
        amount: i64,
        answer: Answer,
    },
    Capture {
        answer: Answer,
    },
    /// The oldest call without an answer is answered now, or lost.
    Answer {
        answer: Answer,
        lost: bool,
    },
    /// The back office tells the truth about the oldest call in doubt.
    Resolve,
    Fulfil,
    Reload,
}

fn answer() -> impl Strategy<Value = Answer> {
    prop_oneof![
        Just(Answer::Applied),
        Just(Answer::AppliedOtherAmount),
        Just(Answer::Refused),
        Just(Answer::InDoubtApplied),
        Just(Answer::InDoubtNot),
        Just(Answer::NotSent),
        any::<bool>().prop_map(Answer::Silent),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        3 => (0..8usize, any::<bool>()).prop_map(|(pick, forged)| Step::Confirm { pick, forged }),
        4 => (0..3usize, 1..=PRICE + 100, answer())
            .prop_map(|(payment, amount, answer)| Step::Refund { payment, amount, answer }),
        1 => answer().prop_map(|answer| Step::Capture { answer }),
        2 => (answer(), any::<bool>()).prop_map(|(answer, lost)| Step::Answer { answer, lost }),
        1 => Just(Step::Resolve),
        2 => Just(Step::Fulfil),
        1 => Just(Step::Reload),
    ]
}

/// What really happened at the (simulated) server, whatever the ledger was told.
#[derive(Default)]
struct World {
    next_id: u32,
    /// Per payment: the refunds the server really applied.
    refunded: BTreeMap<String, i64>,
    /// The captures the server really applied, by their new transaction id.
    captures: BTreeSet<String>,
    /// Per reference: whether the server applied it, its created id, and what to answer.
    calls: BTreeMap<String, (bool, String, Answer)>,
    fulfils: u32,
    fulfilled_recorded: u32,
}

impl World {
    fn fresh_id(&mut self) -> String {
        self.next_id += 1;
        id(1000 + self.next_id)
    }
}

fn result_of(
    answer: Answer,
    kind: &str,
    created: &str,
    target: &str,
    amount: Money,
    reference: &str,
) -> Result<Transaction, Error> {
    let op = if kind == "REFUND" {
        "refund_transaction"
    } else {
        "capture_transaction"
    };
    let units = amount.minor_units();
    match answer {
        Answer::Applied => Ok(transaction(created, kind, ORDER, units, "JPY", true)),
        Answer::AppliedOtherAmount => Ok(transaction(created, kind, ORDER, units + 1, "JPY", true)),
        Answer::Refused => Err(Error::Refused(Box::new(Refusal {
            operation: op,
            status: 412,
            gateway_code: Some("ERR3019".into()),
            response_code: None,
            meaning: None,
            api: None,
            transaction: None,
        }))),
        Answer::InDoubtApplied | Answer::InDoubtNot => Err(Error::InDoubt(Box::new(InDoubt {
            operation: op,
            target: Some(target.to_string()),
            amount: Some(amount),
            raw_amount: Some(amount.minor_units()),
            sent_at: SystemTime::now(),
            reference: reference.to_string(),
            cause: InDoubtCause::Failed(Error::Validation(ValidationError::one(
                "x",
                Rule::NotPositive,
            ))),
        }))),
        Answer::NotSent | Answer::Silent(_) => Err(Error::Validation(ValidationError::one(
            "amount",
            Rule::NotPositive,
        ))),
    }
}

fn server_applies(answer: Answer) -> bool {
    matches!(
        answer,
        Answer::Applied
            | Answer::AppliedOtherAmount
            | Answer::InDoubtApplied
            | Answer::Silent(true)
    )
}

pub(super) fn confirmation(t: &Transaction, forged: bool) -> Option<Confirmation> {
    if forged {
        // What a careless caller could build by hand: the ledger must check it again.
        return Some(if t.kind().is_some_and(|k| k.as_str() == "PRE_AUTH") {
            Confirmation::Authorised(Confirmed(t.clone()))
        } else {
            Confirmation::Paid(Confirmed(t.clone()))
        });
    }
    let facts = ClientFacts {
        merchant_id: None,
        live: false,
    };
    decide(t.id()?, t.clone(), &order().or_authorised(), &facts).ok()
}

fn note_action(world: &mut World, action: &Action) {
    if let Action::Fulfil { payment } = action {
        world.fulfils += 1;
        assert!(
            GENUINE_PAYMENTS.iter().any(|n| id(*n) == *payment) || world.captures.contains(payment),
            "fulfilled on {payment}, not a genuine payment of the order"
        );
    }
}

fn send(
    world: &mut World,
    ledger: &mut Ledger,
    reference: String,
    target: String,
    amount: Money,
    kind: &str,
    answer: Answer,
) {
    let applies = server_applies(answer);
    let created = world.fresh_id();
    if applies {
        if kind == "REFUND" {
            *world.refunded.entry(target.clone()).or_default() += amount.minor_units();
        } else {
            world.captures.insert(created.clone());
        }
    }
    world
        .calls
        .insert(reference.clone(), (applies, created.clone(), answer));
    if !matches!(answer, Answer::Silent(_)) {
        let result = result_of(answer, kind, &created, &target, amount, &reference);
        let recorded = ledger
            .record_result(&reference, &result)
            .expect("a pending call takes its result");
        note_action(world, &recorded.action);
    }
}

fn run(steps: Vec<Step>) {
    let pool = pool();
    let mut world = World::default();
    let mut ledger = Ledger::new(&order());
    for step in steps {
        match step {
            Step::Confirm { pick, forged } => {
                let t = &pool[pick];
                if let Some(c) = confirmation(t, forged)
                    && let Ok(recorded) = ledger.record_confirmation(&c)
                {
                    note_action(&mut world, &recorded.action);
                }
            }
            Step::Refund {
                payment,
                amount,
                answer,
            } => {
                let payments = ledger.payments();
                let target = payments
                    .get(payment)
                    .map_or_else(|| id(6), |p| p.transaction_id.clone()); // else: the pre-auth
                let amount = Money::from_minor(amount, Currency::JPY).unwrap();
                if let Ok(prepared) = ledger.prepare_refund(&target, amount) {
                    assert_eq!(
                        prepared.request().to_json()["notes"],
                        json!(prepared.reference())
                    );
                    let reference = prepared.reference().to_string();
                    send(
                        &mut world,
                        &mut ledger,
                        reference,
                        target,
                        amount,
                        "REFUND",
                        answer,
                    );
                }
            }
            Step::Capture { answer } => {
                if let Ok(prepared) = ledger.prepare_capture(&id(6)) {
                    let reference = prepared.reference().to_string();
                    let amount = Money::from_minor(PRICE, Currency::JPY).unwrap();
                    send(
                        &mut world,
                        &mut ledger,
                        reference,
                        id(6),
                        amount,
                        "CAPTURE",
                        answer,
                    );
                }
            }
            Step::Answer { answer, lost } => {
                if let Some(d) = ledger.in_doubt().into_iter().find(|d| d.unanswered) {
                    let recorded = if lost {
                        ledger.record_lost(&d.reference)
                    } else {
                        // A late answer: of any form, but true to what the server did (the
                        // library's results are: an error other than refused or in doubt
                        // means nothing was sent).
                        let (applied, created, _) = world.calls[&d.reference].clone();
                        let answer = match (applied, answer) {
                            (true, a @ (Answer::Applied | Answer::AppliedOtherAmount)) => a,
                            (true, _) => Answer::InDoubtApplied,
                            (false, a @ (Answer::Refused | Answer::NotSent)) => a,
                            (false, _) => Answer::InDoubtNot,
                        };
                        let kind = if d.operation == crate::ledger::Operation::Refund {
                            "REFUND"
                        } else {
                            "CAPTURE"
                        };
                        ledger.record_result(
                            &d.reference,
                            &result_of(answer, kind, &created, &d.target, d.amount, &d.reference),
                        )
                    };
                    note_action(
                        &mut world,
                        &recorded.expect("an unanswered call takes an answer").action,
                    );
                }
            }
            Step::Resolve => {
                if let Some(d) = ledger.in_doubt().first().cloned() {
                    let (applied, created, _) = world.calls[&d.reference].clone();
                    let recorded = if applied {
                        ledger.resolve_applied(&d.reference, &created)
                    } else {
                        ledger.resolve_not_applied(&d.reference)
                    };
                    note_action(
                        &mut world,
                        &recorded
                            .expect("a call in doubt takes the back office's answer")
                            .action,
                    );
                }
            }
            Step::Fulfil => {
                if ledger.record_fulfilled().is_ok() {
                    world.fulfilled_recorded += 1;
                }
            }
            Step::Reload => {
                let json = serde_json::to_string(ledger.facts()).unwrap();
                let facts: Vec<Fact> = serde_json::from_str(&json).unwrap();
                let again = Ledger::from_facts(&order(), facts).expect("its own facts load");
                assert_eq!(again.facts(), ledger.facts());
                assert_eq!(again.fulfilment(), ledger.fulfilment());
                assert_eq!(again.refunds_possible(), ledger.refunds_possible());
                ledger = again;
            }
        }
        check(&ledger);
        assert!(world.fulfils <= 1, "fulfilled twice");
        assert!(world.fulfilled_recorded <= 1, "fulfilment recorded twice");
        // Against the truth: the server never refunded more than a payment collected.
        for p in ledger.payments() {
            let truth = world.refunded.get(&p.transaction_id).copied().unwrap_or(0);
            assert!(
                truth <= p.amount.minor_units(),
                "{truth} refunded from {}",
                p.amount
            );
            assert!(truth <= p.amount.minor_units() - p.refundable.minor_units());
        }
        // Every real refund targets a payment the ledger knows, never the pre-auth.
        assert!(!world.refunded.contains_key(&id(6)));
    }
}

/// What must hold of any ledger, however it was reached.
fn check(ledger: &Ledger) {
    let payments = ledger.payments();
    for p in &payments {
        assert_eq!(
            p.amount,
            ledger.order_amount(),
            "a payment of another amount"
        );
        assert!(p.refundable.minor_units() >= 0);
    }
    let ids: BTreeSet<_> = payments.iter().map(|p| &p.transaction_id).collect();
    assert_eq!(ids.len(), payments.len(), "a payment recorded twice");
    let collected = ledger.collected().minor_units();
    assert_eq!(
        collected,
        payments.iter().map(|p| p.amount.minor_units()).sum::<i64>()
    );
    assert!(ledger.refunded().minor_units() <= ledger.refunds_possible().minor_units());
    assert!(ledger.refunds_possible().minor_units() <= collected);
    assert_eq!(
        ledger.refundable().minor_units(),
        collected - ledger.refunds_possible().minor_units()
    );
    match ledger.fulfilment() {
        Fulfilment::Unpaid => assert!(payments.is_empty()),
        Fulfilment::Due { payment } | Fulfilment::Done { payment } => {
            assert_eq!(payment, payments[0].transaction_id)
        }
    }
    let fulfilled = ledger
        .facts()
        .iter()
        .filter(|f| matches!(f.0, crate::ledger::fact::Event::Fulfilled { .. }))
        .count();
    assert!(fulfilled <= 1);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn no_sequence_fulfils_twice_or_refunds_more_than_collected(steps in prop::collection::vec(step(), 1..40)) {
        run(steps);
    }

    /// A stored list that was edited (a fact dropped, repeated, moved, or its JSON changed)
    /// either does not load, or loads into a ledger whose invariants hold.
    #[test]
    fn tampered_facts_never_load_into_a_broken_ledger(
        steps in prop::collection::vec(step(), 1..30),
        edits in prop::collection::vec((0..5u8, any::<prop::sample::Index>(), any::<prop::sample::Index>()), 1..4),
    ) {
        let ledger = ledger_after(steps);
        let mut stored: Vec<Value> = ledger.facts().iter().map(|f| serde_json::to_value(f).unwrap()).collect();
        for (kind, a, b) in edits {
            if stored.is_empty() { break; }
            let (i, j) = (a.index(stored.len()), b.index(stored.len()));
            match kind {
                0 => { stored.remove(i); }
                1 => { let f = stored[i].clone(); stored.insert(j, f); }
                2 => stored.swap(i, j),
                3 => {
                    if let Some(m) = stored[i].get_mut("amount") {
                        m["minor_units"] = json!(m["minor_units"].as_i64().unwrap_or(0) * 2);
                    }
                }
                _ => {
                    if let Some(t) = stored[i].get_mut("transaction") { *t = json!(id(3)); }
                    if let Some(t) = stored[i].get_mut("by") { *t = json!(id(2)); }
                }
            }
        }
        let facts: Result<Vec<Fact>, _> = stored.into_iter().map(serde_json::from_value).collect();
        if let Ok(facts) = facts
            && let Ok(loaded) = Ledger::from_facts(&order(), facts)
        {
            check(&loaded);
        }
    }
}

/// Plays `steps` for the ledger only (the tampering test's starting point).
fn ledger_after(steps: Vec<Step>) -> Ledger {
    let pool = pool();
    let mut world = World::default();
    let mut ledger = Ledger::new(&order());
    for step in steps {
        match step {
            Step::Confirm { pick, forged } => {
                if let Some(c) = confirmation(&pool[pick], forged) {
                    let _ = ledger.record_confirmation(&c);
                }
            }
            Step::Refund {
                payment,
                amount,
                answer,
            } => {
                let Some(p) = ledger.payments().get(payment).cloned() else {
                    continue;
                };
                let amount = Money::from_minor(amount, Currency::JPY).unwrap();
                if let Ok(prepared) = ledger.prepare_refund(&p.transaction_id, amount) {
                    let reference = prepared.reference().to_string();
                    send(
                        &mut world,
                        &mut ledger,
                        reference,
                        p.transaction_id,
                        amount,
                        "REFUND",
                        answer,
                    );
                }
            }
            Step::Fulfil => {
                let _ = ledger.record_fulfilled();
            }
            _ => {}
        }
    }
    ledger
}
