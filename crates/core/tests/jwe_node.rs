//! Cross-check of JWE key management against an independent implementation: node `jose` (the
//! one oidc-provider brings into tests/idp) encrypts with fresh keys under every key management
//! beyond RSA × every content encryption of RFC 7518 (`tests/idp/jwe-encrypt.mjs`: 25 × 6 = 150
//! tokens), and Tokenscope decrypts each to the plaintext, from the private JWK, from its PKCS#8
//! PEM (EC, X25519) or from the password (PBES2); the same token with another recipient's key
//! does not decrypt. Ignored by a plain `cargo test` (needs node and `npm ci --prefix
//! tests/idp`); `scripts/test.sh` runs it with `--include-ignored`.

use serde_json::{Map, Value};
use std::collections::BTreeSet;
use std::process::Command;
use tokenscope_core::inspect::jwe::decrypt;
use tokenscope_core::inspect::keys::DecryptionKeys;
use tokenscope_core::inspect::{inspect, InspectOptions};
use tokenscope_core::jose::jwt::{b64, Part};
use tokenscope_core::testkit::idp::repo_root;

const PLAINTEXT: &str = "{\"sub\":\"Tokenscope ✓\",\"aud\":\"api\"}";

fn jose_tokens() -> Vec<Value> {
    let script = repo_root().join("tests/idp/jwe-encrypt.mjs");
    let out = Command::new("node")
        .arg(&script)
        .arg(PLAINTEXT)
        .output()
        .unwrap_or_else(|e| panic!("cannot run node {}: {e}", script.display()));
    assert!(
        out.status.success(),
        "{} failed (npm ci --prefix tests/idp?): {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

fn header(token: &str) -> Map<String, Value> {
    serde_json::from_slice(&b64(token.split('.').next().unwrap(), Part::Input).unwrap()).unwrap()
}

fn key_text(key: &Value) -> String {
    match key {
        Value::String(password) => password.clone(),
        jwk => jwk.to_string(),
    }
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp)"]
fn every_key_management_and_content_encryption_made_by_node_jose_decrypts() {
    let version: Value = serde_json::from_str(
        &std::fs::read_to_string(repo_root().join("tests/idp/node_modules/jose/package.json"))
            .unwrap(),
    )
    .unwrap();
    eprintln!("node jose {}", version["version"]);
    let tokens = jose_tokens();
    assert_eq!(tokens.len(), 150);
    let mut seen = BTreeSet::new();
    for (i, t) in tokens.iter().enumerate() {
        let (alg, enc) = (t["alg"].as_str().unwrap(), t["enc"].as_str().unwrap());
        let name = format!("{alg} {enc} {}", t["crv"].as_str().unwrap_or(""));
        let token = t["token"].as_str().unwrap();
        let h = header(token);
        let mut texts = vec![("JWK/password", key_text(&t["key"]))];
        if let Some(pem) = t["pem"].as_str() {
            texts.push(("PEM", pem.to_owned()));
        }
        for (form, text) in texts {
            let keys = DecryptionKeys::parse(&text, form)
                .unwrap_or_else(|e| panic!("{name}: the {form} key: {e}"));
            let out = decrypt(token, &h, &keys).unwrap_or_else(|e| panic!("{name} ({form}): {e}"));
            assert_eq!(
                String::from_utf8(out.plaintext).unwrap(),
                PLAINTEXT,
                "{name}"
            );
        }
        // Another recipient's key of the same kind (the next row with another key) does not
        // decrypt it, and says why in words.
        let other = tokens[i + 1..]
            .iter()
            .chain(&tokens[..i])
            .find(|o| o["alg"] == t["alg"] && o["crv"] == t["crv"] && o["key"] != t["key"]);
        if let Some(other) = other {
            let keys = DecryptionKeys::parse(&key_text(&other["key"]), "other").unwrap();
            let mut h = h.clone();
            h.remove("kid");
            let e = decrypt(token, &h, &keys).unwrap_err();
            assert!(
                e.contains("does not unwrap") || e.contains("authentication tag does not match"),
                "{name} with another key: {e}"
            );
        }
        seen.insert((alg.to_owned(), enc.to_owned()));
    }
    assert_eq!(seen.len(), 13 * 6, "every alg × enc");

    // Through the inspector too: the decrypted payload is shown as the token's claims.
    let t = &tokens[0];
    let now = chrono::Utc::now();
    let options = InspectOptions {
        now,
        decryption_keys: Some(DecryptionKeys::parse(&key_text(&t["key"]), "k").unwrap()),
    };
    let inspected = inspect(t["token"].as_str().unwrap(), &options).unwrap();
    let shown = serde_json::to_string(&inspected.tokens[0]).unwrap();
    assert!(shown.contains("Tokenscope ✓"), "{shown:.600}");
}
