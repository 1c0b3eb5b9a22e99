//! JWE compact decryption (RFC 7516) with a private key the user gives, locally and offline:
//! key management `RSA-OAEP`, `RSA-OAEP-256`, `RSA1_5` and `dir` here, and `ECDH-ES`
//! (+`A128KW`/`A192KW`/`A256KW`), `A128KW`/`A192KW`/`A256KW`, `A128GCMKW`/`A192GCMKW`/`A256GCMKW`
//! and `PBES2-HS256+A128KW`/`-HS384+A192KW`/`-HS512+A256KW` in [`crate::jose::jwe_keys`];
//! content encryption `A128GCM`,
//! `A192GCM`, `A256GCM`, `A128CBC-HS256`, `A192CBC-HS384`, `A256CBC-HS512`; `zip: DEF`.
//! Pure Rust (RustCrypto). Every failure says which step failed and why, in words, except one:
//! with an RSA key, a content key that does not unwrap (bad padding), one of the wrong length and
//! a wrong authentication tag give the same message, as RFC 7516 §11.5 requires (a random content
//! key stands in when unwrapping fails, so all three fail at the tag): otherwise the difference
//! is a padding oracle (Bleichenbacher) that recovers content keys. A JWK marked for another
//! algorithm (`alg`), for signatures (`use: sig`) or without a decryption operation (`key_ops`)
//! is not used, and a header with `crit` is refused (no extension is implemented).

use super::keys::{DecryptionKeys, PrivateKey};
use crate::jose::jwe_keys::{self, Secret};
use crate::jose::jwt::{self, Part, MAX_INPUT};
use aes_gcm::aead::consts::U12;
use aes_gcm::aead::{Aead, KeyInit, Payload};
use aes_gcm::AesGcm;
use cbc::cipher::block_padding::Pkcs7;
use cbc::cipher::{BlockDecryptMut, KeyIvInit};
use hmac::{Hmac, Mac};
use rsa::{Oaep, Pkcs1v15Encrypt};
use serde_json::{Map, Value};

/// What decryption gave.
#[derive(Debug)]
pub struct Decrypted {
    /// The plaintext (a JWS for signed-then-encrypted tokens, or a JSON claims object).
    pub plaintext: Vec<u8>,
    /// Which key decrypted it, for display.
    pub key: String,
}

/// Most keys tried when the header's `kid` names none of them.
const MAX_TRIES: usize = 16;

/// Decrypts a compact JWE (`token` already cleaned, 5 parts) whose protected header is `header`.
pub fn decrypt(
    token: &str,
    header: &Map<String, Value>,
    keys: &DecryptionKeys,
) -> Result<Decrypted, String> {
    let parts: Vec<&str> = token.split('.').collect();
    let [protected, encrypted_key, iv, ciphertext, tag] = parts.as_slice() else {
        return Err(format!("{} parts; a JWE has 5", parts.len()));
    };
    let text = |name: &str| header.get(name).and_then(Value::as_str);
    if let Some(why) = crate::jose::crit::refusal(header) {
        return Err(why);
    }
    let alg = text("alg").ok_or("the header has no `alg` (key management algorithm)")?;
    let enc = text("enc").ok_or("the header has no `enc` (content encryption)")?;
    let content = Content::of(enc).ok_or_else(|| {
        format!(
            "content encryption `{enc}` is not supported ({})",
            jwe_keys::ENCS.join(", ")
        )
    })?;
    if !jwe_keys::KEY_ALGS.contains(&alg) {
        return Err(format!(
            "key management `{alg}` is not supported ({}); the token cannot be decrypted here",
            jwe_keys::KEY_ALGS.join(", ")
        ));
    }
    let b64 = |s: &str, what: &str| {
        jwt::b64(s, Part::Input).map_err(|e| format!("the {what} is not base64url: {}", e.message))
    };
    let encrypted_key = b64(encrypted_key, "encrypted key (part 2)")?;
    let iv = b64(iv, "initialization vector (part 3)")?;
    let ciphertext = b64(ciphertext, "ciphertext (part 4)")?;
    let tag = b64(tag, "authentication tag (part 5)")?;

    let kid = text("kid");
    let candidates: Vec<&PrivateKey> = match kid {
        Some(kid) if keys.keys.iter().any(|k| k.kid() == Some(kid)) => {
            keys.keys.iter().filter(|k| k.kid() == Some(kid)).collect()
        }
        // Without a matching kid every key is tried, up to a bound (each try is an RSA
        // decryption).
        _ => keys.keys.iter().take(MAX_TRIES).collect(),
    };
    let mut failures = Vec::new();
    for key in candidates {
        if let Some(why) = key.limits().refusal(alg) {
            failures.push(format!("{}: {why}", key.label()));
            continue;
        }
        let attempt = unwrap_key(alg, enc, header, &encrypted_key, key, content.key_len())
            .and_then(|cek| content.decrypt(&cek, protected.as_bytes(), &iv, &ciphertext, &tag));
        match attempt {
            Ok(plaintext) => {
                let plaintext = match text("zip") {
                    None => plaintext,
                    Some("DEF") => inflate(&plaintext)?,
                    Some(other) => return Err(format!("compression `zip: {other}` is unknown")),
                };
                return Ok(Decrypted {
                    plaintext,
                    key: format!("{} from {}", key.label(), keys.description),
                });
            }
            Err(e) => failures.push(format!("{}: {e}", key.label())),
        }
    }
    let wanted = kid
        .map(|k| format!(" (the header names kid {k})"))
        .unwrap_or_default();
    Err(match failures.as_slice() {
        [] => format!("no key in {} fits{wanted}", keys.description),
        [one] => format!("{one}{wanted}"),
        many => format!(
            "none of the {} keys in {} decrypts it{wanted}: {}",
            many.len(),
            keys.description,
            many.join("; ")
        ),
    })
}

