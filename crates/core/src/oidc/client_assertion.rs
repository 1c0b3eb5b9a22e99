//! Client authentication with a signed JWT (RFC 7523 §2.2, OpenID Connect Core §9):
//! `client_secret_jwt` (HS256 with the client secret) and `private_key_jwt` (RS256 or ES256 with
//! the client's private key; Entra's certificate credentials). The assertion says `iss` = `sub`
//! = the client ID, `aud` = the endpoint it is sent to, a fresh `jti`, and lives 5 minutes.
//! A key given with its certificate (PEM blocks in one file) adds `x5t#S256`, the certificate's
//! SHA-256 thumbprint, which Entra uses to find the certificate. Signing is jsonwebtoken's.

use crate::jose::jwt::b64_encode;
use crate::secret::Secret;
use base64::Engine as _;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::json;
use sha2::{Digest, Sha256};

/// How long an assertion is valid: RFC 7523 wants it short; Entra accepts up to 10 minutes.
pub const ASSERTION_LIFETIME: i64 = 300;

/// `client_assertion_type` for a JWT.
pub const JWT_BEARER_ASSERTION: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// A client's private key (PEM), read once and checked. `Debug` never shows it.
#[derive(Clone)]
pub struct ClientKey {
    pem: Secret,
    alg: Algorithm,
    x5t_s256: Option<String>,
}

impl std::fmt::Debug for ClientKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClientKey")
            .field("alg", &self.alg)
            .field("x5t#S256", &self.x5t_s256)
            .finish_non_exhaustive()
    }
}

impl ClientKey {
    /// Reads a PEM private key (RSA: PKCS#8 or PKCS#1; EC P-256: PKCS#8 or SEC1), optionally
    /// followed or preceded by its certificate.
    pub fn parse(text: &str) -> Result<ClientKey, String> {
        let text = text.trim();
        if !text.contains("PRIVATE KEY-----") {
            return Err(
                "no PEM private key in it (-----BEGIN PRIVATE KEY----- or RSA/EC PRIVATE KEY)"
                    .into(),
            );
        }
        let alg = if EncodingKey::from_rsa_pem(text.as_bytes()).is_ok() {
            Algorithm::RS256
        } else if EncodingKey::from_ec_pem(text.as_bytes()).is_ok() {
            Algorithm::ES256
        } else {
            return Err(
                "the private key is neither an RSA key nor an EC P-256 key in PEM (PKCS#8, PKCS#1 \
                 or SEC1)"
                    .into(),
            );
        };
        let key = ClientKey {
            pem: Secret::new(text),
            alg,
            x5t_s256: certificate_thumbprint(text)?,
        };
        // A P-384 key reads as EC but cannot sign ES256: find out now, not at the provider.
        key.sign("probe")
            .map_err(|e| format!("the key cannot sign: {e}"))?;
        Ok(key)
    }

    /// `RS256` or `ES256`.
    pub fn alg_name(&self) -> &'static str {
        match self.alg {
            Algorithm::ES256 => "ES256",
            _ => "RS256",
        }
    }

    /// The key as stored (PEM; with its certificate when one came with it), for signing other
    /// JWTs with it (request objects).
    pub fn pem(&self) -> &Secret {
        &self.pem
    }

    /// The certificate's `x5t#S256`, when one came with the key.
    pub fn x5t_s256(&self) -> Option<&str> {
        self.x5t_s256.as_deref()
    }

    fn sign(&self, message: &str) -> Result<String, String> {
        let pem = self.pem.expose().as_bytes();
        let key = match self.alg {
            Algorithm::ES256 => EncodingKey::from_ec_pem(pem),
            _ => EncodingKey::from_rsa_pem(pem),
        }
        .map_err(|e| e.to_string())?;
        jsonwebtoken::crypto::sign(message.as_bytes(), &key, self.alg).map_err(|e| e.to_string())
    }
}

