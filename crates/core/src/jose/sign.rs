//! JWS signing (RFC 7515 compact) with a private key, for making test tokens: `HS256/384/512`,
//! `RS256/384/512`, `PS256/384/512`, `ES256/384/512` and `EdDSA` (Ed25519). The signatures are
//! jsonwebtoken's (the crate that verifies them, RustCrypto inside), except `ES512`, which
//! jsonwebtoken lacks: that one is `p521`'s ECDSA, signing and verifying (decision record 0006).
//! This file only turns keys (JWK members, PKCS#8, PKCS#1 and SEC1 DER) into what those crates
//! take. Never panics on a key or claims from outside.

use crate::jose::jwt::b64_encode;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};
use rsa::pkcs1::{DecodeRsaPrivateKey, EncodeRsaPrivateKey};
use rsa::pkcs8::DecodePrivateKey;
use rsa::{BigUint, RsaPrivateKey};
use serde_json::{Map, Value};
use std::fmt;

/// The signing algorithms the encoder makes.
pub const ALGS: [&str; 13] = [
    "HS256", "HS384", "HS512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256",
    "ES384", "ES512", "EdDSA",
];

/// A private key that signs. Its `Debug` never shows key material.
#[derive(Clone)]
pub enum SigningKey {
    /// An HMAC secret (`oct` JWK `k`).
    Hmac(Vec<u8>),
    /// RSA, for `RS*` and `PS*`.
    Rsa(Box<RsaPrivateKey>),
    /// NIST P-256, for `ES256`.
    P256(p256::SecretKey),
    /// NIST P-384, for `ES384`.
    P384(p384::SecretKey),
    /// NIST P-521, for `ES512`.
    P521(p521::SecretKey),
    /// Ed25519 (RFC 8037), for `EdDSA`: the 32-byte private key.
    Ed25519(ed25519_dalek::SigningKey),
}

impl fmt::Debug for SigningKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "SigningKey({}: [redacted])", self.describe())
    }
}

impl SigningKey {
    /// "an RSA key (2048 bits)", for messages.
    pub fn describe(&self) -> String {
        use rsa::traits::PublicKeyParts as _;
        match self {
            SigningKey::Hmac(k) => format!("a symmetric key ({} bits)", k.len() * 8),
            SigningKey::Rsa(k) => format!("an RSA key ({} bits)", k.size() * 8),
            SigningKey::P256(_) => "an EC P-256 key".into(),
            SigningKey::P384(_) => "an EC P-384 key".into(),
            SigningKey::P521(_) => "an EC P-521 key".into(),
            SigningKey::Ed25519(_) => "an Ed25519 key".into(),
        }
    }

