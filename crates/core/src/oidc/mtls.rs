//! Mutual-TLS client authentication and certificate-bound access tokens (RFC 8705): the
//! certificate and private key come from files the user names (the profile keeps the paths,
//! never the key); they are read, checked (the key matches the certificate, the certificate is
//! in its validity period) and handed to an HTTP client that presents them in the TLS handshake.
//! The provider's `mtls_endpoint_aliases` (§5) are used for the requests made with it.

use crate::error::{Error, Result};
use crate::http::{HttpClient, HttpError, HttpFuture, HttpLimits, HttpRequest, ReqwestClient};
use base64::Engine as _;
use chrono::{DateTime, TimeZone, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::Path;

/// Largest certificate, key or CA file read (256 KiB: a chain of a few certificates).
const MAX_FILE: u64 = 256 * 1024;

/// The files of a profile's client certificate (paths only: the key stays in its file).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientCertificate {
    /// The certificate file: PEM, the client certificate first, then any intermediates.
    pub cert_file: String,
    /// The private key file: PEM (PKCS#8, PKCS#1 RSA or SEC1 EC), not encrypted.
    pub key_file: String,
    /// A CA certificate file (PEM) trusted besides the system's roots for the requests made
    /// with the certificate: a company's or a test provider's own CA.
    #[serde(default)]
    pub ca_file: Option<String>,
}

/// A client certificate read and checked, ready for the TLS handshake. `Debug` never shows the
/// key.
#[derive(Clone)]
pub struct LoadedCertificate {
    /// Key and chain as PEM, for the TLS client.
    identity_pem: crate::secret::Secret,
    /// The extra CA, as PEM.
    ca_pem: Option<Vec<u8>>,
    /// `x5t#S256` of the client certificate: base64url SHA-256 of its DER (RFC 8705 §3.1).
    pub thumbprint: String,
    /// Start of the validity period.
    pub not_before: DateTime<Utc>,
    /// End of the validity period.
    pub not_after: DateTime<Utc>,
    /// Issuer and subject are the same (`self_signed_tls_client_auth`).
    pub self_signed: bool,
}

impl std::fmt::Debug for LoadedCertificate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadedCertificate")
            .field("x5t#S256", &self.thumbprint)
            .field("not_after", &self.not_after)
            .field("self_signed", &self.self_signed)
            .finish_non_exhaustive()
    }
}

impl ClientCertificate {
    /// Reads and checks the files at `now`: readable, PEM, a certificate and a key that belong
    /// together, the certificate valid now. Every failure says which file and what to do.
    pub fn load(&self, now: DateTime<Utc>) -> Result<LoadedCertificate> {
        let cert_text = read_file("client certificate", &self.cert_file)?;
        let key_text = read_file("private key", &self.key_file)?;
        let bad = |what: &str, path: &str, why: String| {
            Error::Config(format!("the {what} file {path} is not usable: {why}"))
        };
        let certs: Vec<Vec<u8>> = pem_blocks(&cert_text)
            .map_err(|e| bad("client certificate", &self.cert_file, e))?
            .into_iter()
            .filter(|(label, _)| label == "CERTIFICATE")
            .map(|(_, der)| der)
            .collect();
        let Some(leaf) = certs.first() else {
            return Err(bad(
                "client certificate",
                &self.cert_file,
                "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)".into(),
            ));
        };
        let cert = parse_certificate(leaf).map_err(|e| {
            bad(
                "client certificate",
                &self.cert_file,
                format!("its first certificate does not parse ({e})"),
            )
        })?;
        let keys = pem_blocks(&key_text).map_err(|e| bad("private key", &self.key_file, e))?;
        let Some((label, key_der)) = keys.iter().find(|(l, _)| l.ends_with("PRIVATE KEY")) else {
            return Err(bad(
                "private key",
                &self.key_file,
                "it holds no PEM private key (-----BEGIN PRIVATE KEY-----, RSA or EC PRIVATE KEY)"
                    .into(),
            ));
        };
        let public =
            public_key_of(label, key_der).map_err(|e| bad("private key", &self.key_file, e))?;
        if public != cert.spki {
            return Err(Error::Config(format!(
                "the private key in {} does not belong to the certificate in {}: the \
                 certificate's public key is another one. Name the key the certificate was \
                 issued for",
                self.key_file, self.cert_file
            )));
        }
        if now > cert.not_after {
            return Err(Error::Config(format!(
                "the client certificate in {} expired on {} ({}): renew it (its thumbprint is \
                 {})",
                self.cert_file,
                cert.not_after.format("%Y-%m-%d %H:%M:%S UTC"),
                how_long(cert.not_after - now),
                thumbprint(leaf)
            )));
        }
        if now < cert.not_before {
            return Err(Error::Config(format!(
                "the client certificate in {} is not valid before {} ({}): check the clock, or \
                 wait",
                self.cert_file,
                cert.not_before.format("%Y-%m-%d %H:%M:%S UTC"),
                how_long(cert.not_before - now),
            )));
        }
        let ca_pem = self.ca_file.as_deref().map(read_ca).transpose()?;
        // The key first, then the chain in the order given: what the TLS client reads.
        let mut identity = key_text;
        identity.push('\n');
        identity.push_str(&cert_text);
        Ok(LoadedCertificate {
            identity_pem: crate::secret::Secret::new(identity),
            ca_pem,
            thumbprint: thumbprint(leaf),
            not_before: cert.not_before,
            not_after: cert.not_after,
            self_signed: cert.self_signed,
        })
    }
}

