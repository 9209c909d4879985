//! Re-sending a notification on demand: the same body to the same webhook URL, as a new round
//! of attempts on the same delivery. PaymentOptions documents no re-delivery (nor any retry
//! policy); this lets a test make one whenever it wants, for example after the merchant already
//! acknowledged the notification, to check that a repeated notification fulfils nothing twice.
//!
//! A leaf: it works on the [`Store`]; the caller starts the attempts.

use std::fmt;

use uuid::Uuid;

use crate::store::Store;
use crate::views::DeliveryState;

/// Why a notification could not be re-sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum RedeliverError {
    /// No such delivery (never made, evicted, or forgotten by a reset).
    NotFound,
    /// Its attempts are still being made: wait until it is delivered or failed.
    Pending,
}

impl fmt::Display for RedeliverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            RedeliverError::NotFound => "no such delivery",
            RedeliverError::Pending => {
                "this delivery is still being attempted: re-send it once it is delivered or failed"
            }
        })
    }
}

impl std::error::Error for RedeliverError {}

/// Opens a new round of attempts for delivery `id`, keeping the earlier attempts. The caller
/// then starts them (`delivery::spawn`).
pub(crate) fn begin(store: &mut Store, id: &Uuid) -> Result<(), RedeliverError> {
    let delivery = store.delivery_mut(id).ok_or(RedeliverError::NotFound)?;
    if delivery.state == DeliveryState::Pending {
        return Err(RedeliverError::Pending);
    }
    delivery.state = DeliveryState::Pending;
    delivery.redeliveries += 1;
    Ok(())
}
