//! A seeded property test: thousands of inputs made by mutating real tokens, URLs, JSON token
//! responses and JWEs (random bytes, truncations, bit flips inside the decoded parts, dots added
//! and removed, parts duplicated, sizes around the 64 KiB cap) go through the inspector, the
//! JWE decryption (RSA, and ECDH-ES, AES key wrap, AES-GCM key wrap and PBES2 from RFC 7520), the exports, redaction and diff. None may panic, and each must finish
//! quickly. The encoder's formats get 4,000 inputs each of their own: signed-then-encrypted
//! tokens it made (every key management family), and tokens holding tokens in claims, through
//! decryption, verification of every nested token, and the encoder's mutate path. The seed is
//! fixed so a failure reproduces; set `INSPECTOR_FUZZ_SEED` and `INSPECTOR_FUZZ_CASES` to explore
//! further.

use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use serde_json::json;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::{Duration, Instant};
use tokenscope_core::inspect::diff::diff;
use tokenscope_core::inspect::redact::redact_inspection;
use tokenscope_core::inspect::{export, inspect, DecryptionKeys, InspectOptions};
use tokenscope_core::jose::jwt::{b64, b64_encode, Part, MAX_INPUT};
use tokenscope_core::testkit::{fixture_path, sign};

/// Longest any single input may take (debug build, 2 cores, RSA decryption included).
const PER_INPUT: Duration = Duration::from_secs(2);

