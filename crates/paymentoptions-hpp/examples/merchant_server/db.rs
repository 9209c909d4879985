//! The shop's SQLite database: orders, the transaction ids notifications claimed, the
//! ledger's facts, refund intents and the fulfilments. Every change is one `BEGIN IMMEDIATE`
//! transaction: two server processes on the same file take turns (WAL, a busy timeout), and
//! each re-reads the facts inside its transaction before deciding anything.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use paymentoptions_hpp::{ExpectedPayment, Fact, Ledger, Money};
use rusqlite::{Connection, OptionalExtension, TransactionBehavior, params};

pub type AppError = Box<dyn std::error::Error + Send + Sync>;

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS orders (
    reference TEXT PRIMARY KEY, amount INTEGER NOT NULL, currency TEXT NOT NULL,
    paid_by TEXT);
CREATE TABLE IF NOT EXISTS claims (
    transaction_id TEXT PRIMARY KEY, decided TEXT, tries INTEGER NOT NULL DEFAULT 0);
CREATE TABLE IF NOT EXISTS facts (
    order_ref TEXT NOT NULL, seq INTEGER NOT NULL, fact TEXT NOT NULL,
    PRIMARY KEY (order_ref, seq));
CREATE TABLE IF NOT EXISTS shipments (order_ref TEXT NOT NULL, payment TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS give_back (
    payment TEXT PRIMARY KEY, order_ref TEXT NOT NULL, amount INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS refund_intents (
    reference TEXT PRIMARY KEY, order_ref TEXT NOT NULL, payment TEXT NOT NULL,
    amount INTEGER NOT NULL, state TEXT NOT NULL, sent_at INTEGER NOT NULL);
-- At most one refund in flight per payment, whichever process sends it.
CREATE UNIQUE INDEX IF NOT EXISTS one_refund_in_flight
    ON refund_intents (payment) WHERE state = 'sending';
";

/// Opens (and creates) the database shared by every server process.
pub fn open(path: &str) -> rusqlite::Result<Connection> {
    let conn = Connection::open(path)?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.busy_timeout(Duration::from_secs(10))?;
    conn.execute_batch(SCHEMA)?;
    Ok(conn)
}

pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64)
}

pub fn create_order(conn: &Connection, reference: &str, price: Money) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT INTO orders (reference, amount, currency) VALUES (?1, ?2, ?3)",
        params![reference, price.minor_units(), price.currency().code()],
    )?;
    Ok(())
}

/// The order `reference` as a confirmation expects it, with who paid it (if anyone).
pub fn order(
    conn: &Connection,
    reference: &str,
) -> Result<Option<(ExpectedPayment, Option<String>)>, AppError> {
    let row = conn
        .query_row(
            "SELECT amount, currency, paid_by FROM orders WHERE reference = ?1",
            [reference],
            |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((amount, currency, paid_by)) = row else {
        return Ok(None);
    };
    let currency = paymentoptions_hpp::money::currency(&currency)?;
    let price = Money::from_minor(amount, currency)?;
    Ok(Some((ExpectedPayment::new(reference, price), paid_by)))
}

/// Saves a notification's claimed transaction id before anything else: a claim is never lost,
/// whatever happens while confirming it.
pub fn save_claim(conn: &Connection, transaction_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO claims (transaction_id) VALUES (?1)",
        [transaction_id],
    )?;
    Ok(())
}

pub fn claim_tried(conn: &Connection, transaction_id: &str) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE claims SET tries = tries + 1 WHERE transaction_id = ?1",
        [transaction_id],
    )?;
    Ok(())
}

pub fn decide_claim(
    conn: &Connection,
    transaction_id: &str,
    decided: &str,
) -> rusqlite::Result<()> {
    conn.execute(
        "UPDATE claims SET decided = ?2 WHERE transaction_id = ?1",
        params![transaction_id, decided],
    )?;
    Ok(())
}

pub fn undecided_claims(conn: &Connection) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare("SELECT transaction_id FROM claims WHERE decided IS NULL")?;
    let ids = stmt.query_map([], |r| r.get(0))?;
    ids.collect()
}

/// Refund intents still `sending` since before `older_than` (their process died, or their
/// call hangs past any timeout): their answers are lost.
pub fn stale_intents(
    conn: &Connection,
    older_than: i64,
) -> rusqlite::Result<Vec<(String, String)>> {
    let mut stmt = conn.prepare(
        "SELECT order_ref, reference FROM refund_intents WHERE state = 'sending' AND sent_at < ?1",
    )?;
    let rows = stmt.query_map([older_than], |r| Ok((r.get(0)?, r.get(1)?)))?;
    rows.collect()
}

/// Runs `change` on the order's ledger inside one `BEGIN IMMEDIATE` transaction: the facts
/// are loaded (and re-checked) under the write lock, and the facts `change` adds are appended
/// before the commit. Nothing is kept when `change` fails.
pub fn with_ledger<T>(
    conn: &mut Connection,
    reference: &str,
    change: impl FnOnce(&mut Ledger, &rusqlite::Transaction<'_>) -> Result<T, AppError>,
) -> Result<T, AppError> {
    let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
    let (expected, _) = order(&tx, reference)?.ok_or("no such order")?;
    let stored: Vec<Fact> = {
        let mut stmt = tx.prepare("SELECT fact FROM facts WHERE order_ref = ?1 ORDER BY seq")?;
        let rows = stmt.query_map([reference], |r| r.get::<_, String>(0))?;
        rows.map(|json| Ok(serde_json::from_str(&json?)?))
            .collect::<Result<_, AppError>>()?
    };
    let mut ledger = Ledger::from_facts(&expected, stored)?;
    let before = ledger.facts().len();
    let value = change(&mut ledger, &tx)?;
    for (seq, fact) in ledger.facts().iter().enumerate().skip(before) {
        tx.execute(
            "INSERT INTO facts (order_ref, seq, fact) VALUES (?1, ?2, ?3)",
            params![reference, seq as i64, serde_json::to_string(fact)?],
        )?;
    }
    tx.commit()?;
    Ok(value)
}
