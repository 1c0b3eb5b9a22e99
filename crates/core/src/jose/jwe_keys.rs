//! JWE key management beyond RSA (RFC 7518 §4.4-4.8): the content encryption key from the
//! header, the encrypted key (part 2) and the recipient's key, for `ECDH-ES` and
//! `ECDH-ES+A128KW/A192KW/A256KW` (EC P-256/384/521, X25519), `A128KW/A192KW/A256KW`,
//! `A128GCMKW/A192GCMKW/A256GCMKW` and `PBES2-HS256+A128KW/HS384+A192KW/HS512+A256KW`.
//! Every primitive is RustCrypto's (`p256`/`p384`/`p521`, `x25519-dalek`, `aes-kw`, `aes-gcm`,
//! `pbkdf2`, `concat-kdf`); the JOSE steps are here: which header member feeds which input, the
//! Concat KDF's OtherInfo (§4.6.2), the PBES2 salt (§4.8.1.1), and the bounds (a `p2c` past
//! [`MAX_P2C`] is refused before any hashing). Never panics on what a token carries.

use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use serde_json::{Map, Value};
use std::fmt;

/// Most PBKDF2 iterations (`p2c`) a token may ask for. Producers use 1,000 to 10,000 (RFC 7518
/// §4.8.1.2 asks for at least 1,000; node `jose` writes 2,048 and reads up to 10,000); ten times
/// that still costs well under a second, and a token cannot make Tokenscope spin past it.
pub const MAX_P2C: u64 = 100_000;

/// Key management by RSA, or with the shared key used as the content key (`dir`): handled by the
/// decryption and the encoder themselves.
pub const DIRECT_ALGS: [&str; 4] = ["RSA-OAEP", "RSA-OAEP-256", "RSA1_5", "dir"];

/// Every key management algorithm Tokenscope decrypts and makes: [`DIRECT_ALGS`] and [`ALGS`].
pub const KEY_ALGS: [&str; 17] = concat(DIRECT_ALGS, ALGS);

/// Content encryption algorithms (RFC 7518 §5), decrypted and made.
pub const ENCS: [&str; 6] = [
    "A128GCM",
    "A192GCM",
    "A256GCM",
    "A128CBC-HS256",
    "A192CBC-HS384",
    "A256CBC-HS512",
];

