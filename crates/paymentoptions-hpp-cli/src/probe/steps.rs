//! The questions, asked in order through the library (so the library's checks guard every
//! money call: kind, environment, currency, amount), each answer recorded as it arrives.

use std::time::Duration;

use paymentoptions_hpp::requests::{RefundRequest, VoidRequest};
use paymentoptions_hpp::{Client, Error, LinkRequest, Money, Transaction, TransactionKind, money};
use paymentoptions_hpp_client::api::{
    GENERATE_HPP_LINK, GET_TRANSACTION_STATUS, REFUND_TRANSACTION, VOID_TRANSACTION,
};
use paymentoptions_hpp_mock::probe::{Question, step};
use tokio::time::Instant;

use super::record::{Call, Recorder, transaction};
use crate::args::ProbeArgs;
use crate::exit::Failure;
use crate::stdio;

/// An id of the spec's length that no transaction has (every hex digit zero).
const UNKNOWN_ID: &str = "00000000-0000-0000-0000-000000000000";

/// Status reads of a new transaction before the probe stops waiting for it to be seen.
const MAX_UNSEEN_READS: u32 = 8;

/// The first pause between status reads of a transaction not seen yet; it doubles up to
/// [`MAX_PAUSE`].
const FIRST_PAUSE: Duration = Duration::from_millis(250);
const MAX_PAUSE: Duration = Duration::from_secs(4);

/// The paid test transactions the money questions act on.
#[derive(Default)]
struct Pool {
    captures: Vec<Paid>,
    pre_auths: Vec<Paid>,
}

/// A paid test transaction: its own id (the one its status names, else the id it was read
/// by) and its status.
struct Paid {
    id: String,
    status: Transaction,
}

/// Asks every question it can; returns only when the server cannot be reached at all, or
/// a transaction says it is live.
pub async fn run(rec: &mut Recorder, client: &Client, args: &ProbeArgs) -> Result<(), Failure> {
    let unknown = client.get_transaction_status(UNKNOWN_ID).await;
    if let Err(e @ Error::Transport(_)) = &unknown {
        return Err(Failure::Unreachable(e.to_string()));
    }
    rec.record(
        status_call(Question::UnknownId, step::OPERATION, UNKNOWN_ID),
        &unknown,
        transaction,
    )?;

    let mut pool = Pool::default();
    for id in &args.transaction_ids {
        if let Some(t) = read_until_seen(rec, client, id).await? {
            pool.add(id, t)?;
        }
    }
    links(rec, client, args, &mut pool).await?;
    if pool.captures.is_empty() && pool.pre_auths.is_empty() {
        rec.skip(
            Question::FirstStatusReads,
            "no paid test transaction: give --transaction-id, or pay the printed links during --wait",
        );
    }

    match pool.pre_auths.pop() {
        Some(pre_auth) => void(rec, client, &pre_auth).await?,
        None => rec.skip(
            Question::StatusAfterVoid,
            "no PRE_AUTH to void: give --transaction-id of an uncaptured test pre-auth",
        ),
    }
    let needs_capture = "no CAPTURE left to refund: give --transaction-id of another paid test \
                         payment (two answer every question)";
    match pool.captures.pop() {
        Some(capture) => partial_then_over(rec, client, &capture).await?,
        None => {
            rec.skip(Question::StatusAfterPartialRefund, needs_capture);
            rec.skip(Question::OverRefundStatus, needs_capture);
        }
    }
    match pool.captures.pop() {
        Some(capture) => full_twice(rec, client, &capture).await?,
        None => rec.skip(Question::RepeatedFullRefund, needs_capture),
    }
    Ok(())
}

