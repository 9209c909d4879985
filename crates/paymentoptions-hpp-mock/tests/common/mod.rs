//! Shared by the sandbox's integration tests (each `tests/*.rs` file is its own crate).

/// The sandbox's create endpoint, from the spec.
#[allow(dead_code)] // not every test file creates links
pub const PATH: &str = paymentoptions_hpp_client::api::GENERATE_HPP_LINK.path;

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
