//! In-memory state: links, their outcome, transactions and the cards they stored,
//! notification deliveries, pending faults.
//!
//! Everything sits behind one `std::sync::Mutex` that is never held across an `.await`, so
//! concurrent requests serialize only for the microseconds of a map update. Links, deliveries
//! and transactions are bounded: the oldest are evicted first. A transaction outlives its link
//! (its status can still be read) until `max_transactions` newer ones push it out; the card a
//! payment stored is forgotten with that payment.

use std::collections::{HashMap, VecDeque};
use std::sync::Arc;

use chrono::{DateTime, Utc};
use paymentoptions_hpp_client::types;
use uuid::Uuid;

use crate::faults::{Fault, FaultPhase};
pub(crate) use crate::transactions::record::{StoredCard, TransactionRecord};
pub(crate) use crate::views::{
    CustomerAction, DeliveryState, DeliveryView, LinkCompletion, LinkState, LinkView,
};

/// A stored link. It keeps the request body as received rather than the `Value` parsed from
/// it: the bytes are a single allocation, a fifth of the tree's size (3,800 bytes in 57
/// allocations for the page example), at most `max_body_bytes` whatever their shape, and cheap
/// to free when the link is evicted. The rare readers parse them again.
pub(crate) struct LinkRecord {
    pub(crate) id: Uuid,
    pub(crate) url: String,
    pub(crate) token: String,
    pub(crate) state: LinkState,
    pub(crate) created_at: DateTime<Utc>,
    /// Parsed, and valid, when it was received. Shared, so that a listing copies it out of
    /// the lock for the price of a counter and parses it after releasing the lock.
    pub(crate) body: Arc<[u8]>,
    pub(crate) transaction: Option<Box<LinkCompletion>>,
    /// The ids of the transactions of this link (its payment, then captures, refunds, voids),
    /// oldest first; an evicted transaction leaves the list.
    pub(crate) transactions: Vec<String>,
}

/// What a view of a link needs, taken under the lock without parsing anything.
pub(crate) struct LinkSnapshot {
    id: Uuid,
    url: String,
    state: LinkState,
    created_at: DateTime<Utc>,
    body: Arc<[u8]>,
    transaction: Option<LinkCompletion>,
    transactions: Vec<TransactionRecord>,
}

impl LinkSnapshot {
    /// The view, parsing the body: call it after releasing the lock.
    pub(crate) fn view(self) -> LinkView {
        LinkView {
            id: self.id,
            url: self.url,
            state: self.state,
            created_at: crate::timestamp(self.created_at),
            request: serde_json::from_slice(&self.body)
                .expect("the body parsed when it was received"),
            transaction: self.transaction,
            transactions: self
                .transactions
                .into_iter()
                .map(TransactionRecord::view)
                .collect(),
        }
    }
}

impl LinkRecord {
    /// What a view needs; `store` holds this link's transactions.
    pub(crate) fn snapshot(&self, store: &Store) -> LinkSnapshot {
        LinkSnapshot {
            transactions: self
                .transactions
                .iter()
                .filter_map(|id| store.transactions.get(id).cloned())
                .collect(),
            id: self.id,
            url: self.url.clone(),
            state: self.state,
            created_at: self.created_at,
            body: self.body.clone(),
            transaction: self.transaction.as_deref().cloned(),
        }
    }

    /// The request, as the create call decoded it: the fields the spec names.
    pub(crate) fn model(&self) -> types::HppLinkRequest {
        serde_json::from_slice(&self.body).expect("the body decoded when it was received")
    }
}

pub(crate) struct Store {
    links: HashMap<Uuid, LinkRecord>,
    tokens: HashMap<String, Uuid>,
    order: VecDeque<Uuid>,
    /// Shared, so that a listing or an attempt copies a delivery out of the lock for the price
    /// of a counter; a change copies it only while such a copy is alive.
    deliveries: HashMap<Uuid, Arc<DeliveryView>>,
    delivery_order: VecDeque<Uuid>,
    faults: VecDeque<Fault>,
    /// The task of each delivery still being attempted, stopped when it is evicted.
    delivery_tasks: HashMap<Uuid, tokio::task::AbortHandle>,
    transactions: HashMap<String, TransactionRecord>,
    transaction_order: VecDeque<String>,
    /// Stored cards by `stored_payment_method_id`.
    stored_cards: HashMap<String, StoredCard>,
    next_ref: i64,
    max_links: usize,
    max_deliveries: usize,
    max_transactions: usize,
    /// What a new (or reset) store is given first: the spec's example transactions, or
    /// nothing.
    seed: Option<fn(&mut Store)>,
}

