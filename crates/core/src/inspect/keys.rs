//! Keys a person gives the inspector: public keys to check signatures with (a JWK, a JWKS, a PEM
//! public key, an X.509 certificate, or a private key whose public half is used) and private keys
//! to decrypt JWEs with (an RSA, EC or X25519 JWK or PEM, an `oct` JWK, or a PBES2 password). Everything is turned into
//! JWKs so one signature check serves pasted and published keys alike. Never panics on bad input.

use crate::jose::jwe_keys::AgreementKey;
use crate::jose::jwt::b64_encode;
use crate::oidc::metadata::Jwks;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use base64::Engine as _;
use rsa::pkcs1::{DecodeRsaPrivateKey, DecodeRsaPublicKey};
use rsa::pkcs8::{DecodePrivateKey, DecodePublicKey};
use rsa::traits::PublicKeyParts;
use rsa::{BigUint, RsaPrivateKey, RsaPublicKey};
use serde_json::{json, Map, Value};
use std::fmt;

/// Largest key file read (a JWKS with many keys stays far below).
pub const MAX_KEY_TEXT: usize = 256 * 1024;

/// Members of a JWK that hold private key material.
const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// Reads public keys for signature checks: a JWK, a JWKS (`{"keys": [...]}`), or PEM blocks
/// (`PUBLIC KEY`, `RSA PUBLIC KEY`, `CERTIFICATE`, or an RSA private key whose public half is
/// used). Private JWK members are dropped; `oct` keys keep their secret (HMAC needs it).
pub fn public_keys(text: &str) -> Result<Jwks, String> {
    let text = bounded(text)?;
    if text.starts_with('{') {
        let value: Value =
            serde_json::from_str(text).map_err(|e| format!("not a JWK or JWKS: {e}"))?;
        let jwks = Jwks::from_value(value)?;
        let mut keys = Vec::with_capacity(jwks.keys.len());
        for (i, key) in jwks.keys.into_iter().enumerate() {
            keys.push(public_jwk(key).map_err(|e| format!("key {}: {e}", i + 1))?);
        }
        if keys.is_empty() {
            return Err("the JWKS has no keys".into());
        }
        return Ok(Jwks { keys });
    }
    let blocks = pem_blocks(text)?;
    let mut keys = Vec::new();
    for (label, der) in &blocks {
        let jwk = match label.as_str() {
            "PUBLIC KEY" => spki_to_jwk(der)?,
            "RSA PUBLIC KEY" => rsa_jwk(
                &RsaPublicKey::from_pkcs1_der(der)
                    .map_err(|e| format!("not an RSA public key: {e}"))?,
            ),
            "CERTIFICATE" => spki_to_jwk(
                certificate_spki(der).ok_or("the certificate does not parse (X.509 DER)")?,
            )?,
            "PRIVATE KEY" => match RsaPrivateKey::from_pkcs8_der(der) {
                Ok(key) => rsa_jwk(&key.to_public_key()),
                Err(_) => {
                    return Err("a PKCS#8 private key that is not RSA: give the public key \
                                (openssl pkey -in key.pem -pubout)"
                        .into())
                }
            },
            "RSA PRIVATE KEY" => rsa_jwk(
                &RsaPrivateKey::from_pkcs1_der(der)
                    .map_err(|e| format!("not an RSA private key: {e}"))?
                    .to_public_key(),
            ),
            other => return Err(unsupported_pem(other)),
        };
        keys.push(jwk);
    }
    Ok(Jwks { keys })
}

/// A JWK with its private members removed; a JWK carrying only `x5c` gets its key from the
/// first certificate.
fn public_jwk(key: Value) -> Result<Value, String> {
    let Value::Object(mut map) = key else {
        return Err("not a JSON object".into());
    };
    let kty = map
        .get("kty")
        .and_then(Value::as_str)
        .ok_or("no `kty` member")?
        .to_owned();
    if kty != "oct" {
        for member in PRIVATE_MEMBERS {
            map.remove(member);
        }
    }
    let has_material = match kty.as_str() {
        "RSA" => map.contains_key("n") && map.contains_key("e"),
        "EC" | "OKP" => map.contains_key("x"),
        "oct" => map.contains_key("k"),
        _ => true,
    };
    if !has_material {
        let cert = map
            .get("x5c")
            .and_then(Value::as_array)
            .and_then(|c| c.first())
            .and_then(Value::as_str)
            .ok_or(format!("a {kty} key without its key material (and no x5c)"))?;
        let der = STANDARD
            .decode(cert)
            .map_err(|e| format!("x5c is not base64: {e}"))?;
        let spki = certificate_spki(&der).ok_or("the x5c certificate does not parse")?;
        if let Value::Object(derived) = spki_to_jwk(spki)? {
            for (k, v) in derived {
                map.entry(k).or_insert(v);
            }
        }
    }
    Ok(Value::Object(map))
}

