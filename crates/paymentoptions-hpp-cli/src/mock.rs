//! `po-hpp mock`: the local sandbox (`paymentoptions-hpp-mock`) until Ctrl-C.

use std::io::{self, Write};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use clap::{Args, CommandFactory, FromArgMatches};
use paymentoptions_hpp_client::api::GENERATE_HPP_LINK;
use paymentoptions_hpp_mock::{
    DeliveryPolicy, MockConfig, MockServer, OverRefundStatus, StatusAfterChange,
};

use crate::args::{Cli, MockArgs};
use crate::exit::Failure;
use crate::stdio;

/// Flags of `mock` for what PaymentOptions does not document: the sandbox offers each
/// plausible behaviour, so that a client's tests can cover them all; the defaults are the
/// sandbox's earlier behaviour. (Whether a notification answered with a 5xx is re-sent is
/// `--delivery-attempts`: 1 never re-sends it.)
#[derive(Clone, Debug, Args)]
pub struct UndocumentedArgs {
    /// How a transaction's status reads after a capture, refund or void acted on it (not
    /// documented by PaymentOptions): `unchanged` (a voided pre-auth still reads as an approved
    /// PRE_AUTH), or `latest-operation` (its transaction_type and gateway_response become the
    /// operation's: VOID with INFO0003, REFUND with INFO0002, CAPTURE with INFO0001).
    #[arg(
        long,
        value_name = "CHOICE",
        default_value = StatusAfterChange::default().as_str(),
    )]
    pub status_after_change: StatusAfterChange,

    /// HTTP status of the refusal of a refund larger than what is left, ERR3019 (not
    /// documented by PaymentOptions): a 4xx (with the envelope and an error body's code and
    /// message), or a 2xx such as 201 (the envelope alone, success false).
    #[arg(long, value_name = "STATUS", default_value_t = OverRefundStatus::default())]
    pub over_refund_status: OverRefundStatus,

    /// How many of the first status calls for each new transaction answer 404, as if it did
    /// not exist yet (not documented by PaymentOptions).
    #[arg(long, value_name = "N", default_value_t = MockConfig::default().unseen_status_reads)]
    pub unseen_status_reads: u32,
}

impl Default for UndocumentedArgs {
    /// The sandbox's defaults, as the flags' are.
    fn default() -> Self {
        let config = MockConfig::default();
        Self {
            status_after_change: config.status_after_change,
            over_refund_status: config.over_refund_status,
            unseen_status_reads: config.unseen_status_reads,
        }
    }
}

impl UndocumentedArgs {
    /// `config` with these settings.
    fn apply(self, config: MockConfig) -> MockConfig {
        config
            .with_status_after_change(self.status_after_change)
            .with_over_refund_status(self.over_refund_status)
            .with_unseen_status_reads(self.unseen_status_reads)
    }
}

/// Parses the command line, with [`UndocumentedArgs`] added to `mock` (they are read here,
/// beside the sandbox code they configure): the command, and for `mock`, those flags (their
/// defaults for other commands).
pub fn parse() -> Result<(Cli, UndocumentedArgs), clap::Error> {
    // `augment_args` also sets the subcommand's description from `UndocumentedArgs`' doc
    // comment: put `mock`'s own back, so `po-hpp --help` says what `mock` is.
    let mut command = Cli::command().mut_subcommand("mock", |mock| {
        let (about, long_about) = (mock.get_about().cloned(), mock.get_long_about().cloned());
        let mut mock = UndocumentedArgs::augment_args(mock);
        if let Some(about) = about {
            mock = mock.about(about);
        }
        if let Some(long_about) = long_about {
            mock = mock.long_about(long_about);
        }
        mock
    });
    let matches = command.try_get_matches_from_mut(std::env::args_os())?;
    let cli = Cli::from_arg_matches(&matches).map_err(|e| e.format(&mut command))?;
    let undocumented = matches
        .subcommand_matches("mock")
        .map(UndocumentedArgs::from_arg_matches)
        .transpose()
        .map_err(|e| e.format(&mut command))?
        .unwrap_or_default();
    Ok((cli, undocumented))
}

