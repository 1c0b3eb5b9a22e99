//! Keys for the encoder's tests (tests/encode.rs, tests/encode_node.rs): a signing key for every
//! JWS algorithm, a recipient for every key management.

use serde_json::json;
use tokenscope_core::jose::jwt::b64_encode;
use tokenscope_core::testkit::fixture_path;

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

pub fn p521_jwk() -> String {
    use p521::elliptic_curve::sec1::ToEncodedPoint as _;
    let k = p521::SecretKey::random(&mut rand::rngs::OsRng);
    let p = k.public_key().to_encoded_point(false);
    json!({"kty": "EC", "crv": "P-521", "kid": "p521",
           "x": b64_encode(p.x().unwrap()), "y": b64_encode(p.y().unwrap()),
           "d": b64_encode(&k.to_bytes())})
    .to_string()
}

/// The signing key text for each algorithm (private; the verifier takes its public half).
pub fn signing_key_text(alg: &str) -> String {
    match alg {
        a if a.starts_with("HS") => {
            json!({"kty": "oct", "kid": "hs", "k": b64_encode(&[7u8; 64])}).to_string()
        }
        a if a.starts_with("RS") || a.starts_with("PS") => fixture("keys/rsa1.pem"),
        "ES256" => fixture("keys/ec256.pem"),
        "ES384" => fixture("keys/ec384.pem"),
        "ES512" => p521_jwk(),
        _ => fixture("keys/ed25519.pem"),
    }
}

/// A recipient key pair for each key management: (the text to encrypt for, the text that
/// decrypts).
pub fn recipient(alg: &str, enc: &str) -> (String, String) {
    let cek_len = match enc {
        "A128GCM" => 16,
        "A192GCM" => 24,
        "A256GCM" | "A128CBC-HS256" => 32,
        "A192CBC-HS384" => 48,
        _ => 64,
    };
    let oct = |len: usize| {
        let mut k = vec![0u8; len];
        rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut k);
        let jwk = json!({"kty": "oct", "k": b64_encode(&k)}).to_string();
        (jwk.clone(), jwk)
    };
    match alg {
        a if a.starts_with("RSA") => {
            // Encrypted for the PEM, decrypted with the same key as a JWK (node `jose` takes JWKs).
            (
                fixture("jwe/recipient.pem"),
                fixture("jwe/recipient.jwk.json"),
            )
        }
        "dir" => oct(cek_len),
        a if a.starts_with("ECDH-ES") => {
            use p256::elliptic_curve::sec1::ToEncodedPoint as _;
            let k = p256::SecretKey::random(&mut rand::rngs::OsRng);
            let p = k.public_key().to_encoded_point(false);
            let private = json!({"kty": "EC", "crv": "P-256", "kid": "ec-enc",
                "x": b64_encode(p.x().unwrap()), "y": b64_encode(p.y().unwrap()),
                "d": b64_encode(&k.to_bytes())});
            let mut public = private.clone();
            public.as_object_mut().unwrap().remove("d");
            (public.to_string(), private.to_string())
        }
        a if a.starts_with("A128") => oct(16),
        a if a.starts_with("A192") => oct(24),
        a if a.starts_with('A') => oct(32),
        _ => (
            "correct horse battery staple".into(),
            "correct horse battery staple".into(),
        ),
    }
}

/// The public half of a signing key text, as `decode --key` takes it (a PEM private key gives
/// its public half only for RSA; EC and Ed25519 PEMs have their public files).
pub fn verify_text(alg: &str, key: &str) -> String {
    match alg {
        "ES256" => fixture("verify/ec256.pub.pem"),
        "ES384" => fixture("verify/ec384.pub.pem"),
        "EdDSA" => fixture("verify/ed25519.pub.pem"),
        _ => key.to_owned(),
    }
}