/// The content encryption key, from the encrypted key and the recipient's private key. With RSA
/// a content key that does not unwrap, or not to `key_len` bytes, becomes a random one of
/// `key_len` bytes (RFC 7516 §11.5): the failure shows at the authentication tag, in the same
/// words as a changed token.
fn unwrap_key(
    alg: &str,
    enc: &str,
    header: &Map<String, Value>,
    encrypted_key: &[u8],
    key: &PrivateKey,
    key_len: usize,
) -> Result<Vec<u8>, String> {
    if jwe_keys::ALGS.contains(&alg) {
        let secret = match key {
            PrivateKey::Oct { k, .. } => Secret::Bytes(k),
            PrivateKey::Password { bytes, .. } => Secret::Password(bytes),
            PrivateKey::Agreement { key, .. } => Secret::Agreement(key),
            PrivateKey::Rsa { .. } => {
                return Err(format!(
                    "{alg} does not use an RSA key ({})",
                    if alg.starts_with("ECDH-ES") {
                        "it needs an EC P-256/384/521 or X25519 private key"
                    } else {
                        "it needs a symmetric key, an `oct` JWK, or for PBES2 a password"
                    }
                ))
            }
        };
        return jwe_keys::content_key(alg, enc, header, encrypted_key, secret, key_len);
    }
    match (alg, key) {
        ("dir", PrivateKey::Oct { k, .. }) => {
            if !encrypted_key.is_empty() {
                return Err("`dir` but the encrypted key (part 2) is not empty".into());
            }
            Ok(k.clone())
        }
        ("dir", _) => Err(format!(
            "`dir` uses a shared symmetric key (an `oct` JWK), not {}",
            key.label()
        )),
        (_, PrivateKey::Password { .. }) => Err(format!(
            "{alg} needs an RSA private key; the key text was read as a password (it is not a \
             JWK, a JWKS or a PEM key), and a password decrypts only PBES2-*"
        )),
        (_, PrivateKey::Oct { .. } | PrivateKey::Agreement { .. }) => {
            Err(format!("{alg} needs an RSA private key"))
        }
        (_, PrivateKey::Rsa { key, .. }) => {
            let mut rng = rand::rngs::OsRng;
            let result = match alg {
                "RSA-OAEP" => {
                    key.decrypt_blinded(&mut rng, Oaep::new::<sha1::Sha1>(), encrypted_key)
                }
                "RSA-OAEP-256" => {
                    key.decrypt_blinded(&mut rng, Oaep::new::<sha2::Sha256>(), encrypted_key)
                }
                _ => key.decrypt_blinded(&mut rng, Pkcs1v15Encrypt, encrypted_key),
            };
            // Always draw the random key, used or not: both paths do the same work.
            let mut random = vec![0u8; key_len];
            rand::RngCore::fill_bytes(&mut rng, &mut random);
            Ok(match result {
                Ok(cek) if cek.len() == key_len => cek,
                _ => random,
            })
        }
    }
}

/// Content encryption algorithms.
#[derive(Debug, Clone, Copy)]
enum Content {
    Gcm(usize),
    CbcHs(usize),
}

impl Content {
    /// The content key's length in bytes.
    fn key_len(self) -> usize {
        match self {
            Content::Gcm(n) | Content::CbcHs(n) => n,
        }
    }

    fn of(enc: &str) -> Option<Content> {
        Some(match enc {
            "A128GCM" => Content::Gcm(16),
            "A192GCM" => Content::Gcm(24),
            "A256GCM" => Content::Gcm(32),
            "A128CBC-HS256" => Content::CbcHs(32),
            "A192CBC-HS384" => Content::CbcHs(48),
            "A256CBC-HS512" => Content::CbcHs(64),
            _ => return None,
        })
    }