impl Pool {
    /// Keeps an approved test CAPTURE or PRE_AUTH; a live one stops the probe.
    fn add(&mut self, id: &str, t: Transaction) -> Result<(), Failure> {
        match t.is_live() {
            Some(true) => {
                return Err(Failure::NotTest(format!(
                    "transaction {id} says is_live: true"
                )));
            }
            Some(false) => {}
            None => {
                stdio::note(&format!("not used: {id} does not say is_live: false"));
                return Ok(());
            }
        }
        if !t.outcome().is_approved() {
            stdio::note(&format!("not used: {id} is {}", t.outcome()));
            return Ok(());
        }
        let paid = |status: Transaction| Paid {
            id: status.id().unwrap_or(id).to_string(),
            status,
        };
        match t.kind() {
            Some(TransactionKind::Capture) => self.captures.push(paid(t)),
            Some(TransactionKind::PreAuth) => self.pre_auths.push(paid(t)),
            other => {
                let kind = other.map_or("no kind".to_string(), |k| k.as_str().to_string());
                stdio::note(&format!(
                    "not used: {id} is {kind}, not a CAPTURE or PRE_AUTH"
                ));
            }
        }
        Ok(())
    }
}

fn status_call<'a>(question: Question, step: &'static str, id: &'a str) -> Call<'a> {
    Call {
        question,
        step,
        operation: &GET_TRANSACTION_STATUS,
        target: Some(id),
        request: None,
    }
}

/// Reads `id` until it is seen (a 2xx), each read recorded: how many first reads answer 404.
async fn read_until_seen(
    rec: &mut Recorder,
    client: &Client,
    id: &str,
) -> Result<Option<Transaction>, Failure> {
    let mut pause = FIRST_PAUSE;
    for read in 1..=MAX_UNSEEN_READS {
        let result = client.get_transaction_status(id).await;
        rec.record(
            status_call(Question::FirstStatusReads, step::READ, id),
            &result,
            transaction,
        )?;
        match result {
            Ok(t) => return Ok(Some(t)),
            // Not seen yet, maybe: any refusal but the key's (the status of an unseen id is
            // what the probe is asking).
            Err(Error::Api(e)) if !e.is_auth() && e.status() < 500 && read < MAX_UNSEEN_READS => {
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(MAX_PAUSE);
            }
            Err(e) => {
                stdio::note(&format!("not used: the status of {id} answers: {e}"));
                return Ok(None);
            }
        }
    }
    Ok(None)
}

/// Creates the links (one, or one per missing CAPTURE with `--wait`), reads each id as a
/// transaction at once, and with `--wait` until it is paid or the time is up.
async fn links(
    rec: &mut Recorder,
    client: &Client,
    args: &ProbeArgs,
    pool: &mut Pool,
) -> Result<(), Failure> {
    let currency = money::currency(&args.currency)?;
    let amount = Money::from_minor(args.amount, currency)?;
    let count = if args.wait > 0 {
        2usize.saturating_sub(pool.captures.len()).max(1)
    } else {
        1
    };
    let mut ids = Vec::new();
    for n in 1..=count {
        let request = LinkRequest::builder()
            .amount(amount)
            .merchant_txn_ref(format!("po-hpp-probe-{n}"))
            .build()?;
        let created = client.create_link(&request).await;
        let call = Call {
            question: Question::LinkIdAsTransaction,
            step: step::LINK,
            operation: &GENERATE_HPP_LINK,
            target: None,
            request: Some(request.to_json()),
        };
        rec.record(call, &created, |link| (None, link.raw()))?;
        // Without a link, the other questions can still be asked.
        let link = match created {
            Ok(link) => link,
            Err(e) => {
                let reason = format!("the link could not be created: {e}");
                stdio::note(&reason);
                rec.skip(Question::LinkIdAsTransaction, reason);
                break;
            }
        };
        let id = link.id().to_string();
        let first = client.get_transaction_status(&id).await;
        rec.record(
            status_call(Question::LinkIdAsTransaction, step::READ, &id),
            &first,
            transaction,
        )?;
        if args.wait > 0 {
            stdio::note(&format!(
                "pay in a browser within {} s: {}",
                args.wait,
                link.url()
            ));
        }
        ids.push(id);
    }
    if args.wait == 0 {
        return Ok(());
    }
    let deadline = Instant::now() + Duration::from_secs(args.wait);
    let mut waiting = ids;
    while !waiting.is_empty() && Instant::now() < deadline {
        tokio::time::sleep(MAX_PAUSE.min(deadline - Instant::now())).await;
        let mut unpaid = Vec::new();
        for id in waiting {
            match client.get_transaction_status(&id).await {
                Ok(t) => {
                    let read = status_call(Question::LinkIdAsTransaction, step::READ, &id);
                    rec.record(read, &Ok::<_, Error>(t.clone()), transaction)?;
                    pool.add(&id, t)?;
                }
                Err(_) => unpaid.push(id),
            }
        }
        waiting = unpaid;
    }
    // The last answer of each link still not read as a transaction.
    for id in waiting {
        let last = client.get_transaction_status(&id).await;
        rec.record(
            status_call(Question::LinkIdAsTransaction, step::READ, &id),
            &last,
            transaction,
        )?;
        stdio::note(&format!(
            "link {id} was not read as a transaction within --wait: if it was paid, rerun with \
             --transaction-id <its transaction id> (from its notification or the back office)"
        ));
    }
    Ok(())
}

