//! Reading a 2xx body: into a `Link`, or into a generated model with the JSON path that failed.

use crate::error::{DecodeError, Error};
use crate::link::Link;

/// Decodes a 2xx link-creation body with [`Link::from_json`], keeping the response's status.
pub(super) fn decode_link(status: u16, body: &[u8]) -> Result<Link, Error> {
    Link::from_json(body).map_err(|mut e| {
        e.status = status;
        Error::Decode(Box::new(e))
    })
}

/// Decodes a 2xx body into a generated model, naming the JSON path that failed.
#[allow(dead_code)] // see `Client::call`
pub(super) fn decode<T: serde::de::DeserializeOwned>(status: u16, body: &[u8]) -> Result<T, Error> {
    // A good body decodes without path tracking; only a failure is decoded again to say where.
    if let Ok(value) = serde_json::from_slice(body) {
        return Ok(value);
    }
    let fail = |path: String, message: String| {
        Error::Decode(Box::new(DecodeError::new(status, path, message, body)))
    };
    let mut de = serde_json::Deserializer::from_slice(body);
    let value = serde_path_to_error::deserialize(&mut de)
        .map_err(|e| fail(crate::json::json_path(e.path()), e.into_inner().to_string()))?;
    de.end().map_err(|e| fail(".".into(), e.to_string()))?;
    Ok(value)
}