/// Starts the sandbox, prints its base URL on stdout and how to use it on stderr, and serves
/// until Ctrl-C (or, on Unix, SIGTERM); a second signal stops it without waiting.
pub async fn run(args: MockArgs, undocumented: UndocumentedArgs) -> Result<(), Failure> {
    let MockArgs {
        port,
        host,
        api_keys,
        max_links,
        max_body_bytes,
        delivery_attempts,
        public_url,
        json,
        no_spec_examples,
    } = args;
    let addr = SocketAddr::new(host, port);
    let keys = api_keys.len();
    let config = MockConfig::default()
        .with_addr(addr)
        .with_api_keys(api_keys)
        .with_max_links(max_links)
        .with_max_body_bytes(max_body_bytes)
        .with_delivery(DeliveryPolicy::default().with_max_attempts(delivery_attempts))
        .with_spec_examples(!no_spec_examples);
    let mut config = undocumented.apply(config);
    if let Some(url) = &public_url {
        config = config.with_public_url(url.as_str());
    }
    // Watch for the signals before announcing the URL: a script that stops the sandbox as soon
    // as it has read the URL still gets a graceful shutdown.
    let mut stop = Stop::watch().map_err(Failure::Signal)?;
    let mock = MockServer::start_with(config)
        .await
        .map_err(|source| Failure::Listen { addr, source })?;
    let client_addr = client_addr(mock.addr());
    let base_url = if client_addr == mock.addr() {
        mock.base_url().to_string()
    } else {
        format!("http://{client_addr}")
    };
    if json {
        stdio::print(&serde_json::json!({ "base_url": base_url }).to_string())?;
    } else {
        stdio::print(&base_url)?;
    }
    if !host.is_loopback() {
        warn_exposed(
            &mock,
            &base_url,
            client_addr.ip().is_loopback(),
            public_url.as_deref(),
        );
    }
    describe(&base_url, keys);

    stop.recv().await;
    say("stopping the sandbox (Ctrl-C again to stop at once)");
    tokio::select! {
        () = mock.shutdown() => {}
        () = stop.recv() => {}
    }
    Ok(())
}

/// Where a client on this machine connects. The sandbox names itself after the address it
/// listens on, but an unspecified one (0.0.0.0, ::) is not a destination: loopback replaces it.
fn client_addr(listening: SocketAddr) -> SocketAddr {
    match listening.ip() {
        IpAddr::V4(ip) if ip.is_unspecified() => (Ipv4Addr::LOCALHOST, listening.port()).into(),
        IpAddr::V6(ip) if ip.is_unspecified() => (Ipv6Addr::LOCALHOST, listening.port()).into(),
        _ => listening,
    }
}

/// The warning for a sandbox reachable from other machines.
fn warn_exposed(
    mock: &MockServer,
    base_url: &str,
    loopback_client: bool,
    public_url: Option<&str>,
) {
    say(&format!(
        "warning: listening on {}: the sandbox has no real security (no TLS, any key unless \
         --api-key, anyone who can reach it sees every link and can complete it); \
         do not expose it to networks you do not trust",
        mock.addr()
    ));
    if mock.base_url() != base_url && public_url.is_none() {
        say(&format!(
            "warning: hosted page URLs name {} (the address listened on); from this machine use \
             {base_url}, or give --public-url",
            mock.base_url()
        ));
    }
    if !loopback_client {
        say(
            "warning: po-hpp and the paymentoptions-hpp library refuse plain http:// to a host \
             that is not loopback, so they cannot use this base URL",
        );
    }
}

/// How to use the sandbox, for people (stdout carries only the URL).
fn describe(base_url: &str, keys: usize) {
    let accepted = match keys {
        0 => "any non-empty key".to_string(),
        1 => "only the --api-key given".to_string(),
        n => format!("only the {n} --api-key values given"),
    };
    let key_hint = if keys == 0 {
        "sandbox-key"
    } else {
        "<an --api-key value>"
    };
    say(&format!(
        "PaymentOptions HPP sandbox on {base_url} (Ctrl-C stops it; everything is kept in memory only)
  API:          POST {base_url}{path}
  API keys:     {accepted}, in both headers
  hosted page:  open a link's URL in a browser to pay, be declined or cancel
  test cards:   4242 4242 4242 4242 approved, 4000 0000 0000 0002 declined
                (any future expiry MM/YY, any 3-digit CVC)
  control API:  {base_url}/__mock/ (links, links/{{id}}/complete, deliveries, faults, reset)
  use it:       export PAYMENTOPTIONS_BASE_URL={base_url} PAYMENTOPTIONS_API_KEY={key_hint}",
        path = GENERATE_HPP_LINK.path,
    ));
}

/// One message on stderr. A closed stderr is no reason to stop serving, so errors are ignored.
fn say(message: &str) {
    let mut err = io::stderr().lock();
    let _ = writeln!(err, "{message}").and_then(|()| err.flush());
}

/// The signals that stop the sandbox.
struct Stop {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Stop {
    /// Starts watching (on Unix at once; elsewhere when first awaited).
    fn watch() -> io::Result<Self> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{SignalKind, signal};
            Ok(Self {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        {
            Ok(Self {})
        }
    }

    /// Waits for Ctrl-C (SIGINT) or, on Unix, SIGTERM.
    async fn recv(&mut self) {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => {}
                _ = self.terminate.recv() => {}
            }
        }
        #[cfg(not(unix))]
        {
            if tokio::signal::ctrl_c().await.is_err() {
                // Without a Ctrl-C handler, serve until the process is killed.
                std::future::pending::<()>().await;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clients_reach_an_unspecified_address_through_loopback() {
        let cases = [
            ("0.0.0.0:8080", "127.0.0.1:8080"),
            ("[::]:8080", "[::1]:8080"),
            ("127.0.0.1:8080", "127.0.0.1:8080"),
            ("192.0.2.7:8080", "192.0.2.7:8080"),
        ];
        for (listening, client) in cases {
            let listening: SocketAddr = listening.parse().unwrap();
            assert_eq!(client_addr(listening).to_string(), client, "{listening}");
        }
    }
}
