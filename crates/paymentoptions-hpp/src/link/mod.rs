//! Building a link request and reading the created link.

mod request;
mod response;

pub use request::{AddressBuilder, Amount, LinkRequest, LinkRequestBuilder};
pub use response::Link;
