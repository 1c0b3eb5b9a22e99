//! JWE compact encryption (RFC 7516), for making test tokens: key management `RSA-OAEP`,
//! `RSA-OAEP-256`, `RSA1_5`, `dir`, `ECDH-ES` (+`A128KW`/`A192KW`/`A256KW`; EC P-256/384/521 and
//! X25519 with a fresh ephemeral key), `A128KW`/`A192KW`/`A256KW`, `A128GCMKW`/`A192GCMKW`/
//! `A256GCMKW` and `PBES2-HS256+A128KW`/`-HS384+A192KW`/`-HS512+A256KW`; content encryption
//! `A128GCM`, `A192GCM`, `A256GCM`, `A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512`. The mirror
//! of the inspector's decryption, on the same RustCrypto primitives; the Concat KDF is
//! [`super::jwe_keys`]'s. Every random value (content key, IV, ephemeral key, salt) comes from
//! the OS. Never panics on a key from outside.

use crate::jose::jwe_keys::{concat_kdf, kw_len};
use crate::jose::jwt::b64_encode;
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockEncryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use rand::rngs::OsRng;
use rand::RngCore as _;
use rsa::{BigUint, Oaep, Pkcs1v15Encrypt, RsaPublicKey};
use serde_json::{json, Map, Value};
use std::fmt;

/// Key management and content encryption algorithms the encoder makes: the ones the
/// inspector decrypts, listed once in [`crate::jose::jwe_keys`].
pub use crate::jose::jwe_keys::{ENCS, KEY_ALGS};

/// PBKDF2 iterations written into `p2c` (RFC 7518 §4.8.1.2 asks for at least 1,000; node `jose`
/// writes 2,048 and reads up to 10,000).
pub const P2C: u32 = 2048;

/// The recipient's key, as the sender has it. Its `Debug` never shows key material.
#[derive(Clone)]
pub enum RecipientKey {
    /// RSA public key.
    Rsa(Box<RsaPublicKey>),
    /// P-256 public key.
    P256(p256::PublicKey),
    /// P-384 public key.
    P384(p384::PublicKey),
    /// P-521 public key.
    P521(p521::PublicKey),
    /// X25519 public key.
    X25519([u8; 32]),
    /// A shared symmetric key (`oct` JWK).
    Symmetric(Vec<u8>),
    /// A password (PBES2 only).
    Password(Vec<u8>),
}

impl fmt::Debug for RecipientKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RecipientKey({}: [redacted])", self.describe())
    }
}

impl RecipientKey {
    /// "an RSA public key", for messages.
    pub fn describe(&self) -> &'static str {
        match self {
            RecipientKey::Rsa(_) => "an RSA public key",
            RecipientKey::P256(_) => "an EC P-256 public key",
            RecipientKey::P384(_) => "an EC P-384 public key",
            RecipientKey::P521(_) => "an EC P-521 public key",
            RecipientKey::X25519(_) => "an X25519 public key",
            RecipientKey::Symmetric(_) => "a symmetric key",
            RecipientKey::Password(_) => "a password",
        }
    }

    /// A JWK (public or private: only the public members are used): `RSA` (`n`, `e`), `EC`
    /// (`crv`, `x`, `y`), `OKP` X25519 (`x`) or `oct` (`k`).
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
        match s("kty") {
            Some("RSA") => {
                let n = BigUint::from_bytes_be(&bytes("n")?);
                let e = BigUint::from_bytes_be(&bytes("e")?);
                RsaPublicKey::new(n, e)
                    .map(|k| RecipientKey::Rsa(Box::new(k)))
                    .map_err(|e| format!("not a usable RSA public key: {e}"))
            }
            Some("EC") => {
                let crv = s("crv").ok_or("an EC key without `crv`")?;
                let mut sec1 = vec![4u8];
                sec1.extend(bytes("x")?);
                sec1.extend(bytes("y")?);
                let off = || format!("the {crv} key's `x`/`y` are not a point on the curve");
                Ok(match crv {
                    "P-256" => RecipientKey::P256(
                        p256::PublicKey::from_sec1_bytes(&sec1).map_err(|_| off())?,
                    ),
                    "P-384" => RecipientKey::P384(
                        p384::PublicKey::from_sec1_bytes(&sec1).map_err(|_| off())?,
                    ),
                    "P-521" => RecipientKey::P521(
                        p521::PublicKey::from_sec1_bytes(&sec1).map_err(|_| off())?,
                    ),
                    other => {
                        return Err(format!(
                            "an EC key on {other}: ECDH-ES uses P-256, P-384, P-521 or X25519"
                        ))
                    }
                })
            }
            Some("OKP") => match s("crv") {
                Some("X25519") => {
                    let x: [u8; 32] = bytes("x")?.try_into().map_err(|v: Vec<u8>| {
                        format!("`x` of an X25519 key is {} bytes, 32 expected", v.len())
                    })?;
                    Ok(RecipientKey::X25519(x))
                }
                Some(other) => Err(format!(
                    "an OKP key on {other}: JWE key agreement (ECDH-ES) uses X25519"
                )),
                None => Err("an OKP key without `crv`".into()),
            },
            Some("oct") => Ok(RecipientKey::Symmetric(bytes("k")?)),
            Some(other) => Err(format!("a {other} key cannot encrypt a JWE here")),
            None => Err("the JWK has no `kty` member".into()),
        }
    }
}

