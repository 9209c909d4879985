//! Issue 13's attacks on the sandbox, each performed: float amounts, pending deliveries
//! beyond the bound, cross-origin and rebound requests, self-notification, faults before auth,
//! a large listing next to creates, and the outcome vocabulary. Everything stays on 127.0.0.1
//! and every loop is bounded in count and time.

#[path = "../common/mod.rs"]
mod common;

use common::{AUTH, PATH, create, http, post};

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use paymentoptions_hpp_mock::{
    CustomerAction, DeliveryPolicy, DeliveryState, Fault, LinkState, MockConfig, MockServer,
};
use reqwest::StatusCode;
use serde_json::{Value, json};
use tokio::io::AsyncReadExt;

mod deliveries;
mod refusals;
mod starvation;

/// The tests that time a create next to an attack take turns: each attack is heavy enough to
/// slow the other's sandbox on a small machine.
static TIMED: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn id_of(link: &Value) -> uuid::Uuid {
    link["id"].as_str().unwrap().parse().unwrap()
}