/// Two lists as one (`N` must be `A + B`: anything else does not compile).
const fn concat<const A: usize, const B: usize, const N: usize>(
    a: [&'static str; A],
    b: [&'static str; B],
) -> [&'static str; N] {
    assert!(A + B == N, "the lengths do not add up");
    let mut out = [""; N];
    let mut i = 0;
    while i < A {
        out[i] = a[i];
        i += 1;
    }
    while i < N {
        out[i] = b[i - A];
        i += 1;
    }
    out
}

/// The key management algorithms handled here.
pub const ALGS: [&str; 13] = [
    "ECDH-ES",
    "ECDH-ES+A128KW",
    "ECDH-ES+A192KW",
    "ECDH-ES+A256KW",
    "A128KW",
    "A192KW",
    "A256KW",
    "A128GCMKW",
    "A192GCMKW",
    "A256GCMKW",
    "PBES2-HS256+A128KW",
    "PBES2-HS384+A192KW",
    "PBES2-HS512+A256KW",
];

/// A private key for ECDH-ES key agreement. Its `Debug` never shows key material.
#[derive(Clone)]
pub enum AgreementKey {
    /// NIST P-256.
    P256(p256::SecretKey),
    /// NIST P-384.
    P384(p384::SecretKey),
    /// NIST P-521.
    P521(p521::SecretKey),
    /// X25519 (RFC 8037).
    X25519(x25519_dalek::StaticSecret),
}

impl AgreementKey {
    /// The curve's JOSE name (`crv`).
    pub fn curve(&self) -> &'static str {
        match self {
            AgreementKey::P256(_) => "P-256",
            AgreementKey::P384(_) => "P-384",
            AgreementKey::P521(_) => "P-521",
            AgreementKey::X25519(_) => "X25519",
        }
    }

    /// The private scalar of a JWK (`d`) on curve `crv`; when the JWK has its public point
    /// (`x`, `y`), it must be the one `d` gives.
    pub fn from_jwk(crv: &str, d: &[u8], jwk: &Map<String, Value>) -> Result<Self, String> {
        let member = |name: &str| -> Option<Result<Vec<u8>, String>> {
            jwk.get(name).and_then(Value::as_str).map(|t| {
                URL_SAFE_NO_PAD
                    .decode(t.trim_end_matches('='))
                    .map_err(|e| format!("`{name}` is not base64url: {e}"))
            })
        };
        let mismatch = || format!("the {crv} key's `d` does not belong to its `x`/`y`");
        macro_rules! nist {
            ($curve:ident, $variant:ident, $len:expr) => {{
                if d.len() != $len {
                    return Err(format!(
                        "`d` of a {crv} key is {} bytes, {} expected",
                        d.len(),
                        $len
                    ));
                }
                let key = $curve::SecretKey::from_slice(d)
                    .map_err(|_| format!("`d` is not a valid {crv} private key"))?;
                use $curve::elliptic_curve::sec1::ToEncodedPoint as _;
                let point = key.public_key().to_encoded_point(false);
                if let (Some(x), Some(y)) = (member("x"), member("y")) {
                    if point.x().map(|p| &p[..]) != Some(&x?[..])
                        || point.y().map(|p| &p[..]) != Some(&y?[..])
                    {
                        return Err(mismatch());
                    }
                }
                AgreementKey::$variant(key)
            }};
        }
        Ok(match crv {
            "P-256" => nist!(p256, P256, 32),
            "P-384" => nist!(p384, P384, 48),
            "P-521" => nist!(p521, P521, 66),
            "X25519" => {
                let d: [u8; 32] = d.try_into().map_err(|_| {
                    format!("`d` of an X25519 key is {} bytes, 32 expected", d.len())
                })?;
                let key = x25519_dalek::StaticSecret::from(d);
                if let Some(x) = member("x") {
                    if x?.as_slice() != x25519_dalek::PublicKey::from(&key).as_bytes() {
                        return Err("the X25519 key's `d` does not belong to its `x`".into());
                    }
                }
                AgreementKey::X25519(key)
            }
            "Ed25519" | "Ed448" => {
                return Err(format!(
                    "an {crv} key signs; JWE key agreement (ECDH-ES) uses X25519 or an EC key"
                ))
            }
            other => {
                return Err(format!(
                    "a key on curve {other}: ECDH-ES here uses P-256, P-384, P-521 or X25519"
                ))
            }
        })
    }

    /// A PKCS#8 private key (DER) on one of the curves, if it is one.
    pub fn from_pkcs8(der: &[u8]) -> Option<Self> {
        use pkcs8::DecodePrivateKey as _;
        if let Ok(k) = p256::SecretKey::from_pkcs8_der(der) {
            return Some(AgreementKey::P256(k));
        }
        if let Ok(k) = p384::SecretKey::from_pkcs8_der(der) {
            return Some(AgreementKey::P384(k));
        }
        if let Ok(k) = p521::SecretKey::from_pkcs8_der(der) {
            return Some(AgreementKey::P521(k));
        }
        // X25519 (RFC 8410): the private key is an OCTET STRING inside the OCTET STRING.
        let info = pkcs8::PrivateKeyInfo::try_from(der).ok()?;
        if info.algorithm.oid.to_string() != "1.3.101.110" {
            return None;
        }
        use pkcs8::der::Decode as _;
        let inner = pkcs8::der::asn1::OctetStringRef::from_der(info.private_key).ok()?;
        let d: [u8; 32] = inner.as_bytes().try_into().ok()?;
        Some(AgreementKey::X25519(x25519_dalek::StaticSecret::from(d)))
    }

    /// A SEC1 `EC PRIVATE KEY` (DER) on one of the NIST curves.
    pub fn from_sec1(der: &[u8]) -> Result<Self, String> {
        if let Ok(k) = p256::SecretKey::from_sec1_der(der) {
            return Ok(AgreementKey::P256(k));
        }
        if let Ok(k) = p384::SecretKey::from_sec1_der(der) {
            return Ok(AgreementKey::P384(k));
        }
        if let Ok(k) = p521::SecretKey::from_sec1_der(der) {
            return Ok(AgreementKey::P521(k));
        }
        Err("an EC PRIVATE KEY that is not a P-256, P-384 or P-521 key".into())
    }

    /// The shared secret Z with the sender's ephemeral public key (`epk`, a JWK).
    fn agree(&self, epk: &Map<String, Value>) -> Result<Vec<u8>, String> {
        let s = |name: &str| epk.get(name).and_then(Value::as_str);
        let bytes = |name: &str| -> Result<Vec<u8>, String> {
            URL_SAFE_NO_PAD
                .decode(
                    s(name)
                        .ok_or(format!("the header's `epk` has no `{name}`"))?
                        .trim_end_matches('='),
                )
                .map_err(|e| format!("`epk.{name}` is not base64url: {e}"))
        };
        let crv = s("crv").ok_or("the header's `epk` has no `crv`")?;
        if crv != self.curve() {
            return Err(format!(
                "the token's ephemeral key (`epk`) is on {crv}, this key on {}",
                self.curve()
            ));
        }
        let off_curve = || format!("the header's `epk` is not a point on {crv}");
        macro_rules! nist {
            ($curve:ident, $key:expr) => {{
                if s("kty") != Some("EC") {
                    return Err(format!("the header's `epk` on {crv} is not `kty: EC`"));
                }
                let mut sec1 = vec![4u8];
                sec1.extend(bytes("x")?);
                sec1.extend(bytes("y")?);
                // from_sec1_bytes checks the point is on the curve (no invalid-curve attack).
                let public = $curve::PublicKey::from_sec1_bytes(&sec1).map_err(|_| off_curve())?;
                let shared =
                    $curve::ecdh::diffie_hellman($key.to_nonzero_scalar(), public.as_affine());
                Ok(shared.raw_secret_bytes().to_vec())
            }};
        }
        match self {
            AgreementKey::P256(k) => nist!(p256, k),
            AgreementKey::P384(k) => nist!(p384, k),
            AgreementKey::P521(k) => nist!(p521, k),
            AgreementKey::X25519(k) => {
                if s("kty") != Some("OKP") {
                    return Err("the header's `epk` on X25519 is not `kty: OKP`".into());
                }
                let x: [u8; 32] = bytes("x")?.try_into().map_err(|_| off_curve())?;
                let shared = k.diffie_hellman(&x25519_dalek::PublicKey::from(x));
                // A low-order point gives an all-zero secret that anyone knows (RFC 7748 §6.1).
                if !shared.was_contributory() {
                    return Err(
                        "the header's `epk` is a low-order X25519 point: refused".to_owned()
                    );
                }
                Ok(shared.as_bytes().to_vec())
            }
        }
    }
}

impl fmt::Debug for AgreementKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "AgreementKey({}: [redacted])", self.curve())
    }
}

