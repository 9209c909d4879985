//! HTTPS on 127.0.0.1: a certificate authority made at test time ([`TestPki`]) and a TLS front
//! ([`TlsServer`]) that terminates TLS with a server certificate it issued and passes the
//! plain HTTP on to a [`TestServer`](crate::TestServer), which records and answers as usual.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")] async fn main() {
//! use paymentoptions_hpp_testkit::{TestPki, TestServer, TlsServer};
//!
//! let pki = TestPki::generate();
//! let backend = TestServer::start().await;
//! let https = TlsServer::start(&pki, &backend).await;
//! assert!(https.base_url().starts_with("https://127.0.0.1:"));
//! // ... trust pki.ca_pem() in the client, point it at https.base_url() ...
//! assert_eq!(https.handshakes(), 0);
//! # }
//! ```

use std::net::SocketAddr;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use tokio::net::{TcpListener, TcpStream};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls;
use tokio_rustls::rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The names the server certificate is valid for.
const SERVER_NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// A certificate authority and one server certificate it signed (for `localhost`, `127.0.0.1`
/// and `::1`), all made when the test runs; nothing is written to disk.
///
/// The CA is not self-signing the server: a client that does not trust the CA fails with an
/// unknown issuer, as with a private root or a TLS-inspecting proxy.
pub struct TestPki {
    ca_pem: String,
    server_chain: Vec<CertificateDer<'static>>,
    server_key: Vec<u8>,
}

impl TestPki {
    /// A new CA (ECDSA P-256) and server certificate.
    pub fn generate() -> Self {
        let ca_key = rcgen::KeyPair::generate().expect("a CA key");
        let mut ca_params = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        // A name of its own: a client trusting another test CA then finds no issuer by name
        // (unknown issuer), rather than a namesake whose signature does not match.
        static SERIAL: AtomicUsize = AtomicUsize::new(0);
        let name = format!(
            "paymentoptions-hpp-testkit CA {} {}",
            std::process::id(),
            SERIAL.fetch_add(1, Ordering::SeqCst)
        );
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, name);
        ca_params.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
        ];
        let ca_cert = ca_params.self_signed(&ca_key).expect("the CA certificate");
        let issuer = rcgen::Issuer::new(ca_params, ca_key);

        let server_key = rcgen::KeyPair::generate().expect("a server key");
        let mut server_params =
            rcgen::CertificateParams::new(SERVER_NAMES.map(String::from).to_vec()).unwrap();
        server_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, "localhost");
        server_params.extended_key_usages = vec![rcgen::ExtendedKeyUsagePurpose::ServerAuth];
        let server_cert = server_params
            .signed_by(&server_key, &issuer)
            .expect("the server certificate");
        Self {
            ca_pem: ca_cert.pem(),
            server_chain: vec![server_cert.der().clone()],
            server_key: server_key.serialize_der(),
        }
    }

    /// The CA's certificate, PEM: what a client must trust to accept the server.
    pub fn ca_pem(&self) -> &str {
        &self.ca_pem
    }

    fn server_config(&self) -> rustls::ServerConfig {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut config = rustls::ServerConfig::builder_with_provider(provider)
            .with_safe_default_protocol_versions()
            .expect("TLS versions")
            .with_no_client_auth()
            .with_single_cert(
                self.server_chain.clone(),
                PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.server_key.clone())),
            )
            .expect("the server certificate and key match");
        // The backend tells HTTP/2 from HTTP/1.1 by the first bytes, so both can be offered.
        config.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
        config
    }
}

/// A TLS server on an ephemeral port of 127.0.0.1 in front of a [`TestServer`]: every
/// connection whose handshake completes is relayed, decrypted, to the backend. It runs until
/// dropped.
///
/// [`TestServer`]: crate::TestServer
pub struct TlsServer {
    addr: SocketAddr,
    accepted: Arc<AtomicUsize>,
    handshakes: Arc<AtomicUsize>,
    task: tokio::task::JoinHandle<()>,
}

impl TlsServer {
    /// Starts in front of `backend`, with `pki`'s server certificate.
    pub async fn start(pki: &TestPki, backend: &crate::TestServer) -> Self {
        Self::start_for(pki, backend.addr()).await
    }

    /// Starts in front of any plain-HTTP server at `backend` (e.g. a [`RawServer`]).
    ///
    /// [`RawServer`]: crate::RawServer
    pub async fn start_for(pki: &TestPki, backend: SocketAddr) -> Self {
        let acceptor = TlsAcceptor::from(Arc::new(pki.server_config()));
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let accepted = Arc::new(AtomicUsize::new(0));
        let handshakes = Arc::new(AtomicUsize::new(0));
        let (accepted_count, handshake_count) = (accepted.clone(), handshakes.clone());
        let task = tokio::spawn(async move {
            // Owned here, so that aborting this task ends every relay.
            let mut relays = tokio::task::JoinSet::new();
            loop {
                let Ok((tcp, _)) = listener.accept().await else {
                    continue;
                };
                accepted_count.fetch_add(1, Ordering::SeqCst);
                while relays.try_join_next().is_some() {}
                let acceptor = acceptor.clone();
                let handshake_count = handshake_count.clone();
                relays.spawn(async move {
                    let Ok(mut tls) = acceptor.accept(tcp).await else {
                        return; // the client refused the certificate, or spoke no TLS
                    };
                    handshake_count.fetch_add(1, Ordering::SeqCst);
                    let Ok(mut plain) = TcpStream::connect(backend).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
                });
            }
        });
        Self {
            addr,
            accepted,
            handshakes,
            task,
        }
    }

    /// `https://127.0.0.1:<port>`.
    pub fn base_url(&self) -> String {
        format!("https://{}", self.addr)
    }

    /// The socket address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// TCP connections accepted so far, whether or not their handshake completed.
    pub fn accepted(&self) -> usize {
        self.accepted.load(Ordering::SeqCst)
    }

    /// TLS handshakes completed so far (the client accepted the certificate).
    pub fn handshakes(&self) -> usize {
        self.handshakes.load(Ordering::SeqCst)
    }
}

impl Drop for TlsServer {
    fn drop(&mut self) {
        self.task.abort();
    }
}