/// A CA certificate file (PEM), read and checked: at least one certificate that parses.
fn read_ca(path: &str) -> Result<Vec<u8>> {
    let text = read_file("CA certificate", path)?;
    let bad = |why: String| {
        Error::Config(format!(
            "the CA certificate file {path} is not usable: {why}"
        ))
    };
    let found = pem_blocks(&text)
        .map_err(bad)?
        .into_iter()
        .filter(|(l, der)| l == "CERTIFICATE" && parse_certificate(der).is_ok())
        .count();
    if found == 0 {
        return Err(bad("it holds no PEM certificate that parses".into()));
    }
    Ok(text.into_bytes())
}

/// What the front ends show about a profile's client certificate: the files, and what reading
/// them found (the certificate's thumbprint and dates, or the problem), with the key file's
/// warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct CertificateView {
    /// The files as the profile names them.
    pub files: ClientCertificate,
    /// `x5t#S256` of the certificate (none when it could not be read).
    pub thumbprint: Option<String>,
    /// End of its validity period (RFC 3339).
    pub not_after: Option<String>,
    /// Self-signed (`self_signed_tls_client_auth`) rather than issued by a CA.
    pub self_signed: Option<bool>,
    /// Why the files cannot be used now (unreadable, key of another certificate, expired...).
    pub problem: Option<String>,
    /// Usable, but worth knowing (a key file other users can read).
    pub warnings: Vec<String>,
}

impl ClientCertificate {
    /// Reads the files at `now` and says what was found, without failing.
    pub fn describe(&self, now: DateTime<Utc>) -> CertificateView {
        let (loaded, problem) = match self.load(now) {
            Ok(l) => (Some(l), None),
            Err(Error::Config(m)) => (None, Some(m)),
            Err(e) => (None, Some(e.to_string())),
        };
        CertificateView {
            files: self.clone(),
            thumbprint: loaded.as_ref().map(|l| l.thumbprint.clone()),
            not_after: loaded.as_ref().map(|l| l.not_after.to_rfc3339()),
            self_signed: loaded.as_ref().map(|l| l.self_signed),
            problem,
            warnings: key_file_warning(&self.key_file).into_iter().collect(),
        }
    }
}

/// "3 days ago", "in 5 h": how far a time is from now, in the words of a certificate's dates.
fn how_long(delta: chrono::Duration) -> String {
    let s = delta.num_seconds();
    let abs = s.unsigned_abs();
    let span = match abs {
        0..=119 => format!("{abs} s"),
        120..=7199 => format!("{} min", abs / 60),
        7200..=172_799 => format!("{} h", abs / 3600),
        _ => format!("{} days", abs / 86_400),
    };
    if s >= 0 {
        format!("in {span}")
    } else {
        format!("{span} ago")
    }
}