/// A compact JWE of `plaintext` for `key`. `header` must name `alg` and `enc` (and may carry
/// `kid`, `cty`, `typ`…); the members key management adds (`epk`, `iv`/`tag`, `p2s`/`p2c`) are
/// added to it before it is protected.
pub fn encrypt_compact(
    header: &Map<String, Value>,
    plaintext: &[u8],
    key: &RecipientKey,
) -> Result<String, String> {
    let text = |name: &str| header.get(name).and_then(Value::as_str);
    let alg = text("alg").ok_or("the JWE header needs `alg` (key management)")?;
    let enc = text("enc").ok_or("the JWE header needs `enc` (content encryption)")?;
    if !KEY_ALGS.contains(&alg) {
        return Err(format!(
            "`{alg}` is not a key management algorithm Tokenscope makes ({})",
            KEY_ALGS.join(", ")
        ));
    }
    let key_len = match enc {
        "A128GCM" => 16,
        "A192GCM" => 24,
        "A256GCM" | "A128CBC-HS256" => 32,
        "A192CBC-HS384" => 48,
        "A256CBC-HS512" => 64,
        other => {
            return Err(format!(
                "`{other}` is not a content encryption ({})",
                ENCS.join(", ")
            ))
        }
    };
    let mut header = header.clone();
    let (cek, encrypted_key) = wrap(alg, enc, key_len, key, &mut header)?;
    let protected = b64_encode(&serde_json::to_vec(&header).map_err(|e| e.to_string())?);
    let (iv, ciphertext, tag) = seal(enc, &cek, protected.as_bytes(), plaintext)?;
    Ok(format!(
        "{protected}.{}.{}.{}.{}",
        b64_encode(&encrypted_key),
        b64_encode(&iv),
        b64_encode(&ciphertext),
        b64_encode(&tag)
    ))
}

fn random(len: usize) -> Vec<u8> {
    let mut out = vec![0u8; len];
    OsRng.fill_bytes(&mut out);
    out
}

fn random12() -> [u8; 12] {
    let mut out = [0u8; 12];
    OsRng.fill_bytes(&mut out);
    out
}

fn mismatch(alg: &str, key: &RecipientKey) -> String {
    let needs = match alg {
        a if a.starts_with("RSA") => "an RSA public key",
        a if a.starts_with("ECDH-ES") => "an EC P-256/384/521 or X25519 public key",
        a if a.starts_with("PBES2") => "a password (or an `oct` JWK of its bytes)",
        _ => "a symmetric key (an `oct` JWK)",
    };
    format!("{alg} needs {needs}; this is {}", key.describe())
}

