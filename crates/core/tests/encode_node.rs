//! Cross-check of the encoder against an independent implementation, node `jose` (the one
//! oidc-provider brings into tests/idp), both directions (`tests/idp/jws-cross.mjs`):
//!
//! - Tokenscope makes, jose reads: every JWS algorithm, and a signed-then-encrypted token for
//!   every key management jose has (all but `RSA1_5`, which WebCrypto lacks: tests/jwe_python.rs
//!   checks it against Python `jwcrypto`) × every content
//!   encryption; jose decrypts and verifies each and finds the claims.
//! - jose makes, Tokenscope reads: the same set made by jose; Tokenscope decrypts, verifies the
//!   inner token with the signer's public key and finds the claims.
//!
//! Ignored by a plain `cargo test` (needs node and `npm ci --prefix tests/idp`);
//! `scripts/test.sh` runs it with `--include-ignored`.

#[path = "encoder/keys.rs"]
mod keys;

use keys::{recipient, signing_key_text, verify_text};
use serde_json::{json, Value};
use std::io::Write;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokenscope_core::http::{HttpClient, HttpError, HttpRequest, HttpResponse};
use tokenscope_core::inspect::keys::public_keys;
use tokenscope_core::inspect::make::{make, EncryptRequest, MakeRequest};
use tokenscope_core::inspect::request::{InspectRequest, KeyText};
use tokenscope_core::jose::encrypt::{ENCS, KEY_ALGS};
use tokenscope_core::jose::sign::ALGS;
use tokenscope_core::testkit::idp::repo_root;

fn claims() -> Value {
    json!({"iss": "https://issuer.example/", "sub": "tester", "aud": "api", "name": "Zoë ✓"})
}

fn node(mode: &str, input: Option<&Value>) -> Vec<Value> {
    let script = repo_root().join("tests/idp/jws-cross.mjs");
    let mut child = Command::new("node")
        .arg(&script)
        .arg(mode)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run node {}: {e}", script.display()));
    let mut stdin = child.stdin.take().unwrap();
    if let Some(input) = input {
        stdin.write_all(input.to_string().as_bytes()).unwrap();
    }
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{} {mode} failed (npm ci --prefix tests/idp?): {}",
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .unwrap()
        .as_array()
        .unwrap()
        .clone()
}

/// The public JWK `jose` verifies with.
fn public_jwk(text: &str) -> Value {
    public_keys(text).unwrap().keys.remove(0)
}

/// The key text `jose` decrypts with: a JWK object, or the password as a string.
fn jose_key(text: &str) -> Value {
    serde_json::from_str::<Value>(text).unwrap_or_else(|_| Value::from(text))
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp)"]
fn node_jose_reads_and_verifies_every_token_tokenscope_makes() {
    let mut items = Vec::new();
    let mut names = Vec::new();
    for alg in ALGS {
        let key = signing_key_text(alg);
        let made = make(
            &MakeRequest {
                alg: alg.into(),
                key: key.clone(),
                claims: claims().to_string(),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .unwrap();
        items.push(json!({"token": made.token, "verify": public_jwk(&verify_text(alg, &key)), "decrypt": null}));
        names.push(alg.to_owned());
    }
    let signer = signing_key_text("ES256");
    for key_alg in KEY_ALGS.iter().filter(|a| **a != "RSA1_5") {
        for enc in ENCS {
            let (encrypt_for, decrypt_with) = recipient(key_alg, enc);
            let made = make(
                &MakeRequest {
                    alg: "ES256".into(),
                    key: signer.clone(),
                    claims: claims().to_string(),
                    encrypt: Some(EncryptRequest {
                        key_alg: (*key_alg).into(),
                        enc: enc.into(),
                        key: encrypt_for,
                    }),
                    ..Default::default()
                },
                chrono::Utc::now(),
            )
            .unwrap();
            items.push(json!({"token": made.token,
                "verify": public_jwk(&verify_text("ES256", &signer)),
                "decrypt": jose_key(&decrypt_with)}));
            names.push(format!("{key_alg} {enc}"));
        }
    }
    assert_eq!(items.len(), 13 + 16 * 6);
    let results = node("verify", Some(&Value::from(items)));
    assert_eq!(results.len(), names.len());
    for (name, r) in names.iter().zip(&results) {
        assert_eq!(r["ok"], true, "{name}: jose says {}", r["error"]);
        for (claim, value) in claims().as_object().unwrap() {
            assert_eq!(&r["payload"][claim], value, "{name}: {claim}");
        }
    }
    // jose saw the algorithms named.
    assert!(results.iter().any(|r| r["alg"] == "ES512"));
    assert!(results
        .iter()
        .any(|r| r["key_alg"] == "PBES2-HS512+A256KW" && r["cty"] == "JWT"));
}

fn no_network() -> Arc<dyn HttpClient> {
    Arc::new(|_: HttpRequest| async {
        Err::<HttpResponse, HttpError>(HttpError::Other("no network here".into()))
    })
}

#[test]
#[ignore = "needs tests/idp (node, npm ci --prefix tests/idp)"]
fn tokenscope_reads_and_verifies_every_token_node_jose_makes() {
    let made = node("make", None);
    assert_eq!(made.len(), 13 + 16 * 6);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for m in &made {
        let name = format!("{} {} {}", m["alg"], m["key_alg"], m["enc"]);
        let verify = m["verify"].to_string();
        let decrypt = match &m["decrypt"] {
            Value::Null => None,
            Value::String(password) => Some(password.clone()),
            jwk => Some(jwk.to_string()),
        };
        let request = InspectRequest {
            decryption_key: decrypt.as_deref().map(|text| KeyText {
                text,
                origin: "jose's recipient key",
            }),
            verify: true,
            public_key: Some(KeyText {
                text: &verify,
                origin: "jose's signing key",
            }),
            skew: Duration::from_secs(60),
            ..Default::default()
        };
        let inspected = request
            .inspect(m["token"].as_str().unwrap(), chrono::Utc::now())
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let inspection = rt.block_on(inspected.verify(no_network()));
        let t = &inspection.tokens[0];
        if decrypt.is_some() {
            let jwe = t.jwe.as_ref().unwrap();
            assert!(jwe.decrypted, "{name}: {}", jwe.note);
        }
        let v = t.verification.as_ref().unwrap();
        assert!(v.signature_valid && v.passed, "{name}: {:?}", v.checks);
        for (claim, value) in claims().as_object().unwrap() {
            assert_eq!(
                t.effective().payload.get(claim),
                Some(value),
                "{name}: {claim}"
            );
        }
    }
}
