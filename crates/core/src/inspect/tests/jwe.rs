//! The inspector's tests: jWE decryption (fixtures from tests/fixtures/jwe/generate.py).

use super::*;

pub(super) fn jwe_fixtures() -> Value {
    serde_json::from_str(&fixture("jwe/tokens.json")).unwrap()
}

pub(super) fn with_keys(file: &str) -> InspectOptions {
    InspectOptions {
        now: now(),
        decryption_keys: Some(
            DecryptionKeys::parse(&fixture(&format!("jwe/{file}")), file).unwrap(),
        ),
    }
}

#[test]
fn decrypts_every_supported_algorithm_pair() {
    let f = jwe_fixtures();
    let tokens = f["tokens"].as_object().unwrap();
    assert!(tokens.len() >= 15, "{}", tokens.len());
    for (name, token) in tokens {
        let keys = if name.starts_with("dir") {
            "dir.jwk.json"
        } else {
            "recipient.pem"
        };
        let i = inspect(token.as_str().unwrap(), &with_keys(keys)).unwrap();
        let t = &i.tokens[0];
        let jwe = t.jwe.as_ref().unwrap();
        assert!(jwe.decrypted, "{name}: {}", jwe.note);
        assert_eq!(
            Value::Object(t.payload.clone()),
            f["claims"],
            "{name}: the claims decrypt"
        );
        assert!(
            t.claim_rows.iter().any(|r| r.name == "email"),
            "{name}: explained"
        );
    }
}

#[test]
fn private_keys_as_pkcs8_pkcs1_and_jwk_all_decrypt() {
    let f = jwe_fixtures();
    let token = f["tokens"]["RSA-OAEP-256+A256GCM"].as_str().unwrap();
    for file in ["recipient.pem", "recipient-pkcs1.pem", "recipient.jwk.json"] {
        let i = inspect(token, &with_keys(file)).unwrap();
        let jwe = i.tokens[0].jwe.clone().unwrap();
        assert!(jwe.decrypted, "{file}: {}", jwe.note);
        assert!(jwe.note.contains(file), "{}", jwe.note);
    }
}

#[test]
fn signed_then_encrypted_tokens_show_the_inner_jws() {
    let f = jwe_fixtures();
    let i = inspect(
        f["nested"].as_str().unwrap(),
        &with_keys("recipient.jwk.json"),
    )
    .unwrap();
    let t = &i.tokens[0];
    assert!(t.jwe.as_ref().unwrap().decrypted);
    let inner = t.inner.as_ref().expect("inner token");
    assert_eq!(inner.label, "decrypted");
    assert_eq!(inner.kind, Some(TokenKind::Jws));
    assert_eq!(inner.header["kid"], "rsa2");
    assert_eq!(Value::Object(inner.payload.clone()), f["claims"]);
    assert_eq!(inner.encoded.expose(), f["inner_jws"].as_str().unwrap());
    assert_eq!(t.effective().label, "decrypted");
}

#[test]
fn decryption_failures_say_why() {
    let f = jwe_fixtures();
    let token = f["tokens"]["RSA-OAEP+A128CBC-HS256"].as_str().unwrap();
    let note = |t: &str, keys: &str| {
        inspect(t, &with_keys(keys)).unwrap().tokens[0]
            .jwe
            .clone()
            .unwrap()
    };
    let wrong = note(token, "other.pem");
    assert!(!wrong.decrypted);
    assert!(wrong.note.contains("not the recipient's"), "{}", wrong.note);
    // A changed ciphertext fails the tag.
    let mut parts: Vec<String> = token.split('.').map(str::to_owned).collect();
    let mut ct = crate::jose::jwt::b64(&parts[3], Part::Input).unwrap();
    ct[0] ^= 1;
    parts[3] = b64_encode(&ct);
    let tampered = note(&parts.join("."), "recipient.pem");
    assert!(
        tampered.note.contains("authentication tag does not match"),
        "{}",
        tampered.note
    );
    // Same for GCM.
    let gcm = f["tokens"]["RSA-OAEP+A256GCM"].as_str().unwrap();
    let mut parts: Vec<String> = gcm.split('.').map(str::to_owned).collect();
    parts[4] = b64_encode(&[0u8; 16]);
    assert!(note(&parts.join("."), "recipient.pem")
        .note
        .contains("authentication tag"));
    // RSA key for dir, unknown algorithms.
    let dir = f["tokens"]["dir+A256GCM"].as_str().unwrap();
    assert!(note(dir, "recipient.pem").note.contains("oct"));
    let ecdh = format!(
        "{}.a2V5.aXY.Y2lwaGVy.dGFn",
        enc(r#"{"alg":"ECDH-ES","enc":"A128GCM"}"#)
    );
    assert!(note(&ecdh, "recipient.pem")
        .note
        .contains("ECDH-ES does not use an RSA key"));
    let unknown = format!(
        "{}.a2V5.aXY.Y2lwaGVy.dGFn",
        enc(r#"{"alg":"ECDH-1PU","enc":"A128GCM"}"#)
    );
    assert!(note(&unknown, "recipient.pem")
        .note
        .contains("not supported"));
    let odd = format!(
        "{}.a2V5.aXY.Y2lwaGVy.dGFn",
        enc(r#"{"alg":"RSA-OAEP","enc":"A999GCM"}"#)
    );
    assert!(note(&odd, "recipient.pem").note.contains("A999GCM"));
}

#[test]
fn decryption_key_errors_are_clear() {
    let cases = [
        (fixture("verify/rsa1.pub.pem"), "private key is needed"),
        (
            r#"{"kty":"RSA","n":"AQAB","e":"AQAB"}"#.to_owned(),
            "private key is needed",
        ),
        (
            r#"{"kty":"EC","crv":"P-256","d":"AA"}"#.to_owned(),
            "`d` of a P-256 key is 1 bytes, 32 expected",
        ),
        (
            r#"{"kty":"OKP","crv":"Ed25519","d":"AA"}"#.to_owned(),
            "an Ed25519 key signs",
        ),
        (
            r#"{"kty":"EC","crv":"P-256","x":"AA","y":"AA"}"#.to_owned(),
            "private key is needed",
        ),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"
                .to_owned(),
            "passphrase",
        ),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n".to_owned(), "no END"),
        ("{just text".to_owned(), "not a JWK"),
        (String::new(), "empty"),
    ];
    for (text, needle) in cases {
        let e = DecryptionKeys::parse(&text, "k").unwrap_err();
        assert!(e.contains(needle), "{text:.40}: {e}");
    }
    // Text that is neither JSON nor PEM is a PBES2 password; its Debug never shows it.
    let password = DecryptionKeys::parse("  correct horse\n", "k").unwrap();
    assert_eq!(format!("{password:?}").matches("horse").count(), 0);
    assert!(
        matches!(&password.keys[0], crate::inspect::keys::PrivateKey::Password { bytes, .. } if bytes == b"correct horse")
    );
    let keys = DecryptionKeys::parse(&fixture("jwe/recipient.jwk.json"), "k").unwrap();
    assert!(!format!("{keys:?}").contains(r#""d""#));
    assert!(format!("{keys:?}").contains("[redacted]"));
}