/// The recipient's secret as key management sees it.
#[derive(Clone, Copy)]
pub enum Secret<'a> {
    /// A symmetric key (`oct` JWK `k`) for `A*KW`/`A*GCMKW`, or a PBES2 password.
    Bytes(&'a [u8]),
    /// A password given as the key text: PBES2 only.
    Password(&'a [u8]),
    /// An EC or X25519 private key.
    Agreement(&'a AgreementKey),
}

/// The content encryption key of `key_len` bytes (the length `enc` needs), for the key
/// management algorithm `alg` (one of [`ALGS`]).
pub fn content_key(
    alg: &str,
    enc: &str,
    header: &Map<String, Value>,
    encrypted_key: &[u8],
    secret: Secret<'_>,
    key_len: usize,
) -> Result<Vec<u8>, String> {
    let header_bytes = |name: &str| -> Result<Vec<u8>, String> {
        let text = header
            .get(name)
            .ok_or(format!("{alg} needs the header member `{name}`"))?
            .as_str()
            .ok_or(format!("the header's `{name}` is not a string"))?;
        URL_SAFE_NO_PAD
            .decode(text.trim_end_matches('='))
            .map_err(|e| format!("the header's `{name}` is not base64url: {e}"))
    };
    match (alg, secret) {
        (a, Secret::Agreement(key)) if a.starts_with("ECDH-ES") => {
            let epk = header
                .get("epk")
                .ok_or("ECDH-ES needs the header member `epk` (the sender's ephemeral key)")?
                .as_object()
                .ok_or("the header's `epk` is not a JWK object")?;
            let z = key.agree(epk)?;
            let optional = |name: &str| {
                if header.contains_key(name) {
                    header_bytes(name)
                } else {
                    Ok(Vec::new())
                }
            };
            let (apu, apv) = (optional("apu")?, optional("apv")?);
            if alg == "ECDH-ES" {
                if !encrypted_key.is_empty() {
                    return Err("`ECDH-ES` but the encrypted key (part 2) is not empty".into());
                }
                return concat_kdf(&z, enc, &apu, &apv, key_len);
            }
            let kek_len = kw_len(&alg["ECDH-ES+".len()..]);
            let kek = concat_kdf(&z, alg, &apu, &apv, kek_len)?;
            aes_unwrap(&kek, encrypted_key, key_len)
        }
        (a, Secret::Bytes(k)) if a.ends_with("GCMKW") => {
            let want = kw_len(&alg[..alg.len() - "GCMKW".len()]);
            own_length(alg, k, want)?;
            let iv = header_bytes("iv")?;
            let tag = header_bytes("tag")?;
            if iv.len() != 12 {
                return Err(format!(
                    "the header's `iv` is {} bytes, 12 expected",
                    iv.len()
                ));
            }
            if tag.len() != 16 {
                return Err(format!(
                    "the header's `tag` is {} bytes, 16 expected",
                    tag.len()
                ));
            }
            let mut sealed = encrypted_key.to_vec();
            sealed.extend_from_slice(&tag);
            let iv: [u8; 12] = iv
                .try_into()
                .map_err(|_| "the header's `iv` is not 12 bytes")?;
            let nonce = &aes_gcm::Nonce::<U12>::from(iv);
            let payload = Payload {
                msg: &sealed,
                aad: b"",
            };
            let opened = match want {
                16 => gcm::<aes::Aes128>(k)?.decrypt(nonce, payload),
                24 => gcm::<aes::Aes192>(k)?.decrypt(nonce, payload),
                _ => gcm::<aes::Aes256>(k)?.decrypt(nonce, payload),
            };
            let cek = opened.map_err(|_| {
                "the content key does not unwrap (AES-GCM tag of the header's `tag`): not the \
                 recipient's key, or the token was changed"
                    .to_owned()
            })?;
            checked_len(cek, key_len)
        }
        (a, Secret::Bytes(k)) if a.starts_with('A') && a.ends_with("KW") => {
            own_length(alg, k, kw_len(alg))?;
            aes_unwrap(k, encrypted_key, key_len)
        }
        (a, Secret::Bytes(password) | Secret::Password(password)) if a.starts_with("PBES2-") => {
            let p2s = header_bytes("p2s")?;
            let p2c = header
                .get("p2c")
                .ok_or("PBES2 needs the header member `p2c` (the iteration count)")?
                .as_u64()
                .filter(|n| *n >= 1)
                .ok_or("the header's `p2c` is not a positive whole number")?;
            if p2c > MAX_P2C {
                return Err(format!(
                    "the header asks for {p2c} PBKDF2 iterations (`p2c`); Tokenscope does at most \
                     {MAX_P2C}, so a token cannot make it spin"
                ));
            }
            if p2s.len() < 8 {
                return Err(format!(
                    "the header's salt `p2s` is {} bytes; RFC 7518 §4.8.1.1 requires at least 8",
                    p2s.len()
                ));
            }
            // §4.8.1.1: the salt is the algorithm's name, a zero byte, then p2s.
            let mut salt = alg.as_bytes().to_vec();
            salt.push(0);
            salt.extend_from_slice(&p2s);
            let rounds = p2c as u32; // ≤ MAX_P2C
            let kek_len = kw_len(&alg[alg.len() - "A128KW".len()..]);
            let mut kek = vec![0u8; kek_len];
            match alg {
                "PBES2-HS256+A128KW" => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(password, &salt, rounds, &mut kek)
                }
                "PBES2-HS384+A192KW" => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha384>(password, &salt, rounds, &mut kek)
                }
                _ => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(password, &salt, rounds, &mut kek),
            }
            aes_unwrap(&kek, encrypted_key, key_len)
        }
        (_, Secret::Password(_)) => Err(format!(
            "{alg} needs a key; the key text was read as a password (it is not a JWK, a JWKS or \
             a PEM key), and a password decrypts only PBES2-HS256+A128KW, PBES2-HS384+A192KW \
             and PBES2-HS512+A256KW"
        )),
        (a, Secret::Agreement(key)) => Err(format!(
            "{a} needs a symmetric key (an `oct` JWK); this is an {} private key, for ECDH-ES",
            key.curve()
        )),
        (a, Secret::Bytes(_)) => Err(format!(
            "{a} needs an EC (P-256/384/521) or X25519 private key, not a symmetric key"
        )),
    }
}