/// A private key that decrypts JWEs. Its `Debug` never shows key material.
#[derive(Clone)]
pub enum PrivateKey {
    /// RSA, for `RSA-OAEP`, `RSA-OAEP-256` and `RSA1_5`.
    Rsa {
        /// `kid`, when given.
        kid: Option<String>,
        /// The key.
        key: Box<RsaPrivateKey>,
        /// What the JWK allows the key to do.
        limits: KeyLimits,
    },
    /// An EC (P-256/384/521) or X25519 private key, for `ECDH-ES` and `ECDH-ES+A*KW`.
    Agreement {
        /// `kid`, when given.
        kid: Option<String>,
        /// The key.
        key: AgreementKey,
        /// What the JWK allows the key to do.
        limits: KeyLimits,
    },
    /// A password (key text that is neither JSON nor PEM), for `PBES2-*`.
    Password {
        /// The password's bytes (UTF-8, surrounding white space trimmed).
        bytes: Vec<u8>,
        /// Nothing: a password has no JWK.
        limits: KeyLimits,
    },
    /// A symmetric key, for `dir`, `A*KW`, `A*GCMKW` (and `PBES2-*`, as the password).
    Oct {
        /// `kid`, when given.
        kid: Option<String>,
        /// The key bytes.
        k: Vec<u8>,
        /// What the JWK allows the key to do.
        limits: KeyLimits,
    },
}

/// What a JWK says its key is for (RFC 7517 §4.2-4.4); none of it for a PEM key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyLimits {
    /// `alg`: the one algorithm the key is meant for.
    pub alg: Option<String>,
    /// `use`: `enc` or `sig`.
    pub usage: Option<String>,
    /// `key_ops`: the operations allowed.
    pub ops: Option<Vec<String>>,
}

impl KeyLimits {
    fn of(jwk: &Value) -> Self {
        let s = |name: &str| jwk.get(name).and_then(Value::as_str).map(str::to_owned);
        Self {
            alg: s("alg"),
            usage: s("use"),
            ops: jwk.get("key_ops").and_then(Value::as_array).map(|ops| {
                ops.iter()
                    .map(|o| o.as_str().unwrap_or_default().to_owned())
                    .collect()
            }),
        }
    }

    /// Why the key must not decrypt a JWE whose key management is `alg`, if it must not: a
    /// JWK marked for another algorithm, for signatures, or without a decryption operation.
    pub fn refusal(&self, alg: &str) -> Option<String> {
        if let Some(usage) = self.usage.as_deref().filter(|u| *u != "enc") {
            return Some(format!(
                "the key is marked `use: {usage}`, not `enc`: it is not for decryption"
            ));
        }
        if let Some(own) = self.alg.as_deref().filter(|a| *a != alg) {
            return Some(format!(
                "the key is marked `alg: {own}`: it is not used for {alg}"
            ));
        }
        if let Some(ops) = &self.ops {
            // ECDH-ES derives the key (RFC 7517 §4.3: deriveKey, deriveBits).
            let derives = alg.starts_with("ECDH-ES")
                && ops.iter().any(|o| o == "deriveKey" || o == "deriveBits");
            if !derives && !ops.iter().any(|o| o == "unwrapKey" || o == "decrypt") {
                return Some(format!(
                    "the key's `key_ops` ({}) allow neither unwrapKey nor decrypt{}",
                    ops.join(", "),
                    if alg.starts_with("ECDH-ES") {
                        " (nor deriveKey, deriveBits)"
                    } else {
                        ""
                    }
                ));
            }
        }
        None
    }
}

