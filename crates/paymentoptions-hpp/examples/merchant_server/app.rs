//! The shop's routes and its background re-confirmation. Shared by the example's `main` and
//! by `tests/merchant_server.rs`, which runs two of these on one database.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Json;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use paymentoptions_hpp::ledger::{Action, Fulfilment};
use paymentoptions_hpp::{Client, Confirmation, Error, LinkRequest, Money, Notification};
use rusqlite::{Connection, params};
use serde_json::json;

use super::db::{self, AppError};

/// One server process: its client, its own connection to the shared database, and the
/// address PaymentOptions reaches it at.
#[derive(Clone)]
pub struct Shop {
    pub client: Client,
    pub db: Arc<Mutex<Connection>>,
    pub public_url: String,
    pub price: Money,
}

impl Shop {
    fn db(&self) -> std::sync::MutexGuard<'_, Connection> {
        self.db
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }
}

pub fn router(shop: Shop) -> axum::Router {
    axum::Router::new()
        .route("/checkout", post(checkout))
        .route("/orders/{reference}", get(order_view))
        .route("/orders/{reference}/pay", post(pay_again))
        .route("/orders/{reference}/refund", post(refund))
        .route("/webhooks/paymentoptions", post(webhook))
        .with_state(shop)
}

fn answer(status: StatusCode, text: impl Into<String>) -> Response {
    (status, text.into()).into_response()
}

fn internal(e: impl std::fmt::Display) -> Response {
    answer(StatusCode::INTERNAL_SERVER_ERROR, e.to_string())
}

/// A new order, and the customer sent to its payment page.
async fn checkout(State(shop): State<Shop>) -> Response {
    let reference = format!("ORDER-{:016x}", fastrand::u64(..));
    if let Err(e) = db::create_order(&shop.db(), &reference, shop.price) {
        return internal(e);
    }
    new_link(&shop, &reference).await
}

/// Another link for an unpaid order (the customer's second tab): both may end up paid,
/// which the ledger turns into a payment to give back.
async fn pay_again(State(shop): State<Shop>, Path(reference): Path<String>) -> Response {
    match db::order(&shop.db(), &reference) {
        Ok(Some((_, None))) => {}
        Ok(Some(_)) => return answer(StatusCode::CONFLICT, "already paid"),
        Ok(None) => return answer(StatusCode::NOT_FOUND, "no such order"),
        Err(e) => return internal(e),
    }
    new_link(&shop, &reference).await
}

async fn new_link(shop: &Shop, reference: &str) -> Response {
    let request = LinkRequest::builder()
        .amount(shop.price)
        .merchant_txn_ref(reference)
        .webhook_url(format!("{}/webhooks/paymentoptions", shop.public_url))
        .success_url(format!("{}/orders/{reference}", shop.public_url))
        .build();
    let link = match request {
        Ok(request) => shop.client.create_link(&request).await,
        Err(e) => return internal(e),
    };
    match link {
        Ok(link) => Redirect::to(link.url().as_str()).into_response(),
        Err(e) => answer(StatusCode::BAD_GATEWAY, e.to_string()),
    }
}

/// The claimed transaction id is saved first, then confirmed. Undecided: 5xx (a bonus:
/// PaymentOptions documents no re-delivery; the background task is what retries).
async fn webhook(State(shop): State<Shop>, notification: Notification) -> Response {
    let id = notification.transaction_id().to_string();
    if let Err(e) = db::save_claim(&shop.db(), &id) {
        return internal(e);
    }
    confirm_claim(&shop, &id).await
}

/// Reads the claimed transaction's status, finds the order by the status's own
/// `merchant_txn_ref` (never the notification's), confirms, and records the result.
async fn confirm_claim(shop: &Shop, id: &str) -> Response {
    let undecided = |e: &dyn std::fmt::Display| {
        let _ = db::claim_tried(&shop.db(), id);
        answer(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not decided yet: {e}"),
        )
    };
    // A 404 too: a transaction may be invisible to the status call for a while.
    let status = match shop.client.get_transaction_status(id).await {
        Ok(status) => status,
        Err(e) => return undecided(&e),
    };
    let Some(reference) = status.merchant_txn_ref().map(str::to_string) else {
        return decided(shop, id, "names no order");
    };
    let expected = match db::order(&shop.db(), &reference) {
        Ok(Some((expected, _))) => expected,
        Ok(None) => return decided(shop, id, "not an order of this shop"),
        Err(e) => return internal(e),
    };
    let confirmation = match shop.client.check_payment(id, status, &expected) {
        Ok(c) => c,
        Err(e) => return undecided(&e),
    };
    let outcome = match &confirmation {
        Confirmation::NotPaid(n) => format!("not paid: {}", n.reason()),
        c if c.is_paid() => "paid".into(),
        _ => "authorised".into(),
    };
    let mut conn = shop.db();
    let recorded = db::with_ledger(&mut conn, &reference, |ledger, tx| {
        let recorded = ledger.record_confirmation(&confirmation)?;
        match &recorded.action {
            Action::Fulfil { payment } => fulfil(ledger, tx, &reference, payment)?,
            Action::GiveBack { payment, amount } => {
                tx.execute(
                    "INSERT OR IGNORE INTO give_back (payment, order_ref, amount) VALUES (?1, ?2, ?3)",
                    params![payment, reference, amount.minor_units()],
                )?;
            }
            _ => {}
        }
        db::decide_claim(tx, id, &outcome)?;
        Ok(recorded)
    });
    match recorded {
        Ok(_) => answer(StatusCode::OK, outcome),
        Err(e) => internal(e),
    }
}

fn decided(shop: &Shop, id: &str, why: &str) -> Response {
    match db::decide_claim(&shop.db(), id, why) {
        Ok(()) => answer(StatusCode::OK, why.to_string()),
        Err(e) => internal(e),
    }
}