impl Store {
    pub(crate) fn new(
        max_links: usize,
        max_transactions: usize,
        seed: Option<fn(&mut Store)>,
    ) -> Self {
        let mut store = Self {
            links: HashMap::new(),
            tokens: HashMap::new(),
            order: VecDeque::new(),
            deliveries: HashMap::new(),
            delivery_order: VecDeque::new(),
            faults: VecDeque::new(),
            delivery_tasks: HashMap::new(),
            transactions: HashMap::new(),
            transaction_order: VecDeque::new(),
            stored_cards: HashMap::new(),
            next_ref: 240_000_000_001,
            max_links: max_links.max(1),
            max_deliveries: max_links.max(1),
            max_transactions: max_transactions.max(1),
            seed,
        };
        if let Some(seed) = seed {
            seed(&mut store);
        }
        store
    }

    pub(crate) fn insert_link(&mut self, link: LinkRecord) {
        while self.links.len() >= self.max_links {
            let Some(oldest) = self.order.pop_front() else {
                break;
            };
            if let Some(evicted) = self.links.remove(&oldest) {
                self.tokens.remove(&evicted.token);
            }
        }
        self.tokens.insert(link.token.clone(), link.id);
        self.order.push_back(link.id);
        self.links.insert(link.id, link);
    }

    pub(crate) fn link(&self, id: &Uuid) -> Option<&LinkRecord> {
        self.links.get(id)
    }

    pub(crate) fn link_mut(&mut self, id: &Uuid) -> Option<&mut LinkRecord> {
        self.links.get_mut(id)
    }

    pub(crate) fn id_for_token(&self, token: &str) -> Option<Uuid> {
        self.tokens.get(token).copied()
    }

    /// How many links are held.
    pub(crate) fn link_count(&self) -> usize {
        self.links.len()
    }

    /// Up to `limit` links from the `offset`-th (oldest first), to be viewed outside the lock.
    pub(crate) fn link_snapshots(&self, offset: usize, limit: usize) -> Vec<LinkSnapshot> {
        self.order
            .iter()
            .filter_map(|id| self.links.get(id))
            .skip(offset)
            .take(limit)
            .map(|l| l.snapshot(self))
            .collect()
    }

    /// Keeps `record` (and the card it stored), evicting the oldest transactions when
    /// `max_transactions` are held, with the cards they stored.
    pub(crate) fn insert_transaction(
        &mut self,
        record: TransactionRecord,
        stored: Option<(String, StoredCard)>,
    ) {
        while self.transactions.len() >= self.max_transactions {
            let Some(oldest) = self.transaction_order.pop_front() else {
                break;
            };
            let Some(evicted) = self.transactions.remove(&oldest) else {
                continue;
            };
            if let Some(token) = &evicted.stored_payment_method_id
                && self
                    .stored_cards
                    .get(token)
                    .is_some_and(|c| c.transaction_id == evicted.id)
            {
                self.stored_cards.remove(token);
            }
            if let Some(link) = evicted.link_id.and_then(|l| self.links.get_mut(&l)) {
                link.transactions.retain(|t| *t != evicted.id);
            }
        }
        if let Some(link) = record.link_id.and_then(|l| self.links.get_mut(&l)) {
            link.transactions.push(record.id.clone());
        }
        if let Some((token, card)) = stored {
            self.stored_cards.insert(token, card);
        }
        self.transaction_order.push_back(record.id.clone());
        self.transactions.insert(record.id.clone(), record);
    }

    pub(crate) fn transaction(&self, id: &str) -> Option<&TransactionRecord> {
        self.transactions.get(id)
    }

