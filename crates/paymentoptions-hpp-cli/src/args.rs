//! The command line. Doc comments on the fields are the `--help` text.

#[cfg(feature = "mock")]
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;

use clap::{Args, Parser, Subcommand};
use paymentoptions_hpp::Environment;
#[cfg(feature = "mock")]
use paymentoptions_hpp_mock::{DeliveryPolicy, MockConfig};

use crate::exit::TABLE;
use crate::generated::{HppLinkRequestArgs, Operation};

/// Environment variables read by `link create`, shown in its `--help`.
const ENVIRONMENT: &str = "\
Environment:
  PAYMENTOPTIONS_API_KEY         API key (required), sent as `Authorization: Basic <key>`
  PAYMENTOPTIONS_X_API_KEY       key for the `x-api-key` header (default: the API key)
  PAYMENTOPTIONS_ENVIRONMENT     dev (default), staging or production
  PAYMENTOPTIONS_BASE_URL        another base URL (instead of PAYMENTOPTIONS_ENVIRONMENT)
  PAYMENTOPTIONS_MERCHANT_ID     merchant_id when the request has none
  PAYMENTOPTIONS_MERCHANT_EMAIL  merchant_email when the request has none

--base-url and --environment override the two environment variables that choose the server.";

/// What `mock --help` says about using the sandbox.
#[cfg(feature = "mock")]
const MOCK: &str = "\
Test cards (any future expiry MM/YY, any 3-digit CVC):
  4242 4242 4242 4242  approved
  4000 0000 0000 0002  declined
  any other number that passes the Luhn check is approved

