//! The encoder against Tokenscope's own decoder: every signing algorithm, and every key
//! management × content encryption of a signed-then-encrypted (nested) token, made by
//! `inspect::make` and read back by the inspector (`InspectRequest`, as `decode` and the desktop
//! use it): decrypted with the recipient's key, the inner JWS verified with the signer's public
//! key, the claims as made. Run with `cargo test -p tokenscope-core --test encode`.

#[path = "encoder/keys.rs"]
mod keys;

use keys::{recipient, signing_key_text, verify_text};
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use tokenscope_core::http::{HttpClient, HttpError, HttpRequest, HttpResponse};
use tokenscope_core::inspect::make::{make, EncryptRequest, MakeRequest, TimeChange};
use tokenscope_core::inspect::request::{InspectRequest, KeyText};
use tokenscope_core::inspect::{Inspection, TokenInspection};
use tokenscope_core::jose::encrypt::{ENCS, KEY_ALGS};
use tokenscope_core::jose::sign::ALGS;

/// No key is ever fetched: the keys are given.
fn no_network() -> Arc<dyn HttpClient> {
    Arc::new(|_: HttpRequest| async {
        Err::<HttpResponse, HttpError>(HttpError::Other(
            "a given key must not reach the network".into(),
        ))
    })
}

fn claims() -> Value {
    json!({"iss": "https://issuer.example/", "sub": "tester", "aud": "api", "name": "Zoë ✓"})
}

fn read(token: &str, public: &str, decrypt: Option<&str>) -> Inspection {
    let request = InspectRequest {
        decryption_key: decrypt.map(|text| KeyText {
            text,
            origin: "the decryption key",
        }),
        verify: true,
        public_key: Some(KeyText {
            text: public,
            origin: "the signing key",
        }),
        skew: Duration::from_secs(60),
        ..Default::default()
    };
    let inspected = request
        .inspect(token, chrono::Utc::now())
        .unwrap_or_else(|e| panic!("{e}"));
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(inspected.verify(no_network()))
}

fn assert_verified(label: &str, t: &TokenInspection) {
    let v = t
        .verification
        .as_ref()
        .unwrap_or_else(|| panic!("{label}: not verified"));
    assert!(v.signature_valid, "{label}: {}", v.summary);
    assert!(v.passed, "{label}: {:?}", v.checks);
    let inner = t.effective();
    for (name, value) in claims().as_object().unwrap() {
        assert_eq!(inner.payload.get(name), Some(value), "{label}: {name}");
    }
}

#[test]
fn every_signing_algorithm_round_trips_through_the_decoder() {
    for alg in ALGS {
        let key = signing_key_text(alg);
        let made = make(
            &MakeRequest {
                alg: alg.into(),
                key: key.clone(),
                claims: claims().to_string(),
                times: vec![TimeChange {
                    claim: "exp".into(),
                    value: "+5m".into(),
                }],
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .unwrap_or_else(|e| panic!("{alg}: {e}"));
        let inspection = read(&made.token, &verify_text(alg, &key), None);
        let t = &inspection.tokens[0];
        assert_eq!(t.header["alg"], alg);
        assert_verified(alg, t);
    }
}

#[test]
fn an_expired_token_made_with_exp_minus_one_hour_fails_the_exp_check() {
    let key = signing_key_text("HS256");
    let made = make(
        &MakeRequest {
            alg: "HS256".into(),
            key: key.clone(),
            claims: claims().to_string(),
            times: vec![TimeChange {
                claim: "exp".into(),
                value: "-1h".into(),
            }],
            ..Default::default()
        },
        chrono::Utc::now(),
    )
    .unwrap();
    let inspection = read(&made.token, &key, None);
    let v = inspection.tokens[0].verification.as_ref().unwrap();
    assert!(v.signature_valid, "{}", v.summary);
    assert!(!v.passed);
    assert!(
        v.checks.iter().any(|c| c.name.as_str() == "exp" && !c.ok),
        "{:?}",
        v.checks
    );
}

#[test]
fn every_key_management_and_content_encryption_of_a_nested_token_round_trips() {
    let key = signing_key_text("ES256");
    let mut count = 0;
    for key_alg in KEY_ALGS {
        for enc in ENCS {
            let (encrypt_for, decrypt_with) = recipient(key_alg, enc);
            let made = make(
                &MakeRequest {
                    alg: "ES256".into(),
                    key: key.clone(),
                    claims: claims().to_string(),
                    encrypt: Some(EncryptRequest {
                        key_alg: key_alg.into(),
                        enc: enc.into(),
                        key: encrypt_for,
                    }),
                    ..Default::default()
                },
                chrono::Utc::now(),
            )
            .unwrap_or_else(|e| panic!("{key_alg} {enc}: {e}"));
            let label = format!("{key_alg} {enc}");
            let inspection = read(
                &made.token,
                &verify_text("ES256", &key),
                Some(&decrypt_with),
            );
            let t = &inspection.tokens[0];
            let jwe = t.jwe.as_ref().unwrap();
            assert!(jwe.decrypted, "{label}: {}", jwe.note);
            assert_eq!(jwe.cty.as_deref(), Some("JWT"), "{label}");
            assert_verified(&label, t);
            count += 1;
        }
    }
    assert_eq!(count, 17 * 6);
}