    pub(crate) fn transaction_mut(&mut self, id: &str) -> Option<&mut TransactionRecord> {
        self.transactions.get_mut(id)
    }

    /// How many transactions are held.
    pub(crate) fn transaction_count(&self) -> usize {
        self.transactions.len()
    }

    /// Up to `limit` transactions from the `offset`-th (oldest first), to be viewed outside
    /// the lock.
    pub(crate) fn transaction_records(
        &self,
        offset: usize,
        limit: usize,
    ) -> Vec<TransactionRecord> {
        self.transaction_order
            .iter()
            .filter_map(|id| self.transactions.get(id))
            .skip(offset)
            .take(limit)
            .cloned()
            .collect()
    }

    pub(crate) fn stored_card(&self, token: &str) -> Option<&StoredCard> {
        self.stored_cards.get(token)
    }

    pub(crate) fn next_ref(&mut self) -> i64 {
        let r = self.next_ref;
        self.next_ref += 1;
        r
    }

    /// Keeps `delivery`, evicting the oldest finished delivery when `max_links` are held, or
    /// the oldest pending one (its retries stop) when none has finished: pending deliveries
    /// are bounded like links, and so are the outbound requests their retries make.
    pub(crate) fn insert_delivery(&mut self, delivery: DeliveryView) {
        while self.deliveries.len() >= self.max_deliveries {
            let pos = self
                .delivery_order
                .iter()
                .position(|id| self.deliveries[id].state != DeliveryState::Pending)
                .unwrap_or(0);
            let Some(id) = self.delivery_order.remove(pos) else {
                break;
            };
            if let Some(evicted) = self.deliveries.remove(&id)
                && evicted.state == DeliveryState::Pending
            {
                tracing::warn!(delivery = %id, "pending notification evicted: max_links deliveries are held");
            }
            if let Some(task) = self.delivery_tasks.remove(&id) {
                task.abort();
            }
        }
        self.delivery_order.push_back(delivery.id);
        self.deliveries.insert(delivery.id, Arc::new(delivery));
    }

    /// Notes the task attempting delivery `id`, so that evicting the delivery stops it.
    pub(crate) fn set_delivery_task(&mut self, id: Uuid, task: tokio::task::AbortHandle) {
        if self.deliveries.contains_key(&id) {
            if let Some(previous) = self.delivery_tasks.insert(id, task) {
                previous.abort();
            }
        } else {
            task.abort();
        }
    }

    /// Forgets the task of delivery `id`, which has finished.
    pub(crate) fn delivery_task_done(&mut self, id: &Uuid) {
        self.delivery_tasks.remove(id);
    }

    /// Delivery `id`, to be read after releasing the lock.
    pub(crate) fn delivery(&self, id: &Uuid) -> Option<Arc<DeliveryView>> {
        self.deliveries.get(id).cloned()
    }

    pub(crate) fn delivery_mut(&mut self, id: &Uuid) -> Option<&mut DeliveryView> {
        self.deliveries.get_mut(id).map(Arc::make_mut)
    }

    /// How many deliveries are held.
    pub(crate) fn delivery_count(&self) -> usize {
        self.deliveries.len()
    }

    /// Up to `limit` deliveries from the `offset`-th, oldest first, to be read after releasing
    /// the lock.
    pub(crate) fn deliveries(&self, offset: usize, limit: usize) -> Vec<Arc<DeliveryView>> {
        self.delivery_order
            .iter()
            .filter_map(|id| self.deliveries.get(id))
            .skip(offset)
            .take(limit)
            .cloned()
            .collect()
    }

    pub(crate) fn push_fault(&mut self, fault: Fault) {
        self.faults.push_back(fault);
    }

    pub(crate) fn faults(&self) -> Vec<Fault> {
        self.faults.iter().cloned().collect()
    }

    pub(crate) fn clear_faults(&mut self) {
        self.faults.clear();
    }