/// The key length in bytes of `A128KW`-style names (`A128KW`, `A192`, `A256GCM`…).
pub(crate) fn kw_len(name: &str) -> usize {
    if name.starts_with("A128") {
        16
    } else if name.starts_with("A192") {
        24
    } else {
        32
    }
}

fn own_length(alg: &str, k: &[u8], want: usize) -> Result<(), String> {
    if k.len() != want {
        return Err(format!(
            "{alg} needs a {}-bit key; this one is {} bits",
            want * 8,
            k.len() * 8
        ));
    }
    Ok(())
}

fn checked_len(cek: Vec<u8>, key_len: usize) -> Result<Vec<u8>, String> {
    if cek.len() != key_len {
        return Err(format!(
            "the content key is {} bytes, the encryption needs {key_len}",
            cek.len()
        ));
    }
    Ok(cek)
}

fn gcm<C>(key: &[u8]) -> Result<AesGcm<C, U12>, String>
where
    AesGcm<C, U12>: KeyInit,
{
    AesGcm::<C, U12>::new_from_slice(key).map_err(|e| e.to_string())
}

/// AES Key Wrap (RFC 3394) unwrapping with a key of 16, 24 or 32 bytes.
fn aes_unwrap(kek: &[u8], wrapped: &[u8], key_len: usize) -> Result<Vec<u8>, String> {
    if wrapped.len() != key_len + 8 {
        return Err(format!(
            "the encrypted key (part 2) is {} bytes; a wrapped {key_len}-byte content key is {}",
            wrapped.len(),
            key_len + 8
        ));
    }
    let unwrapped = match kek.len() {
        16 => aes_kw::KekAes128::try_from(kek).map(|k| k.unwrap_vec(wrapped)),
        24 => aes_kw::KekAes192::try_from(kek).map(|k| k.unwrap_vec(wrapped)),
        _ => aes_kw::KekAes256::try_from(kek).map(|k| k.unwrap_vec(wrapped)),
    };
    let cek = unwrapped.map_err(|e| e.to_string())?.map_err(|_| {
        "the content key does not unwrap (the AES Key Wrap integrity check fails): not the \
             recipient's key, or the token was changed"
            .to_owned()
    })?;
    checked_len(cek, key_len)
}