impl PrivateKey {
    /// What the key's JWK allows.
    pub fn limits(&self) -> &KeyLimits {
        match self {
            PrivateKey::Rsa { limits, .. }
            | PrivateKey::Oct { limits, .. }
            | PrivateKey::Agreement { limits, .. }
            | PrivateKey::Password { limits, .. } => limits,
        }
    }

    /// The key's `kid`.
    pub fn kid(&self) -> Option<&str> {
        match self {
            PrivateKey::Rsa { kid, .. }
            | PrivateKey::Oct { kid, .. }
            | PrivateKey::Agreement { kid, .. } => kid.as_deref(),
            PrivateKey::Password { .. } => None,
        }
    }

    /// "RSA key rsa-enc (2048 bits)", for display.
    pub fn label(&self) -> String {
        let kid = self
            .kid()
            .map(|k| format!(" {k}"))
            .unwrap_or_else(|| " (no kid)".to_owned());
        match self {
            PrivateKey::Rsa { key, .. } => format!("RSA key{kid} ({} bits)", key.size() * 8),
            PrivateKey::Oct { k, .. } => format!("symmetric key{kid} ({} bits)", k.len() * 8),
            PrivateKey::Agreement { key, .. } => format!("{} key{kid}", key.curve()),
            PrivateKey::Password { bytes, .. } => format!("password ({} bytes)", bytes.len()),
        }
    }
}

impl fmt::Debug for PrivateKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PrivateKey({}: [redacted])", self.label())
    }
}

/// Private keys for JWE decryption and where they came from.
#[derive(Clone, Debug)]
pub struct DecryptionKeys {
    /// The keys.
    pub keys: Vec<PrivateKey>,
    /// Where they came from ("the key in itsme-enc.pem").
    pub description: String,
}

impl DecryptionKeys {
    /// Reads private keys: an RSA, EC (P-256/384/521) or X25519 private JWK (`d`...), an `oct`
    /// JWK, a JWKS of them, PEM (`PRIVATE KEY` PKCS#8 of RSA, EC or X25519, `RSA PRIVATE KEY`
    /// PKCS#1, `EC PRIVATE KEY` SEC1), or, when the text is none of these (not JSON, no PEM
    /// block), a password for `PBES2-*`.
    pub fn parse(text: &str, description: impl Into<String>) -> Result<Self, String> {
        let text = bounded(text)?;
        let mut keys = Vec::new();
        if text.starts_with('{') {
            let value: Value =
                serde_json::from_str(text).map_err(|e| format!("not a JWK or JWKS: {e}"))?;
            let jwks = Jwks::from_value(value)?;
            for (i, key) in jwks.keys.iter().enumerate() {
                let key = private_jwk(key).map_err(|e| {
                    if jwks.keys.len() == 1 {
                        e
                    } else {
                        format!("key {}: {e}", i + 1)
                    }
                })?;
                keys.push(key);
            }
        } else if !text.contains("-----BEGIN ") {
            keys.push(PrivateKey::Password {
                bytes: text.as_bytes().to_vec(),
                limits: KeyLimits::default(),
            });
        } else {
            for (label, der) in pem_blocks(text)? {
                let rsa = |key| PrivateKey::Rsa {
                    kid: None,
                    key: Box::new(key),
                    limits: KeyLimits::default(),
                };
                let agreement = |key| PrivateKey::Agreement {
                    kid: None,
                    key,
                    limits: KeyLimits::default(),
                };
                let key = match label.as_str() {
                    "PRIVATE KEY" => match RsaPrivateKey::from_pkcs8_der(&der) {
                        Ok(key) => rsa(key),
                        Err(e) => agreement(AgreementKey::from_pkcs8(&der).ok_or(format!(
                            "a PKCS#8 private key that is not a usable RSA, EC (P-256/384/521) \
                             or X25519 key: {e}"
                        ))?),
                    },
                    "RSA PRIVATE KEY" => rsa(RsaPrivateKey::from_pkcs1_der(&der)
                        .map_err(|e| format!("not an RSA private key: {e}"))?),
                    "EC PRIVATE KEY" => agreement(AgreementKey::from_sec1(&der)?),
                    "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => {
                        return Err(public_not_private());
                    }
                    other => return Err(unsupported_pem(other)),
                };
                keys.push(key);
            }
        }
        if keys.is_empty() {
            return Err("no key found".into());
        }
        Ok(Self {
            keys,
            description: description.into(),
        })
    }
}