/// A warning when a private key file can be read by other users of this machine (Unix modes).
pub fn key_file_warning(path: &str) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path).ok()?.permissions().mode() & 0o777;
        if mode & 0o077 != 0 {
            return Some(format!(
                "the private key file {path} can be read by other users (mode {mode:o}): \
                 `chmod 600 {path}`"
            ));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    None
}

fn read_file(what: &str, path: &str) -> Result<String> {
    if path.trim().is_empty() {
        return Err(Error::Config(format!("no {what} file is named")));
    }
    let cannot = |why: String| Error::Config(format!("cannot read the {what} file {path}: {why}"));
    let meta = std::fs::metadata(Path::new(path)).map_err(|e| cannot(e.to_string()))?;
    if !meta.is_file() {
        return Err(cannot("it is not a file".into()));
    }
    if meta.len() > MAX_FILE {
        return Err(cannot(format!(
            "it is {} bytes; at most {} KiB is read",
            meta.len(),
            MAX_FILE / 1024
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| cannot(e.to_string()))?;
    String::from_utf8(bytes).map_err(|_| {
        cannot("it is not PEM text (DER? convert with `openssl x509 -inform der`)".into())
    })
}

/// `x5t#S256` of a DER certificate: base64url (no padding) of its SHA-256.
pub fn thumbprint(der: &[u8]) -> String {
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(der))
}

/// The PEM blocks of a file's text ([`crate::jose::pem::blocks`]), said of the file ("its …");
/// a file with none is an error.
fn pem_blocks(text: &str) -> std::result::Result<Vec<(String, Vec<u8>)>, String> {
    let out = crate::jose::pem::blocks(text).map_err(|e| format!("its {e}"))?;
    if out.is_empty() {
        return Err("it holds no PEM block (-----BEGIN ...-----)".into());
    }
    Ok(out)
}

/// What Tokenscope needs of an X.509 certificate.
struct Certificate {
    not_before: DateTime<Utc>,
    not_after: DateTime<Utc>,
    /// The SubjectPublicKeyInfo, whole (tag and length included).
    spki: Vec<u8>,
    self_signed: bool,
}

/// One DER element: (tag, content, the whole element, the rest after it).
/// (tag, content, whole element, rest).
type Element<'a> = (u8, &'a [u8], &'a [u8], &'a [u8]);

fn tlv(input: &[u8]) -> std::result::Result<Element<'_>, String> {
    let short = || "it ends early".to_owned();
    let (&tag, rest) = input.split_first().ok_or_else(short)?;
    let (&first, mut rest) = rest.split_first().ok_or_else(short)?;
    let len = if first < 0x80 {
        usize::from(first)
    } else {
        let n = usize::from(first & 0x7f);
        if n == 0 || n > 4 || rest.len() < n {
            return Err("a length is malformed".into());
        }
        let len = rest[..n]
            .iter()
            .fold(0usize, |a, b| (a << 8) | usize::from(*b));
        rest = &rest[n..];
        len
    };
    if rest.len() < len {
        return Err(short());
    }
    let header = input.len() - rest.len();
    Ok((tag, &rest[..len], &input[..header + len], &rest[len..]))
}

fn parse_certificate(der: &[u8]) -> std::result::Result<Certificate, String> {
    let expect = |tag: u8, want: u8, what: &str| {
        if tag == want {
            Ok(())
        } else {
            Err(format!("{what} is not where X.509 puts it"))
        }
    };
    let (tag, cert, _, _) = tlv(der)?;
    expect(tag, 0x30, "the certificate")?;
    let (tag, tbs, _, _) = tlv(cert)?;
    expect(tag, 0x30, "the to-be-signed part")?;
    let (mut tag, mut _content, mut _whole, mut rest) = tlv(tbs)?;
    if tag == 0xa0 {
        // [0] version
        (tag, _content, _whole, rest) = tlv(rest)?;
    }
    expect(tag, 0x02, "the serial number")?;
    let (tag, _, _, rest) = tlv(rest)?;
    expect(tag, 0x30, "the signature algorithm")?;
    let (tag, _, issuer, rest) = tlv(rest)?;
    expect(tag, 0x30, "the issuer")?;
    let (tag, validity, _, rest) = tlv(rest)?;
    expect(tag, 0x30, "the validity")?;
    let (t1, v1, _, after) = tlv(validity)?;
    let (t2, v2, _, _) = tlv(after)?;
    let (tag, _, subject, rest) = tlv(rest)?;
    expect(tag, 0x30, "the subject")?;
    let (tag, _, spki, _) = tlv(rest)?;
    expect(tag, 0x30, "the public key")?;
    Ok(Certificate {
        not_before: asn1_time(t1, v1)?,
        not_after: asn1_time(t2, v2)?,
        spki: spki.to_vec(),
        self_signed: issuer == subject,
    })
}