/// The Concat KDF of RFC 7518 §4.6.2 (NIST SP 800-56A), SHA-256: `key_len` bytes from Z, with
/// OtherInfo = AlgorithmID || PartyUInfo || PartyVInfo (each a 32-bit big-endian length then
/// the bytes) || SuppPubInfo (the key length in bits, 32-bit big-endian).
pub(crate) fn concat_kdf(
    z: &[u8],
    algorithm_id: &str,
    apu: &[u8],
    apv: &[u8],
    key_len: usize,
) -> Result<Vec<u8>, String> {
    let mut other = Vec::new();
    for field in [algorithm_id.as_bytes(), apu, apv] {
        let len = u32::try_from(field.len()).map_err(|_| "`apu`/`apv` too long")?;
        other.extend_from_slice(&len.to_be_bytes());
        other.extend_from_slice(field);
    }
    other.extend_from_slice(&((key_len as u32) * 8).to_be_bytes());
    let mut key = vec![0u8; key_len];
    concat_kdf::derive_key_into::<sha2::Sha256>(z, &other, &mut key)
        .map_err(|e| format!("the Concat KDF fails: {e}"))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// RFC 7518 Appendix C: the Concat KDF example (ECDH-ES with A128GCM, apu "Alice", apv "Bob").
    #[test]
    fn concat_kdf_matches_rfc_7518_appendix_c() {
        let z: [u8; 32] = [
            158, 86, 217, 29, 129, 113, 53, 211, 114, 131, 66, 131, 191, 132, 38, 156, 251, 49,
            110, 163, 218, 128, 106, 72, 246, 218, 167, 121, 140, 254, 144, 196,
        ];
        let key = concat_kdf(&z, "A128GCM", b"Alice", b"Bob", 16).unwrap();
        assert_eq!(URL_SAFE_NO_PAD.encode(key), "VqqN6vgjbSBcIijNcacQGg");
    }

    #[test]
    fn a_p2c_above_the_cap_is_refused_before_hashing() {
        let mut header = Map::new();
        header.insert("p2s".into(), Value::from("AAAAAAAAAAAAAAAA"));
        header.insert("p2c".into(), Value::from(MAX_P2C + 1));
        let started = std::time::Instant::now();
        let e = content_key(
            "PBES2-HS256+A128KW",
            "A128GCM",
            &header,
            &[0u8; 24],
            Secret::Password(b"pw"),
            16,
        )
        .unwrap_err();
        assert!(e.contains("at most 100000"), "{e}");
        assert!(started.elapsed() < std::time::Duration::from_millis(50));
        header.insert("p2c".into(), Value::from(u64::MAX));
        let e = content_key(
            "PBES2-HS256+A128KW",
            "A128GCM",
            &header,
            &[0u8; 24],
            Secret::Password(b"pw"),
            16,
        )
        .unwrap_err();
        assert!(e.contains("PBKDF2 iterations"), "{e}");
    }
}