/// Before, the void, after.
async fn void(rec: &mut Recorder, client: &Client, pre_auth: &Paid) -> Result<(), Failure> {
    let id = pre_auth.id.as_str();
    let q = Question::StatusAfterVoid;
    let before = client.get_transaction_status(id).await;
    rec.record(status_call(q, step::BEFORE, id), &before, transaction)?;
    let request = VoidRequest::builder().transaction_id(id).build()?;
    let voided = client.void_transaction(&request).await;
    rec.record(
        money_call(q, step::OPERATION, &VOID_TRANSACTION, id, request.to_json()),
        &voided,
        transaction,
    )?;
    let after = client.get_transaction_status(id).await;
    rec.record(status_call(q, step::AFTER, id), &after, transaction)
}

/// Before, a refund of half, after; then a refund of the whole amount, more than is left.
async fn partial_then_over(
    rec: &mut Recorder,
    client: &Client,
    capture: &Paid,
) -> Result<(), Failure> {
    let id = capture.id.as_str();
    let Some(paid) = capture.status.amount().filter(|m| m.minor_units() >= 2) else {
        rec.skip(
            Question::StatusAfterPartialRefund,
            format!("{id} has no amount of at least 2 minor units"),
        );
        rec.skip(
            Question::OverRefundStatus,
            format!("{id} has no amount of at least 2 minor units"),
        );
        return Ok(());
    };
    let half = Money::from_minor(paid.minor_units() / 2, paid.currency())?;
    let q = Question::StatusAfterPartialRefund;
    let before = client.get_transaction_status(id).await;
    rec.record(status_call(q, step::BEFORE, id), &before, transaction)?;
    refund(rec, client, q, step::OPERATION, id, half).await?;
    let after = client.get_transaction_status(id).await;
    rec.record(status_call(q, step::AFTER, id), &after, transaction)?;
    refund(
        rec,
        client,
        Question::OverRefundStatus,
        step::OPERATION,
        id,
        paid,
    )
    .await
}

/// A full refund, then the same again.
async fn full_twice(rec: &mut Recorder, client: &Client, capture: &Paid) -> Result<(), Failure> {
    let id = capture.id.as_str();
    let Some(paid) = capture.status.amount() else {
        rec.skip(
            Question::RepeatedFullRefund,
            format!("{id} names no amount"),
        );
        return Ok(());
    };
    let q = Question::RepeatedFullRefund;
    refund(rec, client, q, step::FIRST, id, paid).await?;
    refund(rec, client, q, step::OPERATION, id, paid).await
}

async fn refund(
    rec: &mut Recorder,
    client: &Client,
    question: Question,
    step: &'static str,
    id: &str,
    amount: Money,
) -> Result<(), Failure> {
    let request = RefundRequest::builder()
        .transaction_id(id)
        .amount(amount)
        .build()?;
    let result = client.refund_transaction(&request).await;
    rec.record(
        money_call(question, step, &REFUND_TRANSACTION, id, request.to_json()),
        &result,
        transaction,
    )
}

fn money_call<'a>(
    question: Question,
    step: &'static str,
    operation: &'a paymentoptions_hpp_client::api::Operation,
    id: &'a str,
    request: serde_json::Value,
) -> Call<'a> {
    Call {
        question,
        step,
        operation,
        target: Some(id),
        request: Some(request),
    }
}
