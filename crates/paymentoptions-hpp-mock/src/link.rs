//! The link-creation operation (`generate_hpp_link`): a link with a fresh id and hosted page
//! URL, answered like the real API (the request's fields echoed).

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use paymentoptions_hpp_client::api as spec_api;
use paymentoptions_hpp_client::types;

use crate::admission::{Received, answered, json_body};
use crate::echo::{LinkResponse, echoed_fields};
use crate::ids::{link_id, token};
use crate::state::Shared;
use crate::store::{LinkRecord, LinkState};

/// `generate_hpp_link`: `POST /api/v1/server-to-server-interface/hpp/generate/link`.
pub(crate) async fn create(State(shared): State<Arc<Shared>>, request: Request) -> Response {
    let operation = spec_api::GENERATE_HPP_LINK.id;
    let Received {
        json: request,
        bytes,
        ..
    } = match json_body::<types::HppLinkRequest>(&shared, request, operation).await {
        Ok(received) => received,
        Err(answer) => return answer,
    };

    let id = link_id();
    let token = token();
    let url = format!("{}/HostedPaymentPage/{token}", shared.public_url);
    // Echo what the real API echoes: every request field the response schema knows.
    let response = LinkResponse {
        id,
        url: &url,
        request: &request,
        fields: echoed_fields(),
    }
    .to_vec(bytes.len() + url.len() + 64);
    let link = LinkRecord {
        id,
        url,
        token,
        state: LinkState::Open,
        created_at: chrono::Utc::now(),
        // A copy: the received `Bytes` can be a view of hyper's read buffer, which it would pin.
        body: std::sync::Arc::from(&bytes[..]),
        transaction: None,
        transactions: Vec::new(),
    };
    shared.store.lock().expect("store lock").insert_link(link);
    tracing::debug!(link = %id, "link created");
    let answer = (
        StatusCode::OK,
        [(
            header::CONTENT_TYPE,
            header::HeaderValue::from_static("application/json"),
        )],
        response,
    )
        .into_response();
    answered(&shared, operation, answer).await
}