/// UTCTime (YYMMDDHHMMSSZ, years 1950–2049) or GeneralizedTime (YYYYMMDDHHMMSSZ).
fn asn1_time(tag: u8, value: &[u8]) -> std::result::Result<DateTime<Utc>, String> {
    let text = std::str::from_utf8(value).map_err(|_| "a validity time is not text".to_owned())?;
    let full = match (tag, text.len()) {
        (0x17, 13) => {
            let yy: u32 = text[..2]
                .parse()
                .map_err(|_| "a validity time is malformed")?;
            format!("{}{text}", if yy < 50 { "20" } else { "19" })
        }
        (0x18, 15) => text.to_owned(),
        _ => return Err("a validity time is neither UTCTime nor GeneralizedTime".into()),
    };
    let naive = chrono::NaiveDateTime::parse_from_str(&full, "%Y%m%d%H%M%SZ")
        .map_err(|_| format!("the validity time {text} is malformed"))?;
    Ok(Utc.from_utc_datetime(&naive))
}

/// The SubjectPublicKeyInfo (DER) of a private key: RSA, EC P-256/P-384 or Ed25519.
fn public_key_of(label: &str, der: &[u8]) -> std::result::Result<Vec<u8>, String> {
    use pkcs8::{DecodePrivateKey, EncodePublicKey};
    let unusable = "it is not an RSA, EC P-256, EC P-384 or Ed25519 private key Tokenscope can \
                    read";
    let spki = match label {
        "PRIVATE KEY" => {
            if let Ok(k) = rsa::RsaPrivateKey::from_pkcs8_der(der) {
                k.to_public_key().to_public_key_der()
            } else if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
                k.public_key().to_public_key_der()
            } else if let Ok(k) = p384::SecretKey::from_pkcs8_der(der) {
                k.public_key().to_public_key_der()
            } else if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
                k.verifying_key().to_public_key_der()
            } else {
                return Err(unusable.into());
            }
        }
        "RSA PRIVATE KEY" => {
            use rsa::pkcs1::DecodeRsaPrivateKey;
            rsa::RsaPrivateKey::from_pkcs1_der(der)
                .map_err(|e| format!("its RSA key does not parse ({e})"))?
                .to_public_key()
                .to_public_key_der()
        }
        "EC PRIVATE KEY" => {
            if let Ok(k) = p256::SecretKey::from_sec1_der(der) {
                k.public_key().to_public_key_der()
            } else if let Ok(k) = p384::SecretKey::from_sec1_der(der) {
                k.public_key().to_public_key_der()
            } else {
                return Err("its EC key is not on P-256 or P-384".into());
            }
        }
        "ENCRYPTED PRIVATE KEY" => {
            return Err(
                "the key is encrypted with a passphrase; Tokenscope reads unencrypted \
                        keys (`openssl pkey -in key.pem -out plain.pem`, then keep plain.pem \
                        mode 600)"
                    .into(),
            )
        }
        other => {
            return Err(format!(
                "a {other} block is not a private key Tokenscope reads"
            ))
        }
    };
    spki.map(|d| d.as_bytes().to_vec())
        .map_err(|e| format!("its public key cannot be encoded ({e})"))
}

/// An HTTP client that presents the client certificate, trusts the extra CA, and says in
/// words when the provider refuses the handshake.
pub struct MtlsClient {
    inner: ReqwestClient,
    /// The certificate file presented; `None`: a client that only trusts the CA.
    cert_file: Option<String>,
}

