//! The router: the API's operations (one route per operation of the spec's table,
//! `paymentoptions_hpp_client::api::OPERATIONS`, each with the sandbox's handler of its
//! `operationId`), the hosted page, the control API, and JSON 404/405 everywhere else.
//! Requests reach it through the [`front`](crate::front) door (guard, body reader, concurrency
//! limit).
//!
//! It is built once per process, without a sandbox (`Router<Arc<Shared>>`): each sandbox gives
//! it its [`Shared`] state with `with_state`, which costs far less than building it did.

use std::fmt;
use std::sync::{Arc, LazyLock};

use axum::Router;
use axum::http::Method;
use axum::routing::{MethodFilter, MethodRouter, get, on};
use paymentoptions_hpp_client::api::{self as spec_api, Operation};

use crate::state::Shared;
use crate::{control, errors, link, operations, page};

/// How the sandbox answers one operation, given the method the spec names for it.
type Route = fn(MethodFilter) -> MethodRouter<Arc<Shared>>;

/// The sandbox's handler of each `operationId` of the spec.
const HANDLERS: &[(&str, Route)] = &[
    (spec_api::GENERATE_HPP_LINK.id, |m| on(m, link::create)),
    (spec_api::GET_TRANSACTION_STATUS.id, |m| {
        on(m, operations::status)
    }),
    (spec_api::CAPTURE_TRANSACTION.id, |m| {
        on(m, operations::capture)
    }),
    (spec_api::REFUND_TRANSACTION.id, |m| {
        on(m, operations::refund)
    }),
    (spec_api::VOID_TRANSACTION.id, |m| on(m, operations::void)),
    (spec_api::PAY_WITH_STORED_CARD.id, |m| {
        on(m, operations::pay_with_stored_card)
    }),
];

/// Why the API's routes could not be built from the spec's operations.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum RoutesError {
    /// An operation of the spec the sandbox has no handler for.
    Unhandled(&'static str),
    /// A handler for an `operationId` the spec does not have.
    NotInSpec(&'static str),
    /// An operation whose method axum cannot route.
    Method(&'static str, &'static str),
}

impl fmt::Display for RoutesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Unhandled(id) => write!(f, "the spec's operation {id:?} has no sandbox handler"),
            Self::NotInSpec(id) => write!(
                f,
                "the sandbox handles {id:?}, not an operation of the spec"
            ),
            Self::Method(id, method) => {
                write!(f, "operation {id:?}: method {method} cannot be routed")
            }
        }
    }
}

/// The router shared by every sandbox of the process.
pub(crate) fn router() -> Router<Arc<Shared>> {
    static ROUTER: LazyLock<Router<Arc<Shared>>> =
        LazyLock::new(|| build().unwrap_or_else(|e| panic!("{e}")));
    ROUTER.clone()
}

fn build() -> Result<Router<Arc<Shared>>, RoutesError> {
    Ok(api_routes(spec_api::OPERATIONS, HANDLERS)?
        .route(
            "/HostedPaymentPage/{token}",
            get(page::show)
                .post(page::submit)
                .layer(axum::middleware::map_response(page::security_headers)),
        )
        .nest("/__mock", control::router())
        .fallback(errors::not_found)
        // After every route: it applies to the routes there are.
        .method_not_allowed_fallback(errors::wrong_method))
}

/// A route per operation of `operations`, answered by its handler in `handlers`; every other
/// method on its path answers 405 naming the one it accepts.
fn api_routes(
    operations: &'static [Operation],
    handlers: &[(&'static str, Route)],
) -> Result<Router<Arc<Shared>>, RoutesError> {
    if let Some((id, _)) = handlers
        .iter()
        .find(|(id, _)| !operations.iter().any(|o| o.id == *id))
    {
        return Err(RoutesError::NotInSpec(id));
    }
    let mut router = Router::new();
    for operation in operations {
        let route = handlers
            .iter()
            .find(|(id, _)| *id == operation.id)
            .map(|(_, route)| route)
            .ok_or(RoutesError::Unhandled(operation.id))?;
        let method = Method::from_bytes(operation.method.as_bytes())
            .ok()
            .and_then(|m| MethodFilter::try_from(m.clone()).ok().map(|f| (m, f)));
        let Some((method, filter)) = method else {
            return Err(RoutesError::Method(operation.id, operation.method));
        };
        let refuse = move || async move { errors::method_not_allowed(&method) };
        router = router.route(operation.path, route(filter).fallback(refuse));
    }
    Ok(router)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_operation_of_the_spec_has_a_handler() {
        if let Err(e) = api_routes(spec_api::OPERATIONS, HANDLERS) {
            panic!("{e}");
        }
    }

    #[test]
    fn an_operation_without_a_handler_is_named() {
        let missing = spec_api::REFUND_TRANSACTION.id;
        let handlers: Vec<_> = HANDLERS
            .iter()
            .copied()
            .filter(|(id, _)| *id != missing)
            .collect();
        let refused = api_routes(spec_api::OPERATIONS, &handlers).unwrap_err();
        assert_eq!(refused, RoutesError::Unhandled(missing));
        assert!(
            refused.to_string().contains("refund_transaction"),
            "{refused}"
        );
        let fewer = &spec_api::OPERATIONS[..1];
        let extra = HANDLERS
            .iter()
            .find(|(id, _)| *id != fewer[0].id)
            .unwrap()
            .0;
        assert_eq!(
            api_routes(fewer, HANDLERS).unwrap_err(),
            RoutesError::NotInSpec(extra)
        );
    }
}