    /// The algorithms this key can sign with.
    pub fn algs(&self) -> &'static [&'static str] {
        match self {
            SigningKey::Hmac(_) => &["HS256", "HS384", "HS512"],
            SigningKey::Rsa(_) => &["RS256", "RS384", "RS512", "PS256", "PS384", "PS512"],
            SigningKey::P256(_) => &["ES256"],
            SigningKey::P384(_) => &["ES384"],
            SigningKey::P521(_) => &["ES512"],
            SigningKey::Ed25519(_) => &["EdDSA"],
        }
    }

    /// A private JWK: `oct` (`k`), `RSA` (`n`, `e`, `d`, and `p`, `q` when present), `EC` on
    /// P-256/384/521 (`d`; `x`/`y` must belong to it when given) or `OKP` Ed25519 (`d`).
    pub fn from_jwk(jwk: &Map<String, Value>) -> Result<Self, String> {
        let s = |name: &str| jwk.get(name).and_then(Value::as_str);
        let bytes = |name: &str| -> Result<Vec<u8>, String> {
            URL_SAFE_NO_PAD
                .decode(
                    s(name)
                        .ok_or_else(|| format!("the JWK has no `{name}` member"))?
                        .trim_end_matches('='),
                )
                .map_err(|e| format!("`{name}` is not base64url: {e}"))
        };
        let public_only = || {
            "a public key cannot sign: give the private key (a JWK with `d`, or a PEM PRIVATE \
             KEY)"
                .to_owned()
        };
        match s("kty") {
            Some("oct") => {
                let k = bytes("k")?;
                if k.is_empty() {
                    return Err("the `oct` key is empty".into());
                }
                Ok(SigningKey::Hmac(k))
            }
            Some("RSA") => {
                if s("d").is_none() {
                    return Err(public_only());
                }
                let big = |name: &str| bytes(name).map(|b| BigUint::from_bytes_be(&b));
                let primes = match (s("p"), s("q")) {
                    (Some(_), Some(_)) => vec![big("p")?, big("q")?],
                    _ => Vec::new(),
                };
                let key = RsaPrivateKey::from_components(big("n")?, big("e")?, big("d")?, primes)
                    .map_err(|e| format!("not a usable RSA private key: {e}"))?;
                key.validate()
                    .map_err(|e| format!("not a consistent RSA private key: {e}"))?;
                Ok(SigningKey::Rsa(Box::new(key)))
            }
            Some("EC") => {
                if s("d").is_none() {
                    return Err(public_only());
                }
                let d = bytes("d")?;
                let crv = s("crv").ok_or("an EC key without `crv`")?;
                let mismatch = || format!("the {crv} key's `d` does not belong to its `x`/`y`");
                macro_rules! nist {
                    ($curve:ident, $variant:ident) => {{
                        let key = $curve::SecretKey::from_slice(&d)
                            .map_err(|_| format!("`d` is not a valid {crv} private key"))?;
                        use $curve::elliptic_curve::sec1::ToEncodedPoint as _;
                        let point = key.public_key().to_encoded_point(false);
                        if s("x").is_some() || s("y").is_some() {
                            let (x, y) = (bytes("x")?, bytes("y")?);
                            if point.x().map(|p| &p[..]) != Some(&x[..])
                                || point.y().map(|p| &p[..]) != Some(&y[..])
                            {
                                return Err(mismatch());
                            }
                        }
                        SigningKey::$variant(key)
                    }};
                }
                Ok(match crv {
                    "P-256" => nist!(p256, P256),
                    "P-384" => nist!(p384, P384),
                    "P-521" => nist!(p521, P521),
                    other => {
                        return Err(format!(
                            "an EC key on {other}: ES256/384/512 use P-256, P-384 or P-521"
                        ))
                    }
                })
            }
            Some("OKP") => {
                if s("d").is_none() {
                    return Err(public_only());
                }
                match s("crv") {
                    Some("Ed25519") => {
                        let d: [u8; 32] = bytes("d")?.try_into().map_err(|v: Vec<u8>| {
                            format!("`d` of an Ed25519 key is {} bytes, 32 expected", v.len())
                        })?;
                        let key = ed25519_dalek::SigningKey::from_bytes(&d);
                        if s("x").is_some() && bytes("x")? != key.verifying_key().as_bytes() {
                            return Err("the Ed25519 key's `d` does not belong to its `x`".into());
                        }
                        Ok(SigningKey::Ed25519(key))
                    }
                    Some(crv @ "X25519") => Err(format!(
                        "an {crv} key agrees on keys (ECDH-ES), it cannot sign: EdDSA uses Ed25519"
                    )),
                    Some(other) => Err(format!("an OKP key on {other}: EdDSA here uses Ed25519")),
                    None => Err("an OKP key without `crv`".into()),
                }
            }
            Some(other) => Err(format!(
                "a {other} key: signing takes `oct` (HS*), RSA (RS*, PS*), EC (ES*) or OKP \
                 Ed25519 (EdDSA) keys"
            )),
            None => Err("the JWK has no `kty` member".into()),
        }
    }

    /// A PEM block's DER: `PRIVATE KEY` (PKCS#8 of RSA, P-256/384/521 or Ed25519),
    /// `RSA PRIVATE KEY` (PKCS#1) or `EC PRIVATE KEY` (SEC1).
    pub fn from_pem_block(label: &str, der: &[u8]) -> Result<Self, String> {
        match label {
            "PRIVATE KEY" => {
                if let Ok(k) = RsaPrivateKey::from_pkcs8_der(der) {
                    return Ok(SigningKey::Rsa(Box::new(k)));
                }
                if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
                    return Ok(SigningKey::P256(k));
                }
                if let Ok(k) = p384::SecretKey::from_pkcs8_der(der) {
                    return Ok(SigningKey::P384(k));
                }
                if let Ok(k) = p521::SecretKey::from_pkcs8_der(der) {
                    return Ok(SigningKey::P521(k));
                }
                if let Ok(k) = ed25519_dalek::SigningKey::from_pkcs8_der(der) {
                    return Ok(SigningKey::Ed25519(k));
                }
                Err("a PKCS#8 private key that is not RSA, EC P-256/384/521 or Ed25519".into())
            }
            "RSA PRIVATE KEY" => RsaPrivateKey::from_pkcs1_der(der)
                .map(|k| SigningKey::Rsa(Box::new(k)))
                .map_err(|e| format!("not an RSA private key: {e}")),
            "EC PRIVATE KEY" => {
                if let Ok(k) = p256::SecretKey::from_sec1_der(der) {
                    return Ok(SigningKey::P256(k));
                }
                if let Ok(k) = p384::SecretKey::from_sec1_der(der) {
                    return Ok(SigningKey::P384(k));
                }
                if let Ok(k) = p521::SecretKey::from_sec1_der(der) {
                    return Ok(SigningKey::P521(k));
                }
                Err("an EC PRIVATE KEY that is not a P-256, P-384 or P-521 key".into())
            }
            "PUBLIC KEY" | "RSA PUBLIC KEY" | "CERTIFICATE" => Err(
                "a public key cannot sign: give the private key (PEM PRIVATE KEY, or a JWK with \
                 `d`)"
                    .into(),
            ),
            "ENCRYPTED PRIVATE KEY" => Err("the private key is protected by a passphrase: \
                                            remove it first (openssl pkey -in key.pem -out \
                                            plain.pem)"
                .into()),
            other => Err(format!(
                "a PEM block `{other}` is not a key Tokenscope reads"
            )),
        }
    }

    /// The public JWK of this key (no private member); `None` for an HMAC secret.
    pub fn public_jwk(&self) -> Option<Value> {
        use rsa::traits::PublicKeyParts as _;
        macro_rules! ec {
            ($curve:ident, $key:expr, $crv:expr) => {{
                use $curve::elliptic_curve::sec1::ToEncodedPoint as _;
                let p = $key.public_key().to_encoded_point(false);
                serde_json::json!({
                    "kty": "EC",
                    "crv": $crv,
                    "x": b64_encode(p.x().map(|x| &x[..]).unwrap_or_default()),
                    "y": b64_encode(p.y().map(|y| &y[..]).unwrap_or_default()),
                })
            }};
        }
        Some(match self {
            SigningKey::Hmac(_) => return None,
            SigningKey::Rsa(k) => serde_json::json!({
                "kty": "RSA",
                "n": b64_encode(&k.n().to_bytes_be()),
                "e": b64_encode(&k.e().to_bytes_be()),
            }),
            SigningKey::P256(k) => ec!(p256, k, "P-256"),
            SigningKey::P384(k) => ec!(p384, k, "P-384"),
            SigningKey::P521(k) => ec!(p521, k, "P-521"),
            SigningKey::Ed25519(k) => serde_json::json!({
                "kty": "OKP",
                "crv": "Ed25519",
                "x": b64_encode(k.verifying_key().as_bytes()),
            }),
        })
    }

    /// The signature over `message` (`header.payload`) with `alg`, base64url.
    pub fn sign(&self, alg: &str, message: &[u8]) -> Result<String, String> {
        if !self.algs().contains(&alg) {
            return Err(if ALGS.contains(&alg) {
                format!(
                    "{alg} needs {}; this is {} (it signs {})",
                    key_needed(alg),
                    self.describe(),
                    self.algs().join(", ")
                )
            } else {
                format!(
                    "`{alg}` is not a signing algorithm Tokenscope makes ({})",
                    ALGS.join(", ")
                )
            });
        }
        let der_failed = |e: &dyn fmt::Display| format!("the key does not encode: {e}");
        let encoding = match self {
            SigningKey::Hmac(k) => EncodingKey::from_secret(k),
            SigningKey::Rsa(k) => {
                EncodingKey::from_rsa_der(k.to_pkcs1_der().map_err(|e| der_failed(&e))?.as_bytes())
            }
            SigningKey::P256(k) => {
                use p256::pkcs8::EncodePrivateKey as _;
                EncodingKey::from_ec_der(k.to_pkcs8_der().map_err(|e| der_failed(&e))?.as_bytes())
            }
            SigningKey::P384(k) => {
                use p384::pkcs8::EncodePrivateKey as _;
                EncodingKey::from_ec_der(k.to_pkcs8_der().map_err(|e| der_failed(&e))?.as_bytes())
            }
            SigningKey::P521(k) => {
                use p521::ecdsa::signature::RandomizedSigner as _;
                let signer = p521::ecdsa::SigningKey::from_slice(&k.to_bytes())
                    .map_err(|e| der_failed(&e))?;
                let signature: p521::ecdsa::Signature =
                    signer.sign_with_rng(&mut rand::rngs::OsRng, message);
                return Ok(b64_encode(&signature.to_bytes()));
            }
            SigningKey::Ed25519(k) => {
                use ed25519_dalek::pkcs8::EncodePrivateKey as _;
                EncodingKey::from_ed_der(k.to_pkcs8_der().map_err(|e| der_failed(&e))?.as_bytes())
            }
        };
        let algorithm: Algorithm = alg
            .parse()
            .map_err(|_| format!("`{alg}` is not a JWS algorithm"))?;
        jsonwebtoken::crypto::sign(message, &encoding, algorithm)
            .map_err(|e| format!("{alg} signing failed: {e}"))
    }
}