/// Fulfils once: the conditional update's row count says whether this process won, in the
/// same transaction as the shipment (a real shop writes an outbox row here, and ships from it).
fn fulfil(
    ledger: &mut paymentoptions_hpp::Ledger,
    tx: &rusqlite::Transaction<'_>,
    reference: &str,
    payment: &str,
) -> Result<(), AppError> {
    let won = tx.execute(
        "UPDATE orders SET paid_by = ?2 WHERE reference = ?1 AND paid_by IS NULL",
        params![reference, payment],
    )?;
    if won == 1 {
        tx.execute(
            "INSERT INTO shipments (order_ref, payment) VALUES (?1, ?2)",
            params![reference, payment],
        )?;
        ledger.record_fulfilled()?;
    }
    Ok(())
}

#[derive(serde::Deserialize)]
pub struct RefundQuery {
    /// Minor units of the order's currency.
    amount: i64,
    /// The payment to refund; default: the one that fulfilled the order.
    payment: Option<String>,
}

/// A refund: the intent recorded (and the one-in-flight rule checked) before sending, the
/// result recorded after.
async fn refund(
    State(shop): State<Shop>,
    Path(reference): Path<String>,
    Query(q): Query<RefundQuery>,
) -> Response {
    let prepared = db::with_ledger(&mut shop.db(), &reference, |ledger, tx| {
        let payment = match (q.payment.clone(), ledger.fulfilment()) {
            (Some(p), _) => p,
            (None, Fulfilment::Due { payment } | Fulfilment::Done { payment }) => payment,
            (None, Fulfilment::Unpaid) => return Err("the order is not paid".into()),
        };
        let amount = Money::from_minor(q.amount, ledger.order_amount().currency())?;
        let prepared = ledger.prepare_refund(&payment, amount)?;
        tx.execute(
            "INSERT INTO refund_intents (reference, order_ref, payment, amount, state, sent_at)
             VALUES (?1, ?2, ?3, ?4, 'sending', ?5)",
            params![
                prepared.reference(),
                reference,
                payment,
                amount.minor_units(),
                db::now()
            ],
        )?;
        Ok(prepared)
    });
    let prepared = match prepared {
        Ok(p) => p,
        Err(e) => return answer(StatusCode::CONFLICT, e.to_string()),
    };
    let result = shop.client.refund_transaction(prepared.request()).await;
    let state = match &result {
        Ok(_) => "applied",
        Err(Error::Refused(_)) => "refused",
        Err(e) if e.may_have_moved_money() => "in_doubt",
        Err(_) => "not_sent",
    };
    let recorded = db::with_ledger(&mut shop.db(), &reference, |ledger, tx| {
        tx.execute(
            "UPDATE refund_intents SET state = ?2 WHERE reference = ?1",
            params![prepared.reference(), state],
        )?;
        Ok(ledger.record_result(prepared.reference(), &result)?)
    });
    if let Err(e) = recorded {
        return internal(e);
    }
    match result {
        Ok(t) => answer(StatusCode::OK, format!("refunded: {t}")),
        Err(Error::InDoubt(d)) => answer(StatusCode::BAD_GATEWAY, d.to_string()),
        Err(Error::Refused(r)) => answer(StatusCode::CONFLICT, r.to_string()),
        Err(e) => answer(StatusCode::SERVICE_UNAVAILABLE, format!("not sent: {e}")),
    }
}

/// The order's money, as its ledger derives it.
async fn order_view(State(shop): State<Shop>, Path(reference): Path<String>) -> Response {
    let view = db::with_ledger(&mut shop.db(), &reference, |ledger, tx| {
        let shipments: i64 = tx.query_row(
            "SELECT COUNT(*) FROM shipments WHERE order_ref = ?1",
            [&reference],
            |r| r.get(0),
        )?;
        Ok(json!({
            "fulfilment": format!("{:?}", ledger.fulfilment()),
            "shipments": shipments,
            "payments": ledger.payments().iter().map(|p| &p.transaction_id).collect::<Vec<_>>(),
            "collected": ledger.collected().minor_units(),
            "refunded": ledger.refunded().minor_units(),
            "refunds_possible": ledger.refunds_possible().minor_units(),
            "refundable": ledger.refundable().minor_units(),
            "in_doubt": ledger.in_doubt().iter().map(|d| &d.reference).collect::<Vec<_>>(),
            "to_give_back": ledger.to_give_back().iter().map(|p| &p.transaction_id).collect::<Vec<_>>(),
        }))
    });
    match view {
        Ok(v) => Json(v).into_response(),
        Err(e) => answer(StatusCode::NOT_FOUND, e.to_string()),
    }
}

/// Re-confirms the saved, undecided claims every `every`, and turns refund intents whose
/// answer never came (after `lost_after`) into facts in doubt.
pub fn spawn_rechecker(shop: Shop, every: Duration, lost_after: Duration) {
    tokio::spawn(async move {
        loop {
            tokio::time::sleep(every).await;
            let claims = db::undecided_claims(&shop.db()).unwrap_or_default();
            for id in claims {
                let _ = confirm_claim(&shop, &id).await;
            }
            let cutoff = db::now() - lost_after.as_secs() as i64;
            let stale = db::stale_intents(&shop.db(), cutoff).unwrap_or_default();
            for (order_ref, reference) in stale {
                let _ = db::with_ledger(&mut shop.db(), &order_ref, |ledger, tx| {
                    tx.execute(
                        "UPDATE refund_intents SET state = 'in_doubt' WHERE reference = ?1",
                        [&reference],
                    )?;
                    Ok(ledger.record_lost(&reference)?)
                });
            }
        }
    });
}