/// The key an assertion is signed with.
pub enum AssertionKey<'a> {
    /// `client_secret_jwt`: HS256 with the client secret.
    Secret(&'a Secret),
    /// `private_key_jwt`.
    Private(&'a ClientKey),
}

/// A signed client assertion for `client_id`, to be sent to `audience`, issued at `now`.
pub fn assertion(
    key: AssertionKey<'_>,
    client_id: &str,
    audience: &str,
    now: i64,
) -> Result<String, String> {
    let claims = json!({
        "iss": client_id,
        "sub": client_id,
        "aud": audience,
        "jti": crate::oidc::pkce::random_token(),
        "iat": now,
        "nbf": now,
        "exp": now + ASSERTION_LIFETIME,
    });
    let mut header = json!({"typ": "JWT"});
    match &key {
        AssertionKey::Secret(_) => header["alg"] = json!("HS256"),
        AssertionKey::Private(k) => {
            header["alg"] = json!(k.alg_name());
            if let Some(t) = k.x5t_s256() {
                header["x5t#S256"] = json!(t);
            }
        }
    }
    let message = format!(
        "{}.{}",
        b64_encode(header.to_string().as_bytes()),
        b64_encode(claims.to_string().as_bytes())
    );
    let signature = match key {
        AssertionKey::Secret(s) => jsonwebtoken::crypto::sign(
            message.as_bytes(),
            &EncodingKey::from_secret(s.expose().as_bytes()),
            Algorithm::HS256,
        )
        .map_err(|e| e.to_string())?,
        AssertionKey::Private(k) => k.sign(&message)?,
    };
    Ok(format!("{message}.{signature}"))
}

/// `x5t#S256` of the first certificate in the text: base64url of the SHA-256 of its DER.
fn certificate_thumbprint(text: &str) -> Result<Option<String>, String> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    const END: &str = "-----END CERTIFICATE-----";
    let Some(start) = text.find(BEGIN) else {
        return Ok(None);
    };
    let body = &text[start + BEGIN.len()..];
    let end = body
        .find(END)
        .ok_or("the certificate's PEM block has no END line")?;
    let b64: String = body[..end].split_whitespace().collect();
    let der = base64::engine::general_purpose::STANDARD
        .decode(b64)
        .map_err(|e| format!("the certificate is not base64: {e}"))?;
    Ok(Some(b64_encode(&Sha256::digest(der))))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testkit::fixture_path;

    fn read(name: &str) -> String {
        std::fs::read_to_string(fixture_path(name)).unwrap()
    }

    fn claims_of(jwt: &str) -> (serde_json::Value, serde_json::Value) {
        let d = crate::jose::jwt::decode(jwt).unwrap();
        (
            serde_json::Value::Object(d.header),
            serde_json::Value::Object(d.payload),
        )
    }

    #[test]
    fn a_private_key_jwt_names_the_client_the_audience_and_the_certificate() {
        let pem = format!("{}\n{}", read("keys/rsa2.pem"), read("verify/rsa2.crt.pem"));
        let key = ClientKey::parse(&pem).unwrap();
        assert!(!format!("{key:?}").contains("PRIVATE"), "{key:?}");
        let jwt = assertion(
            AssertionKey::Private(&key),
            "cid",
            "https://idp/token",
            1_000,
        )
        .unwrap();
        let (header, claims) = claims_of(&jwt);
        assert_eq!(header["alg"], "RS256");
        // The certificate's SHA-256 thumbprint, as `openssl x509 -fingerprint -sha256` computes
        // it (over the DER), base64url.
        let der_b64: String = read("verify/rsa2.crt.pem")
            .lines()
            .filter(|l| !l.starts_with("-----"))
            .collect();
        let der = base64::engine::general_purpose::STANDARD
            .decode(der_b64)
            .unwrap();
        assert_eq!(header["x5t#S256"], b64_encode(&Sha256::digest(der)));
        assert_eq!(claims["iss"], "cid");
        assert_eq!(claims["sub"], "cid");
        assert_eq!(claims["aud"], "https://idp/token");
        assert_eq!(claims["exp"], 1_300, "5 minutes");
        assert!(claims["jti"].as_str().unwrap().len() >= 32);
        let other = assertion(
            AssertionKey::Private(&key),
            "cid",
            "https://idp/token",
            1_000,
        )
        .unwrap();
        assert_ne!(
            claims_of(&other).1["jti"],
            claims["jti"],
            "a new jti each time"
        );
        // Verifies with the public key.
        let jwks = crate::testkit::jwks_of(&["rsa2"]);
        let jwk: jsonwebtoken::jwk::Jwk = serde_json::from_value(jwks.keys[0].clone()).unwrap();
        let (message, sig) = jwt.rsplit_once('.').unwrap();
        assert!(jsonwebtoken::crypto::verify(
            sig,
            message.as_bytes(),
            &jsonwebtoken::DecodingKey::from_jwk(&jwk).unwrap(),
            Algorithm::RS256
        )
        .unwrap());
        // Without a certificate: no x5t#S256. An EC key signs ES256.
        let plain = ClientKey::parse(&read("keys/rsa1.pem")).unwrap();
        assert_eq!(plain.x5t_s256(), None);
        let ec = ClientKey::parse(&read("keys/ec256.pem")).unwrap();
        assert_eq!(ec.alg_name(), "ES256");
        for bad in [
            "",
            "not a key",
            &read("verify/rsa1.pub.pem"),
            &read("keys/ec384.pem"),
        ] {
            assert!(ClientKey::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_client_secret_jwt_is_an_hmac_with_the_secret() {
        let secret = Secret::new("a-long-shared-client-secret-of-the-app-registration");
        let jwt = assertion(AssertionKey::Secret(&secret), "cid", "https://idp/t", 10).unwrap();
        let (header, claims) = claims_of(&jwt);
        assert_eq!(header["alg"], "HS256");
        assert_eq!(claims["exp"], 310);
        assert!(!jwt.contains(secret.expose()));
    }
}