fn seeds() -> Vec<String> {
    let now = 1_790_000_000;
    let claims = json!({"iss": "https://contoso.b2clogin.com/t/v2.0/", "sub": "u", "exp": now,
                        "iat": now - 60, "tfp": "B2C_1_susi", "emails": ["a@b.c"],
                        "address": {"locality": "Gent"}, "name": "Ada"});
    let id = sign("RS256", &claims);
    let es = sign("ES256", &json!({"aud": "api", "scp": "read"}));
    let nested = sign(
        "RS256",
        &json!({"sub": "x", "idp_access_token": es, "another": id}),
    );
    let fixtures: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(fixture_path("jwe/tokens.json")).unwrap())
            .unwrap();
    let jwe = fixtures["nested"].as_str().unwrap().to_owned();
    let gcm = fixtures["tokens"]["RSA-OAEP-256+A256GCM"]
        .as_str()
        .unwrap()
        .to_owned();
    let zip = fixtures["tokens"]["RSA-OAEP+A256GCM+zip"]
        .as_str()
        .unwrap()
        .to_owned();
    // RFC 7520 §5.3-5.8: PBES2, ECDH-ES+A128KW, ECDH-ES, A256GCMKW, A128KW (keys in new_keys()).
    let rfc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture_path("jwe/rfc-vectors.json")).unwrap(),
    )
    .unwrap();
    let new_formats = rfc["vectors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|v| !v["name"].as_str().unwrap().contains("RSA"))
        .map(|v| v["token"].as_str().unwrap().to_owned());
    let mut seeds = vec![
        id.clone(),
        format!("Bearer {es}"),
        nested.clone(),
        format!("{}.{}.", b64_encode(br#"{"alg":"none"}"#), b64_encode(br#"{"a":[1,{"b":null}]}"#)),
        format!("https://jwt.ms/#id_token={id}&access_token={es}&state=s"),
        format!("http://localhost:1/cb?code=abc&state=x&session_state=y"),
        "https://jwt.ms/#error=access_denied&error_description=AADB2C90091%3a+x%0d%0aCorrelation+ID%3a+c"
            .to_owned(),
        json!({"id_token": id, "access_token": es, "refresh_token": "r.e.f.r.e", "expires_in": 3600})
            .to_string(),
        json!({"error": "invalid_grant", "error_description": "AADB2C90080: expired"}).to_string(),
        jwe,
        gcm,
        zip,
        "eyJraWQiOiJjcGltY29yZV8wOTI1MjAxNSIsInZlciI6IjEuMCIsInppcCI6IkRlZmxhdGUiLCJzZXIiOiIxLjAifQ..YQ.Yg.Yw"
            .to_owned(),
    ];
    seeds.extend(new_formats);
    seeds
}

/// The recipient's keys of RFC 7520 §5.3-5.8 as one JWKS beside the RSA fixture key (the PBES2
/// password as an `oct` key), so mutated tokens of every format reach their key management.
fn new_keys() -> DecryptionKeys {
    let rfc: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(fixture_path("jwe/rfc-vectors.json")).unwrap(),
    )
    .unwrap();
    let mut keys: Vec<serde_json::Value> = vec![serde_json::from_str(
        &std::fs::read_to_string(fixture_path("jwe/recipient.jwk.json")).unwrap(),
    )
    .unwrap()];
    for v in rfc["vectors"].as_array().unwrap() {
        if v["name"].as_str().unwrap().contains("RSA") {
            continue;
        }
        keys.push(match &v["key"] {
            serde_json::Value::String(password) => {
                json!({"kty": "oct", "k": b64_encode(password.as_bytes())})
            }
            jwk => jwk.clone(),
        });
    }
    DecryptionKeys::parse(&json!({ "keys": keys }).to_string(), "RFC 7520 keys").unwrap()
}

const ALPHABET: &[u8] = b"AZaz09-_.=+/ %&#?{}[]\":,\\\n\t\r\0";

fn mutate(rng: &mut StdRng, seed: &str) -> String {
    let mut bytes = seed.as_bytes().to_vec();
    let rounds = rng.gen_range(1..=4);
    for _ in 0..rounds {
        if bytes.is_empty() {
            bytes.push(b'e');
        }
        let i = rng.gen_range(0..bytes.len());
        match rng.gen_range(0..10) {
            // Replace a byte with a random byte (UTF-8 may break: lossy below).
            0 => bytes[i] = rng.gen(),
            // Replace with a character that means something to the parsers.
            1 => bytes[i] = ALPHABET[rng.gen_range(0..ALPHABET.len())],
            // Truncate.
            2 => bytes.truncate(i),
            // Insert or delete a dot.
            3 => bytes.insert(i, b'.'),
            4 => {
                if let Some(j) = bytes.iter().position(|b| *b == b'.') {
                    bytes.remove(j);
                }
            }
            // Duplicate a slice (a part repeated, or a long run).
            5 => {
                let end = rng.gen_range(i..=bytes.len().min(i + 200));
                let copy = bytes[i..end].to_vec();
                for _ in 0..rng.gen_range(1..4) {
                    bytes.splice(i..i, copy.iter().copied());
                }
            }
            // Flip a bit inside a decoded part and re-encode it, so the damage reaches the JSON,
            // the ciphertext or the tag instead of stopping at base64.
            6 | 7 => {
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut parts: Vec<String> = text.split('.').map(str::to_owned).collect();
                let p = rng.gen_range(0..parts.len());
                if let Ok(mut raw) = b64(&parts[p], Part::Input) {
                    if !raw.is_empty() {
                        let k = rng.gen_range(0..raw.len());
                        raw[k] ^= 1 << rng.gen_range(0..8);
                        parts[p] = b64_encode(&raw);
                        bytes = parts.join(".").into_bytes();
                    }
                }
            }
            // Replace a decoded part with hostile JSON.
            8 => {
                let hostile = [
                    "[]",
                    "null",
                    "{\"a\":1,\"a\":2}",
                    "{\"exp\":1e308,\"iat\":-1e308,\"nbf\":18446744073709551615}",
                    "{\"alg\":\"none\",\"enc\":\"A128GCM\"}",
                    "{\"alg\":\"RSA-OAEP\",\"enc\":\"A256CBC-HS512\",\"zip\":\"DEF\",\"cty\":\"JWT\"}",
                    "{\"x\":\"eyJhbGciOiJub25lIn0.e30.\"}",
                    "{\"\u{0}\":\"\\ud800\"}",
                ];
                let text = String::from_utf8_lossy(&bytes).into_owned();
                let mut parts: Vec<String> = text.split('.').map(str::to_owned).collect();
                let p = rng.gen_range(0..parts.len());
                parts[p] = b64_encode(hostile[rng.gen_range(0..hostile.len())].as_bytes());
                bytes = parts.join(".").into_bytes();
            }
            // Nesting: wrap in brackets or quotes.
            _ => {
                let n = rng.gen_range(1..2000);
                let open = ["[", "{\"a\":", "\""][rng.gen_range(0..3)];
                bytes.splice(0..0, open.repeat(n).into_bytes());
            }
        }
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn run_one(input: &str, options: &InspectOptions) {
    if let Ok(i) = inspect(input, options) {
        let _ = export::json(&i, false);
        let _ = export::json(&i, true);
        let _ = export::markdown(&i, true);
        let _ = redact_inspection(&i);
        if let (Some(a), Some(b)) = (i.tokens.first(), i.tokens.last()) {
            let _ = diff(a, b);
        }
    }
}

#[test]
fn mutated_inputs_never_panic_and_stay_fast() {
    let seed: u64 = std::env::var("INSPECTOR_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x7053_c09e);
    let cases: usize = std::env::var("INSPECTOR_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4000);
    let mut rng = StdRng::seed_from_u64(seed);
    let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let plain = InspectOptions::at(now);
    let with_key = InspectOptions {
        now,
        decryption_keys: Some(
            DecryptionKeys::parse(
                &std::fs::read_to_string(fixture_path("jwe/recipient.pem")).unwrap(),
                "recipient.pem",
            )
            .unwrap(),
        ),
    };
    let with_new_keys = InspectOptions {
        now,
        decryption_keys: Some(new_keys()),
    };
    let seeds = seeds();
    let started = Instant::now();
    let mut slowest = Duration::ZERO;
    let mut decoded = 0;
    for case in 0..cases {
        let base = &seeds[rng.gen_range(0..seeds.len())];
        let input = match case % 50 {
            // Around the size cap.
            0 => "a".repeat(MAX_INPUT + rng.gen_range(0..3)),
            1 => format!("{base}.{}", "A".repeat(MAX_INPUT - base.len() - 1)),
            // Pure noise.
            2 => (0..rng.gen_range(0..300))
                .map(|_| rng.gen::<char>())
                .collect(),
            _ => mutate(&mut rng, base),
        };
        // Decryption is the expensive path: give the keys to one input in four.
        let options = match case % 8 {
            0 => &with_key,
            4 => &with_new_keys,
            _ => &plain,
        };
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| run_one(&input, options)));
        let took = t.elapsed();
        if result.is_err() {
            panic!("case {case} (seed {seed}) panicked on input {input:?}");
        }
        assert!(
            took < PER_INPUT,
            "case {case} (seed {seed}) took {took:?} on input {input:.200?}"
        );
        slowest = slowest.max(took);
        if inspect(&input, &plain).is_ok() {
            decoded += 1;
        }
    }
    eprintln!(
        "{cases} inputs in {:?} (slowest {slowest:?}); {decoded} still decoded",
        started.elapsed()
    );
    assert!(
        decoded > cases / 20,
        "the mutations should not all be rejected"
    );
}

/// The encoder's formats: (name, seeds each with the key that decrypts it, the signing key
/// given to verify with).
type Format = (&'static str, Vec<(String, String)>, String);

fn encoder_formats() -> Vec<Format> {
    use super::encoder_keys::{recipient, signing_key_text};
    use tokenscope_core::inspect::make::{make, EncryptRequest, MakeRequest};
    let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let hs = signing_key_text("HS256");
    let claims = json!({"iss": "https://issuer.example/", "sub": "u", "aud": "api"});
    let make_one =
        |alg: &str, key: &str, claims: &serde_json::Value, enc: Option<EncryptRequest>| {
            make(
                &MakeRequest {
                    alg: alg.into(),
                    key: key.into(),
                    claims: claims.to_string(),
                    encrypt: enc,
                    ..Default::default()
                },
                now,
            )
            .unwrap()
            .token
        };
    // Nested JWE: one token per key management family beyond RSA (RSA decryption is fuzzed
    // above, and costs a tenth of a second a try in a debug build), each recipient's key in one
    // JWKS.
    let mut jwes = Vec::new();
    let mut keys = Vec::new();
    // One key a token: a JWKS of them all would make every damaged token try every key.
    for (key_alg, enc) in [
        ("A256KW", "A256GCM"),
        ("A128GCMKW", "A128CBC-HS256"),
        ("dir", "A192GCM"),
        ("ECDH-ES", "A256CBC-HS512"),
        ("ECDH-ES+A192KW", "A192CBC-HS384"),
        ("PBES2-HS256+A128KW", "A128GCM"),
    ] {
        let (encrypt_for, decrypt_with) = recipient(key_alg, enc);
        jwes.push(make_one(
            "HS256",
            &hs,
            &claims,
            Some(EncryptRequest {
                key_alg: key_alg.into(),
                enc: enc.into(),
                key: encrypt_for,
            }),
        ));
        keys.push(decrypt_with);
    }
    // Tokens in claims, two deep, one signed by the given key and one by a stranger.
    let stranger = r#"{"kty":"oct","k":"c3RyYW5nZXItc3RyYW5nZXItc3RyYW5nZXItMDEyMzQ"}"#;
    let foreign = make_one(
        "HS256",
        stranger,
        &json!({"iss": "https://login.live.com/"}),
        None,
    );
    let own = make_one(
        "HS256",
        &hs,
        &json!({"iss": "https://idp/", "idp_access_token": foreign}),
        None,
    );
    let outer = make_one(
        "HS256",
        &hs,
        &json!({"iss": "https://issuer.example/", "idp_id_token": own, "idp_access_token": foreign}),
        None,
    );
    vec![
        (
            "nested JWE",
            jwes.into_iter().zip(keys).collect(),
            hs.clone(),
        ),
        (
            "tokens in claims",
            vec![(outer, String::new()), (own, String::new())],
            hs,
        ),
    ]
}

/// No key is fetched in the fuzz: the keys are given.
fn no_network() -> std::sync::Arc<dyn tokenscope_core::http::HttpClient> {
    use tokenscope_core::http::{HttpError, HttpRequest, HttpResponse};
    std::sync::Arc::new(|_: HttpRequest| async {
        Err::<HttpResponse, HttpError>(HttpError::Other("no network in the fuzz".into()))
    })
}

#[test]
fn mutated_encoder_outputs_never_panic_through_decryption_nested_verification_and_mutate() {
    use tokenscope_core::inspect::make::{make, MakeRequest};
    use tokenscope_core::inspect::request::{InspectRequest, KeyText};
    let seed: u64 = std::env::var("INSPECTOR_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0x0e2c_0de5);
    let cases: usize = std::env::var("INSPECTOR_FUZZ_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(4000);
    let now = chrono::DateTime::from_timestamp(1_790_000_000, 0).unwrap();
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for (name, seeds, verify) in encoder_formats() {
        let mut rng = StdRng::seed_from_u64(seed);
        let started = Instant::now();
        let mut slowest = Duration::ZERO;
        let mut decoded = 0;
        for case in 0..cases {
            let (base, decrypt) = &seeds[rng.gen_range(0..seeds.len())];
            let input = mutate(&mut rng, base);
            let t = Instant::now();
            let result = catch_unwind(AssertUnwindSafe(|| {
                let request = InspectRequest {
                    decryption_key: (!decrypt.is_empty()).then_some(KeyText {
                        text: decrypt,
                        origin: "keys",
                    }),
                    verify: true,
                    public_key: Some(KeyText {
                        text: &verify,
                        origin: "key",
                    }),
                    skew: Duration::from_secs(60),
                    ..Default::default()
                };
                let mut decoded = false;
                if let Ok(inspected) = request.inspect(&input, now) {
                    let inspection = rt.block_on(inspected.verify(no_network()));
                    let _ = export::json(&inspection, false);
                    decoded = true;
                }
                let _ = make(
                    &MakeRequest {
                        key: verify.clone(),
                        from: Some(input.clone()),
                        from_decrypt_key: (!decrypt.is_empty()).then(|| decrypt.clone()),
                        set: vec![("aud".into(), "x".into())],
                        ..Default::default()
                    },
                    now,
                );
                decoded
            }));
            let took = t.elapsed();
            match result {
                Err(_) => panic!("{name}: case {case} (seed {seed}) panicked on input {input:?}"),
                Ok(true) => decoded += 1,
                Ok(false) => {}
            }
            assert!(
                took < PER_INPUT,
                "{name}: case {case} (seed {seed}) took {took:?} on input {input:.200?}"
            );
            slowest = slowest.max(took);
        }
        eprintln!(
            "{name}: {cases} inputs in {:?} (slowest {slowest:?}); {decoded} still decoded",
            started.elapsed()
        );
        assert!(
            decoded > cases / 20,
            "{name}: the mutations should not all be rejected"
        );
    }
}
