//! Reading the created link.

use paymentoptions_hpp_client::types as models;
use uuid::Uuid;

use crate::error::DecodeError;
use crate::json::json_path;
use crate::money::{Currency, Money};

/// A created payment link: where to send the customer, and what PaymentOptions echoed back.
///
/// Two links are equal when what they say is equal: the bytes they were read from are not
/// compared (two bodies may say the same in another order or spacing).
#[derive(Clone)]
pub struct Link {
    id: Uuid,
    url: url::Url,
    response: models::HppLinkResponse,
    raw: Vec<u8>,
}

impl PartialEq for Link {
    fn eq(&self, other: &Self) -> bool {
        (self.id, &self.url, &self.response) == (other.id, &other.url, &other.response)
    }
}

impl std::fmt::Debug for Link {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Link")
            .field("id", &self.id)
            .field("url", &self.url)
            .field("response", &self.response)
            .finish_non_exhaustive()
    }
}

impl Link {
    /// Decodes a link-creation response body, e.g. one a proxy or a log kept.
    ///
    /// The body is read exactly as [`Client::create_link`](crate::Client::create_link) reads a
    /// 2xx response: it must be one JSON object (nothing but whitespace after it) with a UUID
    /// `id` and an absolute `url`; every echoed field may be absent and unknown fields are
    /// ignored. A body that does not decode gives a [`DecodeError`] naming the JSON path that
    /// failed; its [`status`](DecodeError::status) is 200, the status of a created link.
    ///
    /// ```
    /// use paymentoptions_hpp::Link;
    ///
    /// let body = br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e",
    ///     "url": "https://checkout-dev.paymentoptions.com/jp/HostedPaymentPage/hKJsdByR",
    ///     "amount": 1000, "currency": "JPY"}"#;
    /// let link = Link::from_json(body)?;
    /// assert_eq!(link.url().host_str(), Some("checkout-dev.paymentoptions.com"));
    /// assert_eq!(link.response().amount, Some(1000));
    ///
    /// let err = Link::from_json(br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": 7}"#)
    ///     .unwrap_err();
    /// assert_eq!(err.path(), "url");
    /// assert_eq!(err.status(), 200);
    ///
    /// // Only a web page is a hosted payment page.
    /// let err = Link::from_json(
    ///     br#"{"id": "f49173ce-4916-445c-a831-3c1468acf14e", "url": "javascript:alert(1)"}"#,
    /// )
    /// .unwrap_err();
    /// assert_eq!(err.path(), "url");
    /// # Ok::<(), paymentoptions_hpp::DecodeError>(())
    /// ```
    pub fn from_json(body: &[u8]) -> Result<Self, DecodeError> {
        const STATUS: u16 = 200;
        // serde reads a struct from a JSON array too (fields by position); only an object is a link.
        if body.trim_ascii_start().first() == Some(&b'[') {
            return Err(DecodeError::new(
                STATUS,
                ".",
                "expected a JSON object, found an array",
                body,
            ));
        }
        // The common case, a good body, decodes without tracking paths (half the cost, see
        // BENCHMARKS.md); only a failure is decoded again to say where it broke. Both read the
        // same bodies: `from_slice` also refuses trailing bytes.
        if let Ok(response) = serde_json::from_slice::<models::HppLinkResponse>(body) {
            return Self::from_response(response, body)
                .map_err(|message| DecodeError::new(STATUS, "url", message, body));
        }
        let mut de = serde_json::Deserializer::from_slice(body);
        let response: models::HppLinkResponse =
            serde_path_to_error::deserialize(&mut de).map_err(|e| {
                let path = json_path(e.path());
                DecodeError::new(STATUS, path, e.into_inner().to_string(), body)
            })?;
        // Trailing bytes after the JSON value mean a broken body too.
        de.end()
            .map_err(|e| DecodeError::new(STATUS, ".", e.to_string(), body))?;
        Self::from_response(response, body)
            .map_err(|message| DecodeError::new(STATUS, "url", message, body))
    }

    fn from_response(response: models::HppLinkResponse, raw: &[u8]) -> Result<Self, String> {
        let url = url::Url::parse(&response.url)
            .map_err(|e| format!("`url` is not an absolute URL ({e})"))?;
        // The customer's browser is sent here: a `javascript:` or `data:` address from a
        // compromised or confused server must never reach a redirect.
        if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
            return Err(format!(
                "`url` is not a web address (scheme `{}`): only http(s) pages are followed",
                url.scheme()
            ));
        }
        Ok(Self {
            id: response.id,
            url,
            response,
            raw: raw.to_vec(),
        })
    }

    /// The response body as received (the client has already redacted any echo of its keys).
    pub fn raw(&self) -> &[u8] {
        &self.raw
    }

    /// The link's id.
    pub fn id(&self) -> Uuid {
        self.id
    }

    /// The hosted payment page: redirect the customer's browser here.
    pub fn url(&self) -> &url::Url {
        &self.url
    }

    /// The echoed amount and currency, when both are present and the currency is known.
    pub fn amount(&self) -> Option<Money> {
        let currency = Currency::from_code(self.response.currency.as_deref()?)?;
        Money::from_minor(self.response.amount?, currency).ok()
    }

    /// The echoed `merchant_txn_ref`.
    pub fn merchant_txn_ref(&self) -> Option<&str> {
        self.response.merchant_txn_ref.as_deref()
    }

    /// Every echoed field, as the generated response model.
    pub fn response(&self) -> &models::HppLinkResponse {
        &self.response
    }
}