/// The content key and the encrypted key (part 2), adding to `header` what the recipient needs.
fn wrap(
    alg: &str,
    enc: &str,
    key_len: usize,
    key: &RecipientKey,
    header: &mut Map<String, Value>,
) -> Result<(Vec<u8>, Vec<u8>), String> {
    let optional = |header: &Map<String, Value>, name: &str| -> Result<Vec<u8>, String> {
        match header.get(name).and_then(Value::as_str) {
            None => Ok(Vec::new()),
            Some(t) => URL_SAFE_NO_PAD
                .decode(t)
                .map_err(|e| format!("the header's `{name}` is not base64url: {e}")),
        }
    };
    match (alg, key) {
        ("dir", RecipientKey::Symmetric(k)) => {
            if k.len() != key_len {
                return Err(format!(
                    "dir with {enc} needs a {}-bit key; this one is {} bits",
                    key_len * 8,
                    k.len() * 8
                ));
            }
            Ok((k.clone(), Vec::new()))
        }
        (a, RecipientKey::Rsa(rsa)) if a.starts_with("RSA") => {
            let cek = random(key_len);
            let mut rng = OsRng;
            let ek = match a {
                "RSA-OAEP" => rsa.encrypt(&mut rng, Oaep::new::<sha1::Sha1>(), &cek),
                "RSA-OAEP-256" => rsa.encrypt(&mut rng, Oaep::new::<sha2::Sha256>(), &cek),
                _ => rsa.encrypt(&mut rng, Pkcs1v15Encrypt, &cek),
            }
            .map_err(|e| format!("{alg} encryption of the content key failed: {e}"))?;
            Ok((cek, ek))
        }
        (a, agreement) if a.starts_with("ECDH-ES") => {
            let (z, epk) = agree(alg, agreement)?;
            header.insert("epk".into(), epk);
            let (apu, apv) = (optional(header, "apu")?, optional(header, "apv")?);
            if alg == "ECDH-ES" {
                return Ok((concat_kdf(&z, enc, &apu, &apv, key_len)?, Vec::new()));
            }
            let kek = concat_kdf(&z, alg, &apu, &apv, kw_len(&alg["ECDH-ES+".len()..]))?;
            let cek = random(key_len);
            let ek = aes_wrap(&kek, &cek)?;
            Ok((cek, ek))
        }
        (a, RecipientKey::Symmetric(k)) if a.ends_with("GCMKW") => {
            let want = kw_len(a);
            own_length(a, k, want)?;
            let cek = random(key_len);
            let iv = random12();
            let nonce = &aes_gcm::Nonce::<U12>::from(iv);
            let payload = Payload {
                msg: &cek,
                aad: b"",
            };
            let sealed = match want {
                16 => gcm::<aes::Aes128>(k)?.encrypt(nonce, payload),
                24 => gcm::<aes::Aes192>(k)?.encrypt(nonce, payload),
                _ => gcm::<aes::Aes256>(k)?.encrypt(nonce, payload),
            }
            .map_err(|_| "AES-GCM key wrapping failed".to_owned())?;
            let (ek, tag) = sealed.split_at(sealed.len() - 16);
            header.insert("iv".into(), Value::from(b64_encode(&iv)));
            header.insert("tag".into(), Value::from(b64_encode(tag)));
            Ok((cek, ek.to_vec()))
        }
        (a, RecipientKey::Symmetric(k)) if a.starts_with('A') && a.ends_with("KW") => {
            own_length(a, k, kw_len(a))?;
            let cek = random(key_len);
            let ek = aes_wrap(k, &cek)?;
            Ok((cek, ek))
        }
        (a, RecipientKey::Password(p) | RecipientKey::Symmetric(p)) if a.starts_with("PBES2") => {
            let p2s = random(16);
            let mut salt = a.as_bytes().to_vec();
            salt.push(0);
            salt.extend_from_slice(&p2s);
            let mut kek = vec![0u8; kw_len(&a[a.len() - "A128KW".len()..])];
            match a {
                "PBES2-HS256+A128KW" => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha256>(p, &salt, P2C, &mut kek)
                }
                "PBES2-HS384+A192KW" => {
                    pbkdf2::pbkdf2_hmac::<sha2::Sha384>(p, &salt, P2C, &mut kek)
                }
                _ => pbkdf2::pbkdf2_hmac::<sha2::Sha512>(p, &salt, P2C, &mut kek),
            }
            header.insert("p2s".into(), Value::from(b64_encode(&p2s)));
            header.insert("p2c".into(), Value::from(P2C));
            let cek = random(key_len);
            let ek = aes_wrap(&kek, &cek)?;
            Ok((cek, ek))
        }
        (a, key) => Err(mismatch(a, key)),
    }
}

