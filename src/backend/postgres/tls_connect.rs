//! The rustls connector for a PostgreSQL connection, verifying the server as its `sslmode`
//! asks: not at all (`prefer`, `require`), its chain (`verify-ca`), or its chain and name
//! (`verify-full`), as libpq does.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{CryptoProvider, verify_tls12_signature, verify_tls13_signature};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer, ServerName, UnixTime};
use rustls::{
    CertificateError, ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme,
};
use tokio_postgres_rustls::MakeRustlsConnect;

use super::tls::{ClientCert, RootCerts, SslMode, TlsSettings};

/// The connector `settings` ask for; `None` for `sslmode=disable`.
pub(crate) fn make_connector(settings: &TlsSettings) -> Result<Option<MakeRustlsConnect>, String> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let roots = settings.roots(home.clone());
    let verifier: Arc<dyn ServerCertVerifier> = match (settings.mode, roots) {
        (SslMode::Disable, _) => return Ok(None),
        (SslMode::Prefer, _) | (SslMode::Require, None) => Arc::new(NoVerification {
            provider: provider.clone(),
        }),
        // libpq: "if a root CA file exists, sslmode=require behaves as verify-ca".
        (SslMode::Require | SslMode::VerifyCa, Some(roots)) => Arc::new(ChainOnly {
            inner: webpki(&roots, &provider)?,
        }),
        (SslMode::VerifyFull, Some(roots)) => webpki(&roots, &provider)?,
        (SslMode::VerifyCa | SslMode::VerifyFull, None) => {
            return Err(
                "sslmode verify-ca and verify-full need the server's root certificate: give \
                 sslrootcert=PATH (a PEM file) or sslrootcert=system, or put it in \
                 ~/.postgresql/root.crt"
                    .into(),
            );
        }
    };
    let builder = ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|error| error.to_string())?
        .dangerous()
        .with_custom_certificate_verifier(verifier);
    let config = match settings.client_identity(home)? {
        None => builder.with_no_client_auth(),
        Some(identity) => {
            let (chain, key) = client_identity(&identity)?;
            builder.with_client_auth_cert(chain, key).map_err(|error| {
                format!("client certificate {}: {error}", identity.cert.display())
            })?
        }
    };
    Ok(Some(MakeRustlsConnect::new(config)))
}

/// The standard verifier: a chain to one of `roots`, for the name connected to.
fn webpki(
    roots: &RootCerts,
    provider: &Arc<CryptoProvider>,
) -> Result<Arc<WebPkiServerVerifier>, String> {
    let store = match roots {
        RootCerts::File(file) => file_roots(file)?,
        RootCerts::System => system_roots()?,
    };
    WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider.clone())
        .build()
        .map_err(|error| format!("root certificates: {error}"))
}

fn file_roots(file: &Path) -> Result<RootCertStore, String> {
    let unreadable = |error: String| format!("root certificate file {}: {error}", file.display());
    let mut store = RootCertStore::empty();
    let certificates =
        CertificateDer::pem_file_iter(file).map_err(|e| unreadable(e.to_string()))?;
    for certificate in certificates {
        let certificate = certificate.map_err(|e| unreadable(e.to_string()))?;
        store
            .add(certificate)
            .map_err(|e| unreadable(e.to_string()))?;
    }
    if store.is_empty() {
        return Err(unreadable("holds no PEM certificate".into()));
    }
    Ok(store)
}

/// The certificate chain and private key of a client certificate, read from their files.
fn client_identity(
    identity: &ClientCert,
) -> Result<(Vec<CertificateDer<'static>>, PrivateKeyDer<'static>), String> {
    let unreadable = |file: &Path, error: String| format!("{}: {error}", file.display());
    let chain = CertificateDer::pem_file_iter(&identity.cert)
        .and_then(Iterator::collect::<Result<Vec<_>, _>>)
        .map_err(|e| unreadable(&identity.cert, e.to_string()))?;
    if chain.is_empty() {
        return Err(unreadable(
            &identity.cert,
            "holds no PEM certificate".into(),
        ));
    }
    let key = PrivateKeyDer::from_pem_file(&identity.key)
        .map_err(|e| unreadable(&identity.key, format!("no PEM private key ({e})")))?;
    Ok((chain, key))
}

/// The operating system's trusted roots; certificates it cannot parse are skipped, as
/// other clients skip them.
fn system_roots() -> Result<RootCertStore, String> {
    let found = rustls_native_certs::load_native_certs();
    let mut store = RootCertStore::empty();
    store.add_parsable_certificates(found.certs);
    if store.is_empty() {
        let errors: Vec<String> = found.errors.iter().map(ToString::to_string).collect();
        return Err(format!(
            "sslrootcert=system: no trusted root certificates found on this system ({})",
            errors.join("; ")
        ));
    }
    Ok(store)
}

/// `verify-ca`: the chain must reach a trusted root; the name in the certificate is not
/// checked (the standard verifier checks it last, after the chain).
#[derive(Debug)]
struct ChainOnly {
    inner: Arc<WebPkiServerVerifier>,
}

impl ServerCertVerifier for ChainOnly {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let verified = self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        );
        match verified {
            Err(rustls::Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// `prefer` and `require`: encryption without knowing who is at the other end, as libpq
/// does in these modes. The handshake's signatures are still checked against the
/// certificate presented.
#[derive(Debug)]
struct NoVerification {
    provider: Arc<CryptoProvider>,
}

impl ServerCertVerifier for NoVerification {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls12_signature(message, cert, dss, algorithms)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        let algorithms = &self.provider.signature_verification_algorithms;
        verify_tls13_signature(message, cert, dss, algorithms)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}