    fn decrypt(
        self,
        cek: &[u8],
        aad: &[u8],
        iv: &[u8],
        ciphertext: &[u8],
        tag: &[u8],
    ) -> Result<Vec<u8>, String> {
        let (want_key, want_iv, want_tag) = match self {
            Content::Gcm(n) => (n, 12, 16),
            Content::CbcHs(n) => (n, 16, n / 2),
        };
        if cek.len() != want_key {
            return Err(format!(
                "the content key is {} bytes, the encryption needs {want_key}: not the \
                 recipient's key",
                cek.len()
            ));
        }
        if iv.len() != want_iv {
            return Err(format!(
                "the initialization vector is {} bytes, {want_iv} expected",
                iv.len()
            ));
        }
        if tag.len() != want_tag {
            return Err(format!(
                "the authentication tag is {} bytes, {want_tag} expected",
                tag.len()
            ));
        }
        let tampered = || {
            "the authentication tag does not match: the token was changed after encryption, \
             or the key is not the recipient's"
                .to_owned()
        };
        match self {
            Content::Gcm(n) => {
                let mut sealed = ciphertext.to_vec();
                sealed.extend_from_slice(tag);
                let payload = Payload { msg: &sealed, aad };
                let iv: [u8; 12] = iv
                    .try_into()
                    .map_err(|_| "the initialization vector is not 12 bytes")?;
                let nonce = &aes_gcm::Nonce::<U12>::from(iv);
                let opened = match n {
                    16 => AesGcm::<aes::Aes128, U12>::new_from_slice(cek)
                        .map_err(|e| e.to_string())?
                        .decrypt(nonce, payload),
                    24 => AesGcm::<aes::Aes192, U12>::new_from_slice(cek)
                        .map_err(|e| e.to_string())?
                        .decrypt(nonce, payload),
                    _ => AesGcm::<aes::Aes256, U12>::new_from_slice(cek)
                        .map_err(|e| e.to_string())?
                        .decrypt(nonce, payload),
                };
                opened.map_err(|_| tampered())
            }
            Content::CbcHs(n) => {
                let (mac_key, enc_key) = cek.split_at(n / 2);
                let al = ((aad.len() as u64) * 8).to_be_bytes();
                let authentic = match n {
                    32 => {
                        check_mac::<Hmac<sha2::Sha256>>(mac_key, &[aad, iv, ciphertext, &al], tag)
                    }
                    48 => {
                        check_mac::<Hmac<sha2::Sha384>>(mac_key, &[aad, iv, ciphertext, &al], tag)
                    }
                    _ => check_mac::<Hmac<sha2::Sha512>>(mac_key, &[aad, iv, ciphertext, &al], tag),
                };
                if !authentic {
                    return Err(tampered());
                }
                let padding = |_| "the padding is wrong after decryption".to_owned();
                match n {
                    32 => cbc::Decryptor::<aes::Aes128>::new_from_slices(enc_key, iv)
                        .map_err(|e| e.to_string())?
                        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
                        .map_err(padding),
                    48 => cbc::Decryptor::<aes::Aes192>::new_from_slices(enc_key, iv)
                        .map_err(|e| e.to_string())?
                        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
                        .map_err(padding),
                    _ => cbc::Decryptor::<aes::Aes256>::new_from_slices(enc_key, iv)
                        .map_err(|e| e.to_string())?
                        .decrypt_padded_vec_mut::<Pkcs7>(ciphertext)
                        .map_err(padding),
                }
            }
        }
    }
}

/// HMAC over the parts, compared in constant time with `tag` (the left half of the MAC).
fn check_mac<M: Mac + KeyInit>(key: &[u8], parts: &[&[u8]], tag: &[u8]) -> bool {
    let Ok(mut mac) = <M as KeyInit>::new_from_slice(key) else {
        return false;
    };
    for part in parts {
        mac.update(part);
    }
    mac.verify_truncated_left(tag).is_ok()
}

/// `zip: DEF`: raw DEFLATE, bounded so a small token cannot inflate into a huge one.
fn inflate(data: &[u8]) -> Result<Vec<u8>, String> {
    miniz_oxide::inflate::decompress_to_vec_with_limit(data, MAX_INPUT).map_err(|e| {
        if matches!(e.status, miniz_oxide::inflate::TINFLStatus::HasMoreOutput) {
            format!(
                "the compressed payload inflates past {} KiB",
                MAX_INPUT / 1024
            )
        } else {
            "the compressed payload (zip DEF) does not inflate".to_owned()
        }
    })
}