impl MtlsClient {
    /// Builds the client for a loaded certificate.
    pub fn new(
        loaded: &LoadedCertificate,
        files: &ClientCertificate,
        limits: HttpLimits,
    ) -> Result<Self> {
        let identity = reqwest::Identity::from_pem(loaded.identity_pem.expose().as_bytes())
            .map_err(|e| {
                Error::Config(format!(
                    "the client certificate {} and key {} cannot be used for TLS: {e}",
                    files.cert_file, files.key_file
                ))
            })?;
        let ca = roots(loaded.ca_pem.as_deref(), files)?;
        let inner = ReqwestClient::customized(limits, |mut b| {
            b = b.identity(identity).use_rustls_tls();
            for c in ca {
                b = b.add_root_certificate(c);
            }
            b
        })?;
        Ok(Self {
            inner,
            cert_file: Some(files.cert_file.clone()),
        })
    }

    /// The client for the requests of a profile that present no certificate (the metadata and
    /// the keys): it trusts the profile's CA file besides the system's roots, so a provider
    /// whose own TLS certificate comes from that CA (a company's) is reached end to end.
    /// `None` when the profile names no CA file. Only the CA file is read.
    pub fn trusting_ca(files: &ClientCertificate, limits: HttpLimits) -> Result<Option<Self>> {
        let Some(path) = &files.ca_file else {
            return Ok(None);
        };
        let ca = roots(Some(&read_ca(path)?), files)?;
        let inner = ReqwestClient::customized(limits, |mut b| {
            b = b.use_rustls_tls();
            for c in ca {
                b = b.add_root_certificate(c);
            }
            b
        })?;
        Ok(Some(Self {
            inner,
            cert_file: None,
        }))
    }

    async fn run(
        &self,
        request: HttpRequest,
    ) -> std::result::Result<crate::http::HttpResponse, HttpError> {
        self.inner.send(request).await.map_err(|e| match e {
            HttpError::Connect(m)
                if m.contains("UnknownIssuer") || m.contains("invalid peer certificate") =>
            {
                HttpError::Connect(format!(
                    "{m}. The provider's own certificate is not trusted: if it comes from your \
                     company's CA, name that CA's certificate file (--tls-ca)"
                ))
            }
            HttpError::Connect(m) | HttpError::Other(m)
                if self.cert_file.is_some() && refusal(&m).is_some() =>
            {
                let cert_file = self.cert_file.as_deref().unwrap_or_default();
                let trusted = "Is the certificate one the provider trusts (issued by a CA it \
                               trusts for this client, or for self_signed_tls_client_auth the \
                               certificate itself registered with the client)?";
                HttpError::Connect(match refusal(&m) {
                    Some(Refusal::Said) => format!(
                        "the provider refused the TLS handshake with the client certificate in \
                         {cert_file} ({m}). {trusted}"
                    ),
                    _ => format!(
                        "the provider closed the connection right after the TLS handshake with \
                         the client certificate in {cert_file} ({m}): most likely it refused that \
                         certificate. {trusted}"
                    ),
                })
            }
            other => other,
        })
    }
}

/// The extra roots of a CA file's PEM.
fn roots(pem: Option<&[u8]>, files: &ClientCertificate) -> Result<Vec<reqwest::Certificate>> {
    let Some(pem) = pem else {
        return Ok(Vec::new());
    };
    reqwest::Certificate::from_pem_bundle(pem).map_err(|e| {
        Error::Config(format!(
            "the CA certificate file {} cannot be used: {e}",
            files.ca_file.as_deref().unwrap_or_default()
        ))
    })
}

/// How the other side refused the client's certificate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refusal {
    /// The TLS stack names it: an alert or a handshake failure.
    Said,
    /// The connection was closed or reset right after the handshake. TLS 1.3 servers (Node's
    /// among them) check the client's certificate after the client has finished its side of the
    /// handshake, and then often close (rustls: no close_notify) or reset the connection instead
    /// of sending an alert the client reads in time. Which one the client sees is a race.
    Closed,
}

/// The words a TLS stack uses when the other side refused the client's certificate.
fn refusal(message: &str) -> Option<Refusal> {
    let m = message.to_ascii_lowercase();
    let said = [
        "alert",
        "certificaterequired",
        "certificate required",
        "bad certificate",
        "badcertificate",
        "unknownca",
        "unknown ca",
        "handshake",
    ];
    let closed = ["close_notify", "connection reset", "broken pipe"];
    if said.iter().any(|w| m.contains(w)) {
        Some(Refusal::Said)
    } else if closed.iter().any(|w| m.contains(w)) {
        Some(Refusal::Closed)
    } else {
        None
    }
}

