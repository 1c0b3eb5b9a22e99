//! The profile's private key for `private_key_jwt`, as the person gives it and as it is shown
//! back: a PEM private key (with its certificate, for Entra's `x5t#S256`) or a private JWK (kept
//! as PKCS#8 PEM), and, never the key, its description: the algorithm, the RFC 7638 thumbprint of
//! its public half and the certificate's `x5t#S256`. The desktop's key field and `profiles key
//! set` use the same rules.

use super::Engine;
use crate::error::{Error, Result};
use crate::inspect::make::signing_key;
use crate::jose::sign::SigningKey;
use crate::oidc::client_assertion::ClientKey;
use crate::oidc::request::client_key_account;
use crate::secret::Secret;
use crate::store::vault::VaultLocation;
use base64::Engine as _;
use serde::Serialize;

/// What a stored private key is, without the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct ClientKeyInfo {
    /// `RS256` or `ES256`: what the assertions are signed with.
    pub alg: String,
    /// RFC 7638 thumbprint (SHA-256, base64url) of the public key.
    pub thumbprint: String,
    /// The certificate's `x5t#S256`, sent in each assertion's header, when one came with it.
    pub x5t_s256: Option<String>,
}

/// The key text to store: a PEM as given (trimmed), or a private JWK (RSA or EC P-256) turned
/// into PKCS#8 PEM. An error says what is wrong; nothing is stored then.
pub fn client_key_text(input: &str) -> std::result::Result<Secret, String> {
    let text = input.trim().trim_start_matches('\u{feff}');
    if text.is_empty() {
        return Err("the private key is empty".into());
    }
    if !text.starts_with('{') {
        return Ok(Secret::new(text));
    }
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not a JWK: {e}"))?;
    let jwk = value.as_object().ok_or("not a JWK: not a JSON object")?;
    if jwk.contains_key("keys") {
        return Err("a key set (JWKS): give the one private key (its JWK), not the set".into());
    }
    if !jwk.contains_key("d") {
        return Err(
            "a public JWK cannot sign: give the private key (a JWK with `d`, or a PEM)".into(),
        );
    }
    let der = match SigningKey::from_jwk(jwk)? {
        SigningKey::Rsa(k) => {
            use rsa::pkcs8::EncodePrivateKey as _;
            k.to_pkcs8_der().map_err(|e| e.to_string())?
        }
        SigningKey::P256(k) => {
            use p256::pkcs8::EncodePrivateKey as _;
            k.to_pkcs8_der().map_err(|e| e.to_string())?
        }
        other => {
            return Err(format!(
                "private_key_jwt signs with RS256 or ES256: this is {}",
                other.describe()
            ))
        }
    };
    let b64 = base64::engine::general_purpose::STANDARD.encode(der.as_bytes());
    let mut pem = String::from("-----BEGIN PRIVATE KEY-----\n");
    for line in b64.as_bytes().chunks(64) {
        pem.push_str(&String::from_utf8_lossy(line));
        pem.push('\n');
    }
    pem.push_str("-----END PRIVATE KEY-----");
    Ok(Secret::new(pem))
}

/// Describes a key text (PEM, with or without its certificate): an error when it cannot sign.
pub fn describe_client_key(pem: &str) -> std::result::Result<ClientKeyInfo, String> {
    let key = ClientKey::parse(pem)?;
    let (signing, _) = signing_key(pem, key.alg_name(), None)?;
    let thumbprint = signing
        .public_jwk()
        .as_ref()
        .and_then(crate::validate::thumbprint)
        .ok_or("the key has no public half to take a thumbprint of")?;
    Ok(ClientKeyInfo {
        alg: key.alg_name().to_owned(),
        thumbprint,
        x5t_s256: key.x5t_s256().map(str::to_owned),
    })
}

impl Engine {
    /// Stores the private key given as PEM or JWK (see [`client_key_text`]); says where it is
    /// kept and describes it.
    pub async fn set_client_key_text(
        &self,
        profile: &str,
        input: &Secret,
    ) -> Result<(VaultLocation, ClientKeyInfo)> {
        let unusable = |e: String| Error::Config(format!("the private key is not usable: {e}"));
        let pem = client_key_text(input.expose()).map_err(unusable)?;
        let info = describe_client_key(pem.expose()).map_err(unusable)?;
        Ok((self.set_client_key(profile, &pem).await?, info))
    }

    /// The stored private key of the profile, described; `None` when none is stored (or the
    /// keyring cannot be read).
    pub async fn client_key_info(&self, profile: &str) -> Result<Option<ClientKeyInfo>> {
        let Some(stored) = self.load_token(&client_key_account(profile)).await? else {
            return Ok(None);
        };
        Ok(describe_client_key(stored.secret.expose()).ok())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::fixture_path;

    fn read(name: &str) -> String {
        std::fs::read_to_string(fixture_path(name)).unwrap()
    }

    #[test]
    fn a_key_is_described_by_its_thumbprint_and_its_certificates_x5t() {
        let pem = read("keys/rsa2.pem");
        let alone = describe_client_key(&pem).unwrap();
        assert_eq!(alone.alg, "RS256");
        assert_eq!(alone.x5t_s256, None);
        // The thumbprint of the public half, as the inspector computes it for a JWKS key.
        let (k, _) = signing_key(&pem, "RS256", None).unwrap();
        let want = crate::validate::thumbprint(&k.public_jwk().unwrap()).unwrap();
        assert_eq!(alone.thumbprint, want);
        assert_eq!(alone.thumbprint.len(), 43);
        let with_cert =
            describe_client_key(&format!("{pem}\n{}", read("verify/rsa2.crt.pem"))).unwrap();
        assert_eq!(with_cert.thumbprint, alone.thumbprint);
        assert_eq!(with_cert.x5t_s256.as_deref().map(str::len), Some(43));
        assert!(!format!("{with_cert:?}").contains("PRIVATE"));
    }

    #[test]
    fn a_private_jwk_is_kept_as_pkcs8_pem_of_the_same_key() {
        let pem = read("keys/rsa2.pem");
        let (k, _) = signing_key(&pem, "RS256", None).unwrap();
        let SigningKey::Rsa(rsa) = &k else {
            panic!("an RSA key")
        };
        // The private JWK of the fixture key.
        use rsa::traits::{PrivateKeyParts as _, PublicKeyParts as _};
        let b = |n: &rsa::BigUint| crate::jose::jwt::b64_encode(&n.to_bytes_be());
        let primes = rsa.primes();
        let jwk = serde_json::json!({
            "kty": "RSA", "n": b(rsa.n()), "e": b(rsa.e()), "d": b(rsa.d()),
            "p": b(&primes[0]), "q": b(&primes[1]),
        });
        let stored = client_key_text(&jwk.to_string()).unwrap();
        assert!(stored.expose().starts_with("-----BEGIN PRIVATE KEY-----"));
        assert_eq!(
            describe_client_key(stored.expose()).unwrap().thumbprint,
            describe_client_key(&pem).unwrap().thumbprint
        );
        // A public JWK, a key set and an Ed25519 key are refused with what to give instead.
        let public = serde_json::json!({"kty": "RSA", "n": b(rsa.n()), "e": b(rsa.e())});
        assert!(client_key_text(&public.to_string())
            .unwrap_err()
            .contains("public JWK cannot sign"));
        assert!(client_key_text(r#"{"keys":[]}"#)
            .unwrap_err()
            .contains("JWKS"));
        assert!(client_key_text("  ").unwrap_err().contains("empty"));
        assert!(client_key_text("{not json")
            .unwrap_err()
            .contains("not a JWK"));
    }
}
