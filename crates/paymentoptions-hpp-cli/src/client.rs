//! The client a command talks to: the `PAYMENTOPTIONS_*` variables, with the connection flags
//! on top. Built once per run, by the command that needs one (after its own input is checked).

use paymentoptions_hpp::config::env;
use paymentoptions_hpp::{Client, ClientBuilder, Error};

use crate::args::ConnectionArgs;

/// The client, from the `PAYMENTOPTIONS_*` variables with the connection flags on top.
pub fn build(flags: &ConnectionArgs) -> Result<Client, Error> {
    let server_flag = flags.base_url.is_some() || flags.environment.is_some();
    let mut builder = ClientBuilder::from_env_with(|name| {
        // A flag that picks the server replaces both variables that do; hiding them keeps a stale
        // or conflicting value in the shell from failing a command that does not use it.
        if server_flag && (name == env::ENVIRONMENT || name == env::BASE_URL) {
            return None;
        }
        std::env::var(name).ok()
    });
    if let Some(url) = &flags.base_url {
        builder = builder.base_url(url);
    }
    if let Some(environment) = &flags.environment {
        builder = builder.environment(environment.clone());
    }
    if let Some(timeout) = flags.timeout {
        builder = builder.timeout(timeout);
    }
    builder.build()
}
