//! The calls: link creation, the generated operations (through `call` and `call_raw`), money
//! calls, and payment confirmation.

use bytes::Bytes;
use paymentoptions_hpp_client::api::{self, Operation};
use url::Url;

use super::decode::{decode, decode_link};
use super::{CREATE_LINK, Client, path};
use crate::confirmation::{self, Confirmation, ExpectedPayment};
use crate::error::Error;
use crate::link::{Link, LinkRequest};
use crate::money::Currency;
use crate::money_call;
use crate::retry::RetryOn;
use crate::transaction::Transaction;

impl Client {
    /// Creates a payment link. The client's default `merchant_id` and `merchant_email` fill the
    /// request's gaps. Retries follow the client's [`RetryPolicy`](crate::RetryPolicy).
    pub async fn create_link(&self, request: &LinkRequest) -> Result<Link, Error> {
        // `Bytes`, so that a retry resends the same buffer instead of copying it.
        let body = {
            let model = request.with_defaults(
                self.inner.merchant_id.as_ref(),
                self.inner.merchant_email.as_ref(),
            );
            Bytes::from(serde_json::to_vec(&*model).expect("a request model always serializes"))
        };
        let (status, bytes) = self
            .send(
                &CREATE_LINK,
                self.inner.endpoint.clone(),
                Some(body),
                self.inner.retry,
            )
            .await?;
        decode_link(status, &bytes)
    }

    /// Sends a generated operation: checks its path parameters, sends, decodes the 2xx body.
    /// The generated methods (one per operation of the spec without a hand-written one) call
    /// this, so every operation shares link creation's errors, retries and limits.
    // Unused while every generated operation returns a hand-written type; an operation added
    // to the spec with another response needs it, without a hand-written change.
    #[allow(dead_code)]
    pub(crate) async fn call<T: serde::de::DeserializeOwned>(
        &self,
        op: &Operation,
        params: &[api::FieldRule],
        values: &[&str],
        body: Option<serde_json::Value>,
        currency: Option<Currency>,
    ) -> Result<T, Error> {
        let (status, bytes) = self.call_raw(op, params, values, body, currency).await?;
        decode(status, &bytes)
    }

    /// Like [`call`](Self::call), but gives the 2xx status and the raw body, for response
    /// types that keep it.
    ///
    /// A `GET` follows the client's [`RetryPolicy`](crate::RetryPolicy) in full. An operation
    /// that may move money (the spec's `x-moves-money`) goes through
    /// [`money_call`](crate::money_call): its target is checked first, it is never re-sent once
    /// it may have reached the server, and its result is applied, [`Error::Refused`] or
    /// [`Error::InDoubt`]. `currency` is the currency of the `Money` an amount without a
    /// currency field was given in.
    pub(crate) async fn call_raw(
        &self,
        op: &Operation,
        params: &[api::FieldRule],
        values: &[&str],
        body: Option<serde_json::Value>,
        currency: Option<Currency>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let url = path::operation_url(&self.inner.base_url, op, params, values)?;
        if let Some(money) = api::money::operation(op.id) {
            return self.money_call(op, money, url, body, currency).await;
        }
        // Anything else that is not a read could still change something: never re-sent once
        // it may have reached the server.
        let retry = if op.method.eq_ignore_ascii_case("GET") {
            self.inner.retry
        } else {
            self.inner.retry.with_retry_on(RetryOn::NeverSent)
        };
        let body = body
            .map(|b| Bytes::from(serde_json::to_vec(&b).expect("a JSON value always serializes")));
        self.send(op, url, body, retry).await
    }

