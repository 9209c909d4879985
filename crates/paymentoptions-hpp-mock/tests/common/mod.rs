//! Shared by the sandbox's integration tests (each `tests/*.rs` file is its own crate).

/// The sandbox's create endpoint.
pub const PATH: &str = "/api/v1/server-to-server-interface/hpp/generate/link";

/// A plain reqwest client for talking to the sandbox as a raw HTTP peer: no proxy from the
/// environment (the sandbox is on loopback), and redirects returned rather than followed, so
/// tests see exactly what the sandbox answered.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .no_proxy()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}
