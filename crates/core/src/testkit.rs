//! Test helpers: sign tokens with the fixture keys in `tests/fixtures/keys` and serve their
//! JWKS. Compiled for tests and under the `testkit` feature only.

use crate::jwt::b64_encode;
use crate::metadata::Jwks;
use jsonwebtoken::{Algorithm, EncodingKey};
use serde_json::Value;
use std::path::PathBuf;

/// A file under `tests/fixtures`.
pub fn fixture_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/fixtures")
        .join(name)
}

fn read(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name))
        .unwrap_or_else(|e| panic!("fixture {name} missing: {e}"))
}

/// The public keys of all fixture keys (kids `rsa1`, `rsa2`, `ec256`, `ec384`, `ed25519`).
pub fn jwks() -> Jwks {
    serde_json::from_str(&read("keys/jwks.json")).expect("fixture JWKS parses")
}

/// Only the keys with these kids.
pub fn jwks_of(kids: &[&str]) -> Jwks {
    let mut all = jwks();
    all.keys
        .retain(|k| kids.contains(&k.get("kid").and_then(Value::as_str).unwrap_or_default()));
    all
}

/// The fixture key file used for an algorithm.
pub fn key_for(alg: &str) -> &'static str {
    match alg {
        "ES256" => "ec256",
        "ES384" => "ec384",
        "EdDSA" => "ed25519",
        _ => "rsa1",
    }
}

/// Signs `claims` with `alg` and the fixture key `key` (`rsa1`, `ec256`, ...), using exactly
/// `header` as the JOSE header. HS* algorithms sign with the secret `"secret"`.
pub fn sign_raw(header: &Value, claims: &Value, key: &str) -> String {
    let alg: Algorithm = serde_json::from_value(header["alg"].clone()).expect("known alg");
    let message = format!(
        "{}.{}",
        b64_encode(header.to_string().as_bytes()),
        b64_encode(claims.to_string().as_bytes())
    );
    let pem = read(&format!("keys/{key}.pem"));
    let encoding = match alg {
        Algorithm::HS256 | Algorithm::HS384 | Algorithm::HS512 => {
            EncodingKey::from_secret(b"secret")
        }
        Algorithm::ES256 | Algorithm::ES384 => EncodingKey::from_ec_pem(pem.as_bytes()).unwrap(),
        Algorithm::EdDSA => EncodingKey::from_ed_pem(pem.as_bytes()).unwrap(),
        _ => EncodingKey::from_rsa_pem(pem.as_bytes()).unwrap(),
    };
    let signature = jsonwebtoken::crypto::sign(message.as_bytes(), &encoding, alg).unwrap();
    format!("{message}.{signature}")
}

/// Signs with `alg`, the fixture key for it, and `kid` = that key's name.
pub fn sign(alg: &str, claims: &Value) -> String {
    let key = key_for(alg);
    sign_raw(&serde_json::json!({"alg": alg, "kid": key, "typ": "JWT"}), claims, key)
}
