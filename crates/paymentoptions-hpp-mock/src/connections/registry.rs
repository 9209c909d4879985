//! The open connections and what the limits need to know of each (see the parent module).

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use tokio::sync::Notify;

/// The open connections.
pub(crate) struct Connections {
    max: usize,
    epoch: Instant,
    next_id: AtomicU64,
    open: Mutex<HashMap<u64, Arc<Connection>>>,
}

/// What the limits need to know of one connection.
pub(super) struct Connection {
    /// Milliseconds since `epoch` when a byte last went either way.
    pub(super) last_activity: AtomicU64,
    /// Requests being handled on it.
    pub(super) in_flight: AtomicUsize,
    /// Whether a request has reached the router on it yet.
    pub(super) served: AtomicBool,
    /// Told to close (to make room for a new connection).
    pub(super) evict: Notify,
}

impl Connections {
    pub(crate) fn new(max: usize) -> Self {
        Self {
            max: max.max(1),
            epoch: Instant::now(),
            next_id: AtomicU64::new(0),
            open: Mutex::new(HashMap::new()),
        }
    }

    pub(super) fn now_ms(&self) -> u64 {
        self.epoch.elapsed().as_millis() as u64
    }

    /// Registers a new connection, making room if needed: `None` when every open one is busy.
    pub(super) fn admit(&self) -> Option<(u64, Arc<Connection>)> {
        let mut open = self.open.lock().expect("connections lock");
        if open.len() >= self.max {
            let idlest = open
                .values()
                .filter(|c| c.in_flight.load(Ordering::SeqCst) == 0)
                .min_by_key(|c| c.last_activity.load(Ordering::SeqCst))?;
            idlest.evict.notify_one();
            // It leaves the map when its task ends; until then it is over the count by one.
        }
        let id = self.next_id.fetch_add(1, Ordering::SeqCst);
        let connection = Arc::new(Connection {
            last_activity: AtomicU64::new(self.now_ms()),
            in_flight: AtomicUsize::new(0),
            served: AtomicBool::new(false),
            evict: Notify::new(),
        });
        open.insert(id, connection.clone());
        Some((id, connection))
    }

    pub(super) fn remove(&self, id: u64) {
        self.open.lock().expect("connections lock").remove(&id);
    }

    /// How many connections are open.
    pub(crate) fn count(&self) -> usize {
        self.open.lock().expect("connections lock").len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_the_limit_the_idlest_free_connection_makes_room() {
        let connections = Connections::new(2);
        let (_, a) = connections.admit().unwrap();
        let (_, b) = connections.admit().unwrap();
        a.last_activity.store(5, Ordering::SeqCst);
        b.last_activity.store(1, Ordering::SeqCst);
        b.in_flight.store(1, Ordering::SeqCst);
        // `b` is busy, so `a` is told to go even though `b` is older.
        assert!(connections.admit().is_some());
        assert!(
            futures_util::FutureExt::now_or_never(a.evict.notified()).is_some(),
            "a was evicted"
        );
        assert!(futures_util::FutureExt::now_or_never(b.evict.notified()).is_none());
        // Every connection busy: the new one is refused.
        let busy = Connections::new(1);
        let (_, c) = busy.admit().unwrap();
        c.in_flight.store(1, Ordering::SeqCst);
        assert!(busy.admit().is_none());
    }
}