/// ECDH-ES with a fresh ephemeral key: the shared secret Z and the `epk` to publish.
fn agree(alg: &str, key: &RecipientKey) -> Result<(Vec<u8>, Value), String> {
    macro_rules! nist {
        ($curve:ident, $public:expr, $crv:expr) => {{
            use $curve::elliptic_curve::sec1::ToEncodedPoint as _;
            let ephemeral = $curve::SecretKey::random(&mut OsRng);
            let shared = $curve::ecdh::diffie_hellman(
                ephemeral.to_nonzero_scalar(),
                $public.as_affine(),
            );
            let point = ephemeral.public_key().to_encoded_point(false);
            let epk = json!({
                "kty": "EC",
                "crv": $crv,
                "x": b64_encode(point.x().map(|x| &x[..]).unwrap_or_default()),
                "y": b64_encode(point.y().map(|y| &y[..]).unwrap_or_default()),
            });
            Ok((shared.raw_secret_bytes().to_vec(), epk))
        }};
    }
    match key {
        RecipientKey::P256(public) => nist!(p256, public, "P-256"),
        RecipientKey::P384(public) => nist!(p384, public, "P-384"),
        RecipientKey::P521(public) => nist!(p521, public, "P-521"),
        RecipientKey::X25519(x) => {
            let mut seed = [0u8; 32];
            OsRng.fill_bytes(&mut seed);
            let ephemeral = x25519_dalek::StaticSecret::from(seed);
            let shared = ephemeral.diffie_hellman(&x25519_dalek::PublicKey::from(*x));
            if !shared.was_contributory() {
                return Err("the X25519 key is a low-order point: refused".into());
            }
            let epk = json!({
                "kty": "OKP",
                "crv": "X25519",
                "x": b64_encode(x25519_dalek::PublicKey::from(&ephemeral).as_bytes()),
            });
            Ok((shared.as_bytes().to_vec(), epk))
        }
        other => Err(mismatch(alg, other)),
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

fn gcm<C>(key: &[u8]) -> Result<AesGcm<C, U12>, String>
where
    AesGcm<C, U12>: KeyInit,
{
    AesGcm::<C, U12>::new_from_slice(key).map_err(|e| e.to_string())
}

/// AES Key Wrap (RFC 3394) with a key of 16, 24 or 32 bytes.
fn aes_wrap(kek: &[u8], cek: &[u8]) -> Result<Vec<u8>, String> {
    let wrapped = match kek.len() {
        16 => aes_kw::KekAes128::try_from(kek).map(|k| k.wrap_vec(cek)),
        24 => aes_kw::KekAes192::try_from(kek).map(|k| k.wrap_vec(cek)),
        _ => aes_kw::KekAes256::try_from(kek).map(|k| k.wrap_vec(cek)),
    };
    wrapped
        .map_err(|e| e.to_string())?
        .map_err(|e| format!("AES Key Wrap failed: {e}"))
}

/// Content encryption: (IV, ciphertext, tag).
type Sealed = (Vec<u8>, Vec<u8>, Vec<u8>);

fn seal(enc: &str, cek: &[u8], aad: &[u8], plaintext: &[u8]) -> Result<Sealed, String> {
    if enc.ends_with("GCM") {
        let iv = random12();
        let nonce = &aes_gcm::Nonce::<U12>::from(iv);
        let payload = Payload {
            msg: plaintext,
            aad,
        };
        let sealed = match cek.len() {
            16 => gcm::<aes::Aes128>(cek)?.encrypt(nonce, payload),
            24 => gcm::<aes::Aes192>(cek)?.encrypt(nonce, payload),
            _ => gcm::<aes::Aes256>(cek)?.encrypt(nonce, payload),
        }
        .map_err(|_| "AES-GCM encryption failed".to_owned())?;
        let (ciphertext, tag) = sealed.split_at(sealed.len() - 16);
        return Ok((iv.to_vec(), ciphertext.to_vec(), tag.to_vec()));
    }
    // AES_CBC_HMAC_SHA2 (RFC 7518 §5.2): MAC key first, then the encryption key.
    let n = cek.len();
    let (mac_key, enc_key) = cek.split_at(n / 2);
    let iv = random(16);
    let ciphertext = match n {
        32 => cbc::Encryptor::<aes::Aes128>::new_from_slices(enc_key, &iv)
            .map_err(|e| e.to_string())?
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext),
        48 => cbc::Encryptor::<aes::Aes192>::new_from_slices(enc_key, &iv)
            .map_err(|e| e.to_string())?
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext),
        _ => cbc::Encryptor::<aes::Aes256>::new_from_slices(enc_key, &iv)
            .map_err(|e| e.to_string())?
            .encrypt_padded_vec_mut::<Pkcs7>(plaintext),
    };
    let al = ((aad.len() as u64) * 8).to_be_bytes();
    let parts: [&[u8]; 4] = [aad, &iv, &ciphertext, &al];
    let full = match n {
        32 => mac::<Hmac<sha2::Sha256>>(mac_key, &parts)?,
        48 => mac::<Hmac<sha2::Sha384>>(mac_key, &parts)?,
        _ => mac::<Hmac<sha2::Sha512>>(mac_key, &parts)?,
    };
    let tag = full[..n / 2].to_vec();
    Ok((iv, ciphertext, tag))
}

fn mac<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]]) -> Result<Vec<u8>, String> {
    let mut mac = <M as KeyInit>::new_from_slice(key).map_err(|e| e.to_string())?;
    for part in parts {
        mac.update(part);
    }
    Ok(mac.finalize().into_bytes().to_vec())
}