/// What kind of key an algorithm needs, in words.
pub fn key_needed(alg: &str) -> &'static str {
    match alg {
        a if a.starts_with("HS") => "a symmetric key (an `oct` JWK)",
        a if a.starts_with("RS") || a.starts_with("PS") => "an RSA private key",
        "ES256" => "an EC P-256 private key",
        "ES384" => "an EC P-384 private key",
        "ES512" => "an EC P-521 private key",
        _ => "an Ed25519 private key",
    }
}

/// A compact JWS of `header` and `payload` (both serialized as given, in order), signed with
/// `key`; the header's `alg` says how.
pub fn sign_compact(
    header: &Map<String, Value>,
    payload: &[u8],
    key: &SigningKey,
) -> Result<String, String> {
    let alg = header
        .get("alg")
        .and_then(Value::as_str)
        .ok_or("the header has no `alg`")?;
    let header_json = serde_json::to_vec(header).map_err(|e| e.to_string())?;
    let message = format!("{}.{}", b64_encode(&header_json), b64_encode(payload));
    let signature = key.sign(alg, message.as_bytes())?;
    Ok(format!("{message}.{signature}"))
}

/// Checks an `ES512` signature (raw `r || s`, 132 bytes) over `message` with a P-521 public JWK
/// (`x`, `y`). `Ok(false)` for a signature that does not match.
pub fn verify_es512(jwk: &Value, message: &[u8], signature: &[u8]) -> Result<bool, String> {
    use p521::ecdsa::signature::Verifier as _;
    let member = |name: &str| -> Result<Vec<u8>, String> {
        URL_SAFE_NO_PAD
            .decode(
                jwk.get(name)
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("the P-521 key has no `{name}`"))?
                    .trim_end_matches('='),
            )
            .map_err(|e| format!("`{name}` is not base64url: {e}"))
    };
    if jwk.get("crv").and_then(Value::as_str) != Some("P-521") {
        return Err("ES512 needs a P-521 key".into());
    }
    let (x, y) = (member("x")?, member("y")?);
    if x.len() != 66 || y.len() != 66 {
        return Err("the P-521 key's `x`/`y` are not 66 bytes each".into());
    }
    let mut sec1 = vec![4u8];
    sec1.extend(x);
    sec1.extend(y);
    let key = p521::ecdsa::VerifyingKey::from_sec1_bytes(&sec1)
        .map_err(|_| "the P-521 key's `x`/`y` are not a point on the curve".to_owned())?;
    let Ok(signature) = p521::ecdsa::Signature::from_slice(signature) else {
        return Ok(false);
    };
    Ok(key.verify(message, &signature).is_ok())
}

#[cfg(test)]
mod tests;