impl HttpClient for MtlsClient {
    fn send(&self, request: HttpRequest) -> HttpFuture<'_> {
        Box::pin(self.run(request))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_certificate_is_told_from_other_connection_errors() {
        // What rustls and hyper say when the server refuses, seen against Node's TLS 1.3.
        assert_eq!(
            refusal("received fatal alert: CertificateRequired"),
            Some(Refusal::Said)
        );
        assert_eq!(
            refusal("peer closed connection without sending TLS close_notify"),
            Some(Refusal::Closed)
        );
        // The race CI hit: the reset arrives before the alert is read.
        assert_eq!(
            refusal("client error (SendRequest): connection error: Connection reset by peer (os error 104)"),
            Some(Refusal::Closed)
        );
        assert_eq!(
            refusal("tcp connect error: Connection refused (os error 111)"),
            None
        );
        assert_eq!(refusal("dns error: failed to lookup address"), None);
    }

    #[test]
    fn asn1_times_read_both_forms() {
        assert_eq!(
            asn1_time(0x17, b"491231235959Z").unwrap().to_rfc3339(),
            "2049-12-31T23:59:59+00:00"
        );
        assert_eq!(
            asn1_time(0x17, b"500101000000Z").unwrap().to_rfc3339(),
            "1950-01-01T00:00:00+00:00"
        );
        assert_eq!(
            asn1_time(0x18, b"20991231235959Z").unwrap().to_rfc3339(),
            "2099-12-31T23:59:59+00:00"
        );
        assert!(asn1_time(0x17, b"2099").is_err());
        assert!(asn1_time(0x18, b"20991331235959Z").is_err());
    }

    #[test]
    fn bad_der_is_an_error_never_a_panic() {
        for bad in [
            &b""[..],
            b"\x30",
            b"\x30\x84\xff\xff\xff\xff",
            b"\x30\x80",
            b"\x30\x03\x02\x01\x00",
            b"\x30\x05\x30\x03\x02\x01",
        ] {
            assert!(parse_certificate(bad).is_err(), "{bad:?}");
        }
        // Every prefix of a real certificate fails cleanly.
        let pem = std::fs::read_to_string(crate::testkit::fixture_path("verify/rsa2.crt.pem"))
            .expect("fixture");
        let der = pem_blocks(&pem).unwrap().remove(0).1;
        assert!(parse_certificate(&der).is_ok());
        for cut in 0..der.len() {
            let _ = parse_certificate(&der[..cut]);
        }
    }

    #[test]
    fn pem_errors_say_what_is_wrong() {
        for (text, says) in [
            ("", "no PEM block"),
            ("-----BEGIN CERTIFICATE-----\nAAAA\n", "no END line"),
            (
                "-----BEGIN CERTIFICATE-----\n!!!\n-----END CERTIFICATE-----",
                "not base64",
            ),
            (
                "-----BEGIN A-----\nAAAA\n-----END B-----",
                "ends with END B",
            ),
        ] {
            let e = pem_blocks(text).unwrap_err();
            assert!(e.contains(says), "{text}: {e}");
        }
    }

    fn files(cert: &str, key: &str) -> ClientCertificate {
        let path = |n: &str| {
            crate::testkit::fixture_path(n)
                .to_string_lossy()
                .into_owned()
        };
        ClientCertificate {
            cert_file: path(cert),
            key_file: path(key),
            ca_file: None,
        }
    }