    /// Takes one use of the oldest pending fault for `operation` (an `operationId`) in `phase`.
    pub(crate) fn take_fault(&mut self, operation: &str, phase: FaultPhase) -> Option<Fault> {
        let pos = self.faults.iter().position(|f| {
            f.when == phase && f.operation.as_deref().is_none_or(|o| o == operation)
        })?;
        let pending = &mut self.faults[pos];
        pending.count = pending.count.saturating_sub(1);
        let fault = pending.clone();
        if pending.count == 0 {
            self.faults.remove(pos);
        }
        Some(fault)
    }

    pub(crate) fn reset(&mut self) {
        for (_, task) in self.delivery_tasks.drain() {
            task.abort();
        }
        *self = Store::new(self.max_links, self.max_transactions, self.seed);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn link(n: u128) -> LinkRecord {
        LinkRecord {
            id: Uuid::from_u128(n),
            url: format!("http://x/{n}"),
            token: format!("t{n}"),
            state: LinkState::Open,
            created_at: DateTime::UNIX_EPOCH,
            body: format!("{{\"amount\": {n}}}").into_bytes().into(),
            transaction: None,
            transactions: Vec::new(),
        }
    }

    #[test]
    fn oldest_links_are_evicted_first() {
        let mut store = Store::new(3, 3, None);
        for n in 1..=5 {
            store.insert_link(link(n));
        }
        let ids: Vec<u128> = store
            .link_snapshots(0, usize::MAX)
            .into_iter()
            .map(|l| l.view().id.as_u128())
            .collect();
        assert_eq!(ids, [3, 4, 5]);
        assert!(store.id_for_token("t1").is_none());
        assert_eq!(store.id_for_token("t5"), Some(Uuid::from_u128(5)));
    }

    #[test]
    fn a_view_shows_the_request_as_parsed() {
        let view = link(7).snapshot(&Store::new(1, 1, None)).view();
        assert_eq!(view.request, serde_json::json!({"amount": 7}));
        assert_eq!(view.created_at, "1970-01-01T00:00:00.000Z");
        assert_eq!(
            (view.id, view.url.as_str()),
            (Uuid::from_u128(7), "http://x/7")
        );
    }

    #[test]
    fn faults_are_used_count_times_in_order() {
        let mut store = Store::new(1, 1, None);
        store.push_fault(Fault {
            count: 2,
            status: Some(503),
            ..Fault::default()
        });
        store.push_fault(Fault {
            count: 1,
            drop_connection: true,
            ..Fault::default()
        });
        store.push_fault(Fault {
            count: 1,
            status: Some(500),
            operation: Some("refund_transaction".into()),
            ..Fault::default()
        });
        let create = "generate_hpp_link";
        assert_eq!(
            store.take_fault(create, FaultPhase::Before).unwrap().status,
            Some(503)
        );
        // A fault for another operation waits for it, behind those for any operation.
        assert_eq!(
            store
                .take_fault("refund_transaction", FaultPhase::Before)
                .unwrap()
                .status,
            Some(503)
        );
        assert!(
            store
                .take_fault(create, FaultPhase::Before)
                .unwrap()
                .drop_connection
        );
        assert!(store.take_fault(create, FaultPhase::Before).is_none());
        assert_eq!(
            store
                .take_fault("refund_transaction", FaultPhase::Before)
                .unwrap()
                .status,
            Some(500)
        );
        assert!(
            store
                .take_fault("refund_transaction", FaultPhase::Before)
                .is_none()
        );
    }

    #[test]
    fn faults_before_and_after_wait_in_their_own_phase() {
        let mut store = Store::new(1, 1, None);
        let op = "refund_transaction";
        store.push_fault(Fault {
            status: Some(502),
            when: FaultPhase::After,
            ..Fault::default()
        });
        assert!(store.take_fault(op, FaultPhase::Before).is_none());
        store.push_fault(Fault {
            status: Some(504),
            ..Fault::default()
        });
        assert_eq!(
            store.take_fault(op, FaultPhase::Before).unwrap().status,
            Some(504)
        );
        assert_eq!(
            store.take_fault(op, FaultPhase::After).unwrap().status,
            Some(502)
        );
        assert!(store.faults().is_empty());
    }
}
