//! PKCE (RFC 7636, S256) and the per-attempt `state` and `nonce`.

use crate::secret::Secret;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine as _;
use rand::RngCore;
use sha2::{Digest, Sha256};

/// 32 random bytes, base64url without padding (43 characters).
pub fn random_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// A PKCE pair: the secret verifier and its S256 challenge.
#[derive(Debug, Clone)]
pub struct Pkce {
    /// The `code_verifier`, sent only to the token endpoint.
    pub verifier: Secret,
    /// `BASE64URL(SHA256(verifier))`, sent in the authorization request.
    pub challenge: String,
}

impl Pkce {
    /// A fresh verifier from 32 random bytes.
    pub fn new() -> Self {
        Self::from_verifier(Secret::new(random_token()))
    }

    /// The pair for a known verifier (tests, RFC 7636 Appendix B).
    pub fn from_verifier(verifier: Secret) -> Self {
        let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.expose().as_bytes()));
        Self {
            verifier,
            challenge,
        }
    }

    /// Always `S256`.
    pub fn method(&self) -> &'static str {
        "S256"
    }
}

impl Default for Pkce {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_example() {
        let p = Pkce::from_verifier(Secret::new("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"));
        assert_eq!(p.challenge, "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM");
        assert_eq!(p.method(), "S256");
    }

    #[test]
    fn verifier_is_43_unreserved_chars_and_fresh_each_time() {
        let a = Pkce::new();
        let b = Pkce::new();
        assert_eq!(a.verifier.len(), 43);
        assert!(a
            .verifier
            .expose()
            .bytes()
            .all(|c| c.is_ascii_alphanumeric() || b"-._~".contains(&c)));
        assert_ne!(a.verifier, b.verifier);
        assert_ne!(random_token(), random_token());
        assert_eq!(format!("{a:?}").matches("[redacted]").count(), 1);
        assert!(!format!("{a:?}").contains(a.verifier.expose()));
    }
}