    fn at(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn a_certificate_and_its_key_load_with_the_thumbprint_and_dates() {
        let f = files("verify/rsa2.crt.pem", "keys/rsa2.pem");
        let c = f.load(at("2030-01-01T00:00:00Z")).unwrap();
        assert!(c.self_signed);
        assert_eq!(c.not_after.to_rfc3339(), "2126-11-01T13:42:31+00:00");
        // The thumbprint openssl computes: sha256 of the DER, base64url.
        let pem = std::fs::read_to_string(&f.cert_file).unwrap();
        assert_eq!(c.thumbprint, thumbprint(&pem_blocks(&pem).unwrap()[0].1));
        assert_eq!(c.thumbprint.len(), 43);
        // The key never shows in Debug.
        let shown = format!("{c:?}");
        assert!(
            !shown.contains("PRIVATE") && shown.contains(&c.thumbprint),
            "{shown}"
        );
    }

    #[test]
    fn a_key_of_another_certificate_is_refused_in_words() {
        for key in ["keys/rsa1.pem", "keys/ec256.pem", "keys/ed25519.pem"] {
            let e = files("verify/rsa2.crt.pem", key)
                .load(at("2030-01-01T00:00:00Z"))
                .unwrap_err()
                .to_string();
            assert!(
                e.contains("does not belong to the certificate"),
                "{key}: {e}"
            );
        }
    }

    #[test]
    fn an_expired_or_not_yet_valid_certificate_says_when() {
        let f = files("verify/rsa2.crt.pem", "keys/rsa2.pem");
        let e = f.load(at("2127-01-01T00:00:00Z")).unwrap_err().to_string();
        assert!(
            e.contains("expired on 2126-11-01 13:42:31 UTC (60 days ago)"),
            "{e}"
        );
        let e = f.load(at("2026-11-25T13:00:00Z")).unwrap_err().to_string();
        assert!(
            e.contains("not valid before 2026-11-25 13:42:31 UTC (in 42 min)"),
            "{e}"
        );
    }

    #[test]
    fn unreadable_and_wrong_files_are_named_never_a_panic() {
        let f = files("verify/rsa2.crt.pem", "keys/rsa2.pem");
        let now = at("2030-01-01T00:00:00Z");
        let missing = ClientCertificate {
            cert_file: "/nonexistent/client.crt".into(),
            ..f.clone()
        };
        let e = missing.load(now).unwrap_err().to_string();
        assert!(
            e.contains("cannot read the client certificate file /nonexistent/client.crt"),
            "{e}"
        );
        // A key where the certificate should be, and the other way round.
        let swapped = ClientCertificate {
            cert_file: f.key_file.clone(),
            key_file: f.cert_file.clone(),
            ca_file: None,
        };
        let e = swapped.load(now).unwrap_err().to_string();
        assert!(e.contains("holds no PEM certificate"), "{e}");
        let dir = std::env::temp_dir().join(format!(
            "tokenscope-mtls-{}",
            crate::oidc::pkce::random_token()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let bad = dir.join("bad.pem");
        for (text, says) in [
            (
                "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
                "does not parse",
            ),
            (
                "-----BEGIN CERTIFICATE-----\n@@\n-----END CERTIFICATE-----\n",
                "not base64",
            ),
            ("hello", "no PEM block"),
        ] {
            std::fs::write(&bad, text).unwrap();
            let c = ClientCertificate {
                cert_file: bad.to_string_lossy().into_owned(),
                ..f.clone()
            };
            let e = c.load(now).unwrap_err().to_string();
            assert!(e.contains(says) && e.contains("bad.pem"), "{text}: {e}");
        }
        std::fs::write(
            &bad,
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n",
        )
        .unwrap();
        let c = ClientCertificate {
            key_file: bad.to_string_lossy().into_owned(),
            ..f.clone()
        };
        let e = c.load(now).unwrap_err().to_string();
        assert!(e.contains("encrypted with a passphrase"), "{e}");
        let ca = ClientCertificate {
            ca_file: Some(f.key_file.clone()),
            ..f.clone()
        };
        let e = ca.load(now).unwrap_err().to_string();
        assert!(e.contains("the CA certificate file"), "{e}");
        std::fs::remove_dir_all(dir).ok();
    }

    #[cfg(unix)]
    #[test]
    fn a_key_file_others_can_read_is_warned_about() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!(
            "tokenscope-mtls-{}",
            crate::oidc::pkce::random_token()
        ));
        std::fs::create_dir_all(&dir).unwrap();
        let key = dir.join("key.pem");
        std::fs::write(&key, "x").unwrap();
        let path = key.to_string_lossy().into_owned();
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let w = key_file_warning(&path).unwrap();
        assert!(
            w.contains("can be read by other users (mode 644)") && w.contains("chmod 600"),
            "{w}"
        );
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(key_file_warning(&path), None);
        std::fs::remove_dir_all(dir).ok();
    }
}