fn public_not_private() -> String {
    "a public key cannot decrypt: the recipient's private key is needed (a JWK with `d`, or a \
     PEM PRIVATE KEY)"
        .into()
}

fn private_jwk(key: &Value) -> Result<PrivateKey, String> {
    let s = |name: &str| key.get(name).and_then(Value::as_str);
    let kid = s("kid").map(str::to_owned);
    let limits = KeyLimits::of(key);
    let big = |name: &str| -> Result<BigUint, String> {
        let text = s(name).ok_or(format!("no `{name}` member"))?;
        URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map(|b| BigUint::from_bytes_be(&b))
            .map_err(|e| format!("`{name}` is not base64url: {e}"))
    };
    match s("kty") {
        Some("RSA") => {
            if s("d").is_none() {
                return Err(public_not_private());
            }
            let primes = match (s("p"), s("q")) {
                (Some(_), Some(_)) => vec![big("p")?, big("q")?],
                _ => Vec::new(),
            };
            let key = RsaPrivateKey::from_components(big("n")?, big("e")?, big("d")?, primes)
                .map_err(|e| format!("not a usable RSA private key: {e}"))?;
            key.validate()
                .map_err(|e| format!("not a consistent RSA private key: {e}"))?;
            Ok(PrivateKey::Rsa {
                kid,
                key: Box::new(key),
                limits,
            })
        }
        Some("oct") => {
            let k = URL_SAFE_NO_PAD
                .decode(s("k").ok_or("no `k` member")?.trim_end_matches('='))
                .map_err(|e| format!("`k` is not base64url: {e}"))?;
            Ok(PrivateKey::Oct { kid, k, limits })
        }
        Some(kty @ ("EC" | "OKP")) => {
            let d = URL_SAFE_NO_PAD
                .decode(s("d").ok_or_else(public_not_private)?.trim_end_matches('='))
                .map_err(|e| format!("`d` is not base64url: {e}"))?;
            let crv = s("crv").ok_or(format!("a {kty} key without `crv`"))?;
            let Value::Object(jwk) = key else {
                return Err("not a JSON object".into());
            };
            Ok(PrivateKey::Agreement {
                kid,
                key: AgreementKey::from_jwk(crv, &d, jwk)?,
                limits,
            })
        }
        Some(other) => Err(format!(
            "a {other} key: Tokenscope decrypts with RSA keys (RSA-OAEP, RSA-OAEP-256, RSA1_5), \
             EC and X25519 keys (ECDH-ES) and symmetric keys (dir, A*KW, A*GCMKW, PBES2)"
        )),
        None => Err("no `kty` member".into()),
    }
}

fn unsupported_pem(label: &str) -> String {
    match label {
        "ENCRYPTED PRIVATE KEY" => "the private key is protected by a passphrase: remove it first \
                                    (openssl pkey -in key.pem -out plain.pem)"
            .into(),
        "EC PRIVATE KEY" => "an EC private key: give the public key instead \
                             (openssl pkey -in key.pem -pubout)"
            .into(),
        other => format!("a PEM block `{other}` is not a key Tokenscope reads"),
    }
}

fn bounded(text: &str) -> Result<&str, String> {
    if text.len() > MAX_KEY_TEXT {
        return Err(format!(
            "the key text is {} bytes; at most {} KiB is read",
            text.len(),
            MAX_KEY_TEXT / 1024
        ));
    }
    let text = text.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return Err("the key text is empty".into());
    }
    Ok(text)
}

/// The PEM blocks of a text: (label, DER bytes) ([`crate::jose::pem::blocks`]); a text with
/// none is not a key.
pub fn pem_blocks(text: &str) -> Result<Vec<(String, Vec<u8>)>, String> {
    let out = crate::jose::pem::blocks(text)?;
    if out.is_empty() {
        return Err("not a key: give a JWK, a JWKS ({\"keys\": [...]}) or a PEM key".into());
    }
    Ok(out)
}

