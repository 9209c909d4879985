//! `po-hpp`: create PaymentOptions Hosted Payment Page links, check transaction notifications,
//! and run a local sandbox of the API from the command line. See the crate README for examples
//! and exit codes.

mod amount;
mod args;
mod client;
mod dry_run;
mod exit;
// Formatted by prettyplease when generated; rustfmt must not touch it (see the client crate).
#[rustfmt::skip]
#[allow(clippy::all, clippy::pedantic)]
mod generated;
mod link;
#[cfg(feature = "mock")]
mod mock;
mod notification;
mod output;
#[cfg(feature = "mock")]
mod probe;
mod stdio;

use std::process::ExitCode;

use crate::args::{Command, LinkCommand, NotificationCommand};
use crate::exit::Code;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    stdio::check_stdout();
    #[cfg_attr(not(feature = "mock"), allow(unused_variables))]
    let (cli, mock_flags) = match parse() {
        Ok(parsed) => parsed,
        Err(e) => {
            // `--help` and `--version` arrive here too, as "errors" printed to stdout.
            let _ = e.print();
            return if e.use_stderr() {
                Code::Usage
            } else {
                Code::Ok
            }
            .into();
        }
    };
    let result = match cli.command {
        Command::Link(LinkCommand::Create(args)) => link::create(*args).await,
        Command::Notification(NotificationCommand::Parse { file, json }) => {
            notification::parse(&file, json)
        }
        Command::Notification(NotificationCommand::Send(args)) => notification::send(*args).await,
        #[cfg(feature = "mock")]
        Command::Mock(args) => mock::run(args, mock_flags).await,
        Command::Operation(op) => operation(op).await,
        #[cfg(feature = "mock")]
        Command::Probe(args) => probe::run(*args).await,
        #[cfg(not(feature = "mock"))]
        Command::Mock { .. } => Err(exit::Failure::NotBuilt("mock")),
        #[cfg(not(feature = "mock"))]
        Command::Probe { .. } => Err(exit::Failure::NotBuilt("probe")),
    };
    match result {
        Ok(()) => Code::Ok.into(),
        Err(failure) => exit::report(&failure, &api_keys()),
    }
}

/// The command line, and with the sandbox built in, the flags `mock` takes for what
/// PaymentOptions does not document (see [`mock::parse`]).
#[cfg(feature = "mock")]
use mock::parse;

/// The command line (without the sandbox, `mock` takes no flags of its own).
#[cfg(not(feature = "mock"))]
fn parse() -> Result<(args::Cli, ()), clap::Error> {
    use clap::Parser;
    args::Cli::try_parse().map(|cli| (cli, ()))
}

/// A generated operation: sends it and prints the response (a summary, or `--json`).
async fn operation(op: generated::Operation) -> Result<(), exit::Failure> {
    let json = op.json();
    let client = client::build(op.connection())?;
    op.run(&client).await?.print(json)
}

/// The API keys in the environment, to keep them out of error messages.
fn api_keys() -> Vec<String> {
    use paymentoptions_hpp::config::env;
    [env::API_KEY, env::X_API_KEY]
        .into_iter()
        .filter_map(|name| std::env::var(name).ok())
        .map(|key| key.trim().to_string())
        .collect()
}