    /// A money operation: checked (and its target read) before sending, sent at most once past
    /// the point where it may have reached the server, and its answer classified.
    async fn money_call(
        &self,
        op: &Operation,
        money: &'static api::money::MoneyOperation,
        url: Url,
        body: Option<serde_json::Value>,
        currency: Option<Currency>,
    ) -> Result<(u16, Vec<u8>), Error> {
        let mut prepared = money_call::prepare(money, body)?;
        if !money.acts_on.is_empty() {
            let id = prepared.target.clone().unwrap_or_default();
            // Boxed: the status call goes through `call_raw` too.
            let target = Box::pin(self.get_transaction_status(&id)).await?;
            prepared.amount = money_call::check_target(
                money,
                &target,
                currency,
                prepared.raw_amount,
                self.inner.live,
            )?;
        }
        let bytes = Bytes::from(
            serde_json::to_vec(&prepared.body).expect("a JSON value always serializes"),
        );
        let retry = self.inner.retry.with_retry_on(RetryOn::NeverSent);
        let sent_at = std::time::SystemTime::now();
        let result = self.send(op, url, Some(bytes), retry).await;
        money_call::classify(money, prepared, sent_at, result)
    }

    /// Is this order paid, and by which transaction? Reads the status of `transaction_id`
    /// (the id a notification claims: nothing else of it is trusted) and decides with
    /// [`check_payment`](Self::check_payment).
    ///
    /// - `Ok(Confirmation::Paid)`: fulfil the order, once (record the transaction id under a
    ///   unique key: deliveries repeat, and a customer may pay a second link);
    /// - `Ok(Confirmation::NotPaid)`: decided: do not fulfil;
    /// - `Err`: not decided. [`Error::Undecided`] (a 404 among them: a notification can come
    ///   before the status sees its transaction) or a failed status read. Keep the claim and
    ///   ask again later; answer the webhook with a 5xx if you like, but do not count on a
    ///   re-delivery: PaymentOptions documents none.
    ///
    /// ```no_run
    /// # async fn run(client: paymentoptions_hpp::Client, body: &[u8]) -> Result<(), Box<dyn std::error::Error>> {
    /// use paymentoptions_hpp::{Confirmation, Currency, ExpectedPayment, Money, parse_notification};
    ///
    /// let notification = parse_notification(body)?;
    /// // The order is found from the *confirmed* transaction, never from the notification:
    /// let status = client.get_transaction_status(notification.transaction_id()).await?;
    /// let reference = status.merchant_txn_ref().unwrap_or_default().to_string();
    /// let order = ExpectedPayment::new(&reference, Money::from_major(1000, Currency::JPY)?);
    /// match client.check_payment(notification.transaction_id(), status, &order)? {
    ///     Confirmation::Paid(payment) => println!("fulfil {reference} once: {payment}"),
    ///     Confirmation::NotPaid(not_paid) => println!("do not fulfil: {not_paid}"),
    ///     _ => {}
    /// }
    /// # Ok(()) }
    /// ```
    pub async fn confirm_payment(
        &self,
        transaction_id: &str,
        expected: &ExpectedPayment,
    ) -> Result<Confirmation, Error> {
        let status = match self.get_transaction_status(transaction_id).await {
            Err(Error::Api(e)) if e.status() == 404 => {
                return Err(confirmation::not_found_yet(transaction_id));
            }
            other => other?,
        };
        self.check_payment(transaction_id, status, expected)
    }

    /// The decision of [`confirm_payment`](Self::confirm_payment) on a status already read
    /// (with [`get_transaction_status`](Self::get_transaction_status) for `transaction_id`),
    /// for a server that reads the status first to find the order by the status's own
    /// `merchant_txn_ref`. No network: the checks, in order, are the transaction id, the
    /// merchant id (when this client has one and the status names one), the order's
    /// reference, `is_live` against [`is_live`](Self::is_live), the kind, the outcome, the
    /// success code's kind, and the exact amount and currency.
    pub fn check_payment(
        &self,
        transaction_id: &str,
        status: Transaction,
        expected: &ExpectedPayment,
    ) -> Result<Confirmation, Error> {
        let facts = confirmation::ClientFacts {
            merchant_id: self.inner.merchant_id.as_deref().map(String::as_str),
            live: self.inner.live,
        };
        confirmation::decide(transaction_id, status, expected, &facts)
    }
}
