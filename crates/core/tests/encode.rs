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

fn made(alg: &str, key: &str, claims: Value) -> String {
    make(
        &MakeRequest {
            alg: alg.into(),
            key: key.into(),
            claims: claims.to_string(),
            ..Default::default()
        },
        chrono::Utc::now(),
    )
    .unwrap()
    .token
}

#[test]
fn a_token_inside_a_claim_is_verified_on_its_own_or_says_no_key_for_its_issuer() {
    let rsa = signing_key_text("RS256");
    // Signed by the same key as the outer token: verified.
    let same = made(
        "RS256",
        &rsa,
        json!({"iss": "https://idp.example/", "sub": "s"}),
    );
    // Signed by an identity provider whose key was not given: never passed off as verified.
    let foreign = made(
        "HS256",
        &signing_key_text("HS256"),
        json!({"iss": "https://login.live.com/", "sub": "f"}),
    );
    let outer = made(
        "RS256",
        &rsa,
        json!({"iss": "https://issuer.example/", "sub": "tester",
               "idp_access_token": foreign, "idp_id_token": same}),
    );
    let inspection = read(&outer, &rsa, None);
    let t = &inspection.tokens[0];
    assert!(t.verification.as_ref().unwrap().signature_valid);
    let nested = |label: &str| {
        t.nested
            .iter()
            .find(|n| n.label == label)
            .unwrap_or_else(|| panic!("{label} decoded"))
            .verification
            .clone()
            .unwrap_or_else(|| panic!("{label} verified"))
    };
    let same = nested("idp_id_token");
    assert!(same.signature_valid && same.passed, "{:?}", same.checks);
    let foreign = nested("idp_access_token");
    assert!(!foreign.signature_valid);
    assert_eq!(
        foreign.summary,
        "not verified: no key for issuer https://login.live.com/ in the signing key"
    );
}

#[test]
fn the_inner_token_of_a_nested_jwe_signed_by_a_rogue_key_fails_its_signature_check() {
    let (encrypt_for, decrypt_with) = recipient("A256KW", "A256GCM");
    let rogue = made("HS256", &signing_key_text("HS256"), claims());
    let jwe = make(
        &MakeRequest {
            from: Some(rogue),
            key: json!({"kty": "oct", "kid": "hs", "k": "cm9ndWU"}).to_string(),
            encrypt: Some(EncryptRequest {
                key_alg: "A256KW".into(),
                enc: "A256GCM".into(),
                key: encrypt_for,
            }),
            ..Default::default()
        },
        chrono::Utc::now(),
    )
    .unwrap()
    .token;
    let inspection = read(&jwe, &signing_key_text("HS256"), Some(&decrypt_with));
    let t = &inspection.tokens[0];
    assert!(t.jwe.as_ref().unwrap().decrypted);
    let v = t.verification.as_ref().unwrap();
    assert!(!v.signature_valid, "{:?}", v.checks);
    assert!(v.summary.contains("does not match"), "{}", v.summary);
}