fn rsa_jwk(key: &RsaPublicKey) -> Value {
    json!({
        "kty": "RSA",
        "n": b64_encode(&key.n().to_bytes_be()),
        "e": b64_encode(&key.e().to_bytes_be()),
    })
}

/// A `SubjectPublicKeyInfo` (DER) as a public JWK: RSA, EC P-256/P-384/P-521, Ed25519, X25519.
fn spki_to_jwk(der: &[u8]) -> Result<Value, String> {
    use spki::der::Decode as _;
    let info = spki::SubjectPublicKeyInfoRef::from_der(der)
        .map_err(|e| format!("not a public key (SubjectPublicKeyInfo): {e}"))?;
    let bits = info.subject_public_key.raw_bytes();
    match info.algorithm.oid.to_string().as_str() {
        "1.2.840.113549.1.1.1" => Ok(rsa_jwk(
            &RsaPublicKey::from_public_key_der(der)
                .map_err(|e| format!("not a usable RSA public key: {e}"))?,
        )),
        "1.2.840.10045.2.1" => {
            let curve = info
                .algorithm
                .parameters_oid()
                .map_err(|_| "an EC key without a named curve")?
                .to_string();
            let (crv, size) = match curve.as_str() {
                "1.2.840.10045.3.1.7" => ("P-256", 32),
                "1.3.132.0.34" => ("P-384", 48),
                "1.3.132.0.35" => ("P-521", 66),
                other => return Err(format!("an EC key on curve {other}, not P-256/384/521")),
            };
            if bits.len() != 1 + 2 * size || bits[0] != 4 {
                return Err("an EC point that is not in uncompressed form".into());
            }
            Ok(json!({
                "kty": "EC",
                "crv": crv,
                "x": b64_encode(&bits[1..=size]),
                "y": b64_encode(&bits[1 + size..]),
            }))
        }
        "1.3.101.112" if bits.len() == 32 => {
            Ok(json!({"kty": "OKP", "crv": "Ed25519", "x": b64_encode(bits)}))
        }
        // X25519 (RFC 8410): a recipient's key for ECDH-ES, when a token is made for it.
        "1.3.101.110" if bits.len() == 32 => {
            Ok(json!({"kty": "OKP", "crv": "X25519", "x": b64_encode(bits)}))
        }
        other => Err(format!(
            "a public key of algorithm {other}, not RSA, EC or Ed25519"
        )),
    }
}

/// One DER element: (tag, content, the rest after it).
fn der_element(input: &[u8]) -> Option<(u8, &[u8], &[u8])> {
    let tag = *input.first()?;
    let first = *input.get(1)? as usize;
    let (len, head) = match first {
        0..=0x7f => (first, 2),
        0x81..=0x83 => {
            let n = first - 0x80;
            let bytes = input.get(2..2 + n)?;
            (
                bytes.iter().fold(0usize, |acc, b| (acc << 8) | *b as usize),
                2 + n,
            )
        }
        _ => return None,
    };
    let end = head.checked_add(len)?;
    Some((tag, input.get(head..end)?, input.get(end..)?))
}

/// The `subjectPublicKeyInfo` (whole element, DER) of an X.509 certificate.
fn certificate_spki(cert: &[u8]) -> Option<&[u8]> {
    let (0x30, body, _) = der_element(cert)? else {
        return None;
    };
    let (0x30, tbs, _) = der_element(body)? else {
        return None;
    };
    let mut rest = tbs;
    // [0] version (optional), serial, signature algorithm, issuer, validity, subject.
    if rest.first() == Some(&0xa0) {
        rest = der_element(rest)?.2;
    }
    for _ in 0..5 {
        rest = der_element(rest)?.2;
    }
    let (tag, _, after) = der_element(rest)?;
    (tag == 0x30).then(|| &rest[..rest.len() - after.len()])
}

/// Public members of a JWK for display (never `d` or `k`).
pub fn public_members(jwk: &Value) -> Map<String, Value> {
    jwk.as_object()
        .map(|m| {
            m.iter()
                .filter(|(k, _)| !PRIVATE_MEMBERS.contains(&k.as_str()) && k.as_str() != "k")
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect()
        })
        .unwrap_or_default()
}