Paying creates an approved CAPTURE transaction, declining a declined one (success false,
response code 5, gateway code ERR0005: the sandbox's assumption); cancelling creates none.
Notifications carry the transaction envelope, which the status call answers too. Capture,
refund, void and the stored-card payment work on these transactions. A fresh sandbox also
knows the transactions and the stored card the spec's examples name, so each example request
of the spec succeeds as documented (--no-spec-examples: start empty).

Control API (JSON; POSTs need Content-Type: application/json), under the base URL:
  GET  /__mock/links                     links with their state and transactions, 100 a page
                                         (?offset=&limit=, X-Total-Count, Link: rel=\"next\")
  POST /__mock/links/{id}/complete       {\"outcome\": \"pay\" | \"decline\" | \"cancel\"}, without a browser
                                         (\"paid\", \"declined\", \"cancelled\" are accepted too);
                                         add \"capture\": false to authorise only (a PRE_AUTH,
                                         to capture or void through the API)
  GET  /__mock/transactions              transactions with their balances and envelope, paged likewise
  GET  /__mock/deliveries                notifications with their delivery attempts, paged likewise
  POST /__mock/faults                    {\"count\": 1, \"status\": 503}: fail the next API calls
                                         (\"operation\": \"refund_transaction\": only those)
  POST /__mock/reset                     forget everything

Example:
  po-hpp mock --port 8080 &
  export PAYMENTOPTIONS_BASE_URL=http://127.0.0.1:8080 PAYMENTOPTIONS_API_KEY=sandbox-key
  po-hpp link create --amount 1000 --currency JPY --success-url https://shop.example/paid";

/// Create PaymentOptions Hosted Payment Page links, check transaction notifications, and run a
/// local sandbox of the API.
#[derive(Debug, Parser)]
#[command(name = "po-hpp", version, after_help = TABLE)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The top-level commands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Payment links.
    #[command(subcommand)]
    Link(LinkCommand),
    /// Transaction notifications (the webhook PaymentOptions POSTs).
    #[command(subcommand)]
    Notification(NotificationCommand),
    /// Run a local sandbox of the API, with a working hosted payment page, until Ctrl-C.
    ///
    /// Prints the base URL alone on the first line of stdout (for scripts), then how to use it on
    /// stderr. Links, payments and notifications are kept in memory only. The sandbox sends
    /// nothing anywhere except each notification, which it POSTs to the link's webhook_url.
    #[cfg(feature = "mock")]
    #[command(after_help = mock_help())]
    Mock(MockArgs),
    /// Ask PaymentOptions' dev environment what it does not document, and save every answer
    /// as a fixture the sandbox replays (test environments only).
    ///
    /// Creates payment links, and voids and refunds the already-paid test transactions given
    /// with --transaction-id (two CAPTUREs and one PRE_AUTH answer every question): run it
    /// with a test key against dev or staging only; a production environment, URL or live
    /// client is refused before anything is sent (exit 14).
    #[cfg(feature = "mock")]
    #[command(after_help = probe_help())]
    Probe(Box<ProbeArgs>),
    /// The API's other operations, one subcommand each, generated from the spec.
    #[command(flatten)]
    Operation(Operation),
    /// Not in this build of po-hpp (built without the `mock` feature).
    ///
    /// Reinstall with the default features to get the local sandbox.
    #[cfg(not(feature = "mock"))]
    #[command(hide = true, disable_help_flag = true)]
    Mock {
        /// Whatever was given, so that the message below is shown rather than a flag error.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
    /// Not in this build of po-hpp (built without the `mock` feature).
    ///
    /// Reinstall with the default features to get the probe (it replays into the sandbox).
    #[cfg(not(feature = "mock"))]
    #[command(hide = true, disable_help_flag = true)]
    Probe {
        /// Whatever was given, so that the message below is shown rather than a flag error.
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

/// `po-hpp link ...`
#[derive(Debug, Subcommand)]
pub enum LinkCommand {
    /// Create a payment link and print its URL.
    ///
    /// The request comes either from flags (one per request field; choose exactly one of
    /// --amount, --amount-major and --customer-enters-amount) or from a JSON body (--body), which
    /// is checked against the API's request model and sent unchanged. Nothing is sent when a
    /// rule is broken.
    #[command(after_help = link_create_help())]
    Create(Box<CreateArgs>),
}

/// `po-hpp notification ...`
#[derive(Debug, Subcommand)]
pub enum NotificationCommand {
    /// Decode a transaction notification and print a summary line:
    /// `<transaction id> <outcome> <merchant_txn_ref>` (`-` where the body is silent).
    ///
    /// The outcome is what the body itself says (`unknown` when it carries only
    /// transaction_details): a notification is unsigned, so confirm it with
    /// `po-hpp get-transaction-status` before fulfilling. Exits with 4 and names the JSON path
    /// when the body is not a usable notification, with 11 when it says declined.
    #[command(after_help = TABLE)]
    Parse {
        /// The notification body (`-` for stdin).
        #[arg(value_name = "FILE")]
        file: PathBuf,
        /// Print the decoded notification as pretty JSON instead of the summary.
        #[arg(long)]
        json: bool,
    },
    /// POST a test notification of a chosen outcome to your webhook, and print its status.
    ///
    /// For testing a shop's webhook locally (as `stripe trigger` does): the body is one of the
    /// library's fixtures (`paymentoptions_hpp::fixtures`). Only this machine's addresses are
    /// accepted unless --allow-remote. Prints `<status> <reason>` (and the start of the answer's
    /// body on stderr); exits with 6 when the webhook answers a non-2xx status, 7 when it cannot
    /// be reached in time, 4 when the flags make no notification (nothing is sent).
    #[command(after_help = SEND)]
    Send(Box<SendArgs>),
}

/// What `notification send --help` shows after the flags.
const SEND: &str = "\
Outcomes:
  bare                transaction_details only, the poorest documented notification (default)
  paid                an approved payment (CAPTURE)
  pre-authorised      an approved PRE_AUTH
  captured            the capture of a pre-auth (partial when --amount is less)
  partially-approved  the documented partial-approval response code
  declined            success false, response code 5 (the body's shape is the sandbox's assumption)
  refunded            an approved REFUND of --amount
  voided              an approved VOID (no amount)
  refund-refused      ERR3019, insufficient refund balance (the sandbox's assumption)

Example:
  po-hpp notification send --url http://127.0.0.1:3000/webhooks/paymentoptions \\
    --outcome paid --transaction-id fc565b43-26f5-4906-92ae-d849edc3c3a1 \\
    --merchant-txn-ref ORDER-1001 --amount 1000 --currency JPY";

/// Flags of `notification send`.
#[derive(Debug, Args)]
pub struct SendArgs {
    /// The webhook to POST to (http or https; this machine only unless --allow-remote).
    #[arg(long)]
    pub url: String,
    /// What the notification says happened (see below).
    #[arg(long, default_value = "bare")]
    pub outcome: paymentoptions_hpp::fixtures::Scenario,
    /// The transaction id it claims.
    #[arg(long)]
    pub transaction_id: String,
    /// The merchant's reference (`merchant_txn_ref`).
    #[arg(long)]
    pub merchant_txn_ref: Option<String>,
    /// The amount in minor units (an integer: 1000 JPY, 1050 for USD 10.50); needed by every
    /// outcome but bare and voided.
    #[arg(long, requires = "currency")]
    pub amount: Option<String>,
    /// ISO 4217 currency code of --amount, e.g. JPY.
    #[arg(long, requires = "amount")]
    pub currency: Option<String>,
    /// How long to wait for the webhook's answer, in milliseconds.
    #[arg(long, default_value_t = 5000, value_parser = clap::value_parser!(u64).range(1..=120_000))]
    pub timeout_ms: u64,
    /// Send to a host that is not this machine (a test notification to a real shop is a
    /// forgery: only for your own test servers).
    #[arg(long)]
    pub allow_remote: bool,
}

/// Flags of `link create`.
#[derive(Debug, Args)]
pub struct CreateArgs {
    /// A JSON request body in the API's format (`-` for stdin), instead of the field flags.
    ///
    /// Unknown fields and `null` values are refused, so that the body sent is exactly the
    /// file's JSON (PAYMENTOPTIONS_MERCHANT_ID/_EMAIL only fill fields the body lacks).
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["AmountArgs", "currency", "HppLinkRequestArgs"],
    )]
    pub body: Option<PathBuf>,

    /// Print the whole response as pretty JSON instead of the URL.
    #[arg(long)]
    pub json: bool,

    /// Print the request as a curl command (both keys shown as `[redacted]`) and exit without
    /// sending anything.
    #[arg(long)]
    pub dry_run: bool,

    /// How to choose the amount.
    #[command(flatten)]
    pub amount: AmountArgs,

    /// ISO 4217 currency code, e.g. JPY or USD (required with --amount and --amount-major).
    #[arg(long, value_name = "ISO4217", help_heading = "Amount (choose one)")]
    pub currency: Option<String>,

    /// The other request fields, one flag each, generated from the spec.
    #[command(flatten)]
    pub fields: HppLinkRequestArgs,

    /// Where and how to connect.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// The amount choice; at most one of these (the group makes clap refuse two).
#[derive(Debug, Args)]
#[group(multiple = false)]
#[command(next_help_heading = "Amount (choose one)")]
pub struct AmountArgs {
    /// Amount in integer minor units of --currency (1000 JPY is ¥1000, 1050 USD is $10.50).
    #[arg(long, value_name = "MINOR_UNITS")]
    pub amount: Option<String>,

    /// Amount as a decimal in major units of --currency (10.50 USD is sent as 1050).
    #[arg(long, value_name = "DECIMAL")]
    pub amount_major: Option<String>,

    /// The customer types the amount on the hosted page (in --currency, if given).
    #[arg(long)]
    pub customer_enters_amount: bool,
}

/// Where and how to connect; these override the environment variables.
#[derive(Debug, Args)]
#[command(next_help_heading = "Connection")]
pub struct ConnectionArgs {
    /// Send to this base URL (https://, or http:// to a loopback host).
    #[arg(long, value_name = "URL")]
    pub base_url: Option<String>,

    /// Send to this PaymentOptions environment.
    #[arg(
        long,
        value_name = "dev|staging|production",
        value_parser = parse_environment,
        conflicts_with = "base_url",
    )]
    pub environment: Option<Environment>,

    /// Give up after this many seconds (connecting, sending and reading; default 30).
    #[arg(long, value_name = "SECONDS", value_parser = parse_timeout)]
    pub timeout: Option<Duration>,
}

/// Flags of `mock`.
#[cfg(feature = "mock")]
#[derive(Debug, Args)]
pub struct MockArgs {
    /// Port to listen on (0: any free port; the URL printed says which).
    #[arg(long, value_name = "PORT", default_value_t = 0)]
    pub port: u16,

    /// Print the first line of stdout as JSON (`{"base_url": "..."}`) instead of the bare URL.
    #[arg(long)]
    pub json: bool,

    /// IP address to listen on. Anything but a loopback address (e.g. 0.0.0.0) opens the
    /// sandbox, which has no real security, to the network.
    #[arg(long, value_name = "IP", default_value_t = IpAddr::V4(Ipv4Addr::LOCALHOST), value_parser = parse_host)]
    pub host: IpAddr,

    /// Accept only this API key, in both headers; repeat it to accept several (default: any
    /// non-empty key). Other keys get HTTP 401.
    #[arg(long = "api-key", value_name = "KEY", value_parser = parse_key)]
    pub api_keys: Vec<String>,

    /// Links kept at most; the oldest are forgotten first.
    #[arg(long, value_name = "N", default_value_t = MockConfig::default().max_links, value_parser = at_least_one)]
    pub max_links: usize,

    /// Largest link request body accepted, in bytes; larger ones get HTTP 413.
    #[arg(long, value_name = "BYTES", default_value_t = MockConfig::default().max_body_bytes, value_parser = at_least_one)]
    pub max_body_bytes: usize,

    /// Attempts to deliver each notification (the first included) before it is marked failed.
    #[arg(
        long,
        value_name = "N",
        default_value_t = DeliveryPolicy::default().max_attempts,
        value_parser = clap::value_parser!(u32).range(1..),
    )]
    pub delivery_attempts: u32,

    /// Base URL of the hosted page links, when browsers reach the sandbox at another address
    /// than --host (e.g. http://192.168.1.20:8080 with --host 0.0.0.0). Default: the address
    /// listened on.
    #[arg(long, value_name = "URL")]
    pub public_url: Option<String>,

    /// Start empty: without the transactions and the stored card the spec's examples name
    /// (by default the sandbox knows them, so every example request in the spec succeeds).
    #[arg(long)]
    pub no_spec_examples: bool,
}

/// Flags of `probe`.
#[cfg(feature = "mock")]
#[derive(Debug, Args)]
pub struct ProbeArgs {
    /// Directory to save the answers in (created; one that already holds a probe is refused).
    #[arg(long, value_name = "DIR")]
    pub out: PathBuf,

    /// An already-paid test transaction to act on (repeat it): a CAPTURE is refunded in part
    /// then beyond what is left, another CAPTURE refunded in full twice, a PRE_AUTH voided.
    #[arg(long = "transaction-id", value_name = "ID")]
    pub transaction_ids: Vec<String>,

    /// Wait up to this many seconds for the printed links to be paid in a browser (polling
    /// each link's id as a transaction id); 0 reads each link once, unpaid.
    #[arg(long, value_name = "SECONDS", default_value_t = 0, value_parser = clap::value_parser!(u64).range(0..=3600))]
    pub wait: u64,

    /// Amount of the links created, in minor units.
    #[arg(long, value_name = "N", default_value_t = 1000, value_parser = clap::value_parser!(i64).range(2..))]
    pub amount: i64,

    /// Currency of the links created (ISO 4217).
    #[arg(long, value_name = "CODE", default_value = "JPY")]
    pub currency: String,

    /// Print the report as JSON instead of text.
    #[arg(long)]
    pub json: bool,

    /// Which server, and the timeout.
    #[command(flatten)]
    pub connection: ConnectionArgs,
}

/// What `probe --help` says after the flags.
#[cfg(feature = "mock")]
const PROBE: &str = "\
What it asks (each answer is saved under --out as one JSON file, with manifest.json):
  unknown-id                   what the status call answers for an id no transaction has
  link-id-as-transaction       whether a link's id reads as a transaction (before and after payment)
  first-status-reads           how many first status reads of a transaction answer 404
  status-after-void            how a PRE_AUTH's status reads after a void
  status-after-partial-refund  how a CAPTURE's status reads after a partial refund
  over-refund-status           which HTTP status carries ERR3019 (refund beyond what is left)
  repeated-full-refund         what a full refund sent a second time answers

The report says, per question, which `po-hpp mock` setting the answers match, or that they
match none. API keys are never saved (replaced by [redacted]), card numbers are masked.
Replay in tests: paymentoptions_hpp_mock::probe::Probe::load(DIR)?.config(MockConfig::default()).

Example (dev, a human pays in a browser):
  export PAYMENTOPTIONS_API_KEY=<test key> PAYMENTOPTIONS_ENVIRONMENT=dev
  po-hpp probe --out probe-answers --wait 600          # prints the links to pay
  po-hpp probe --out probe-2 --transaction-id <CAPTURE> --transaction-id <CAPTURE> \\
    --transaction-id <PRE_AUTH>";

/// `--host`: an IP address (`localhost` is read as 127.0.0.1; `[::1]` as ::1).
#[cfg(feature = "mock")]
fn parse_host(host: &str) -> Result<IpAddr, String> {
    if host.eq_ignore_ascii_case("localhost") {
        return Ok(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    let bare = host
        .strip_prefix('[')
        .and_then(|h| h.strip_suffix(']'))
        .unwrap_or(host);
    bare.parse()
        .map_err(|_| format!("`{host}` is not an IP address (e.g. 127.0.0.1, ::1 or 0.0.0.0)"))
}

/// `--api-key`: not empty (the sandbox trims the headers it reads, so neither is the key).
#[cfg(feature = "mock")]
fn parse_key(key: &str) -> Result<String, String> {
    match key.trim() {
        "" => Err("an API key cannot be empty".into()),
        key => Ok(key.to_string()),
    }
}

#[cfg(feature = "mock")]
fn at_least_one(n: &str) -> Result<usize, String> {
    n.parse::<usize>()
        .ok()
        .filter(|n| *n >= 1)
        .ok_or_else(|| format!("`{n}` is not a whole number of at least 1"))
}

fn parse_environment(name: &str) -> Result<Environment, String> {
    Environment::from_name(name)
        .ok_or_else(|| format!("`{name}` is not one of dev, staging, production"))
}

fn parse_timeout(seconds: &str) -> Result<Duration, String> {
    seconds
        .parse::<f64>()
        .ok()
        .filter(|s| *s > 0.0)
        .and_then(|s| Duration::try_from_secs_f64(s).ok())
        .ok_or_else(|| format!("`{seconds}` is not a positive number of seconds"))
}

/// The `link create` epilogue: environment variables, then the exit codes.
fn link_create_help() -> String {
    format!("{ENVIRONMENT}\n\n{TABLE}")
}

/// The `probe` epilogue: the questions, environment variables, then the exit codes.
#[cfg(feature = "mock")]
fn probe_help() -> String {
    format!("{PROBE}\n\n{ENVIRONMENT}\n\n{TABLE}")
}

/// The `mock` epilogue: the test cards, the control API, then the exit codes.
#[cfg(feature = "mock")]
fn mock_help() -> String {
    format!("{MOCK}\n\n{TABLE}")
}
