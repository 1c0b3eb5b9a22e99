//! Cross-check of RSA1_5 (RSAES-PKCS1-v1_5 key management) against an independent
//! implementation, Python `jwcrypto` (Debian's python3-jwcrypto, on `cryptography`), both
//! directions, with every content encryption (`tests/encoder/rsa1_5.py`). node `jose`, which
//! checks every other key management (tests/encode_node.rs), lacks RSA1_5.
//!
//! - Tokenscope makes, jwcrypto reads: a token signed (ES256) then encrypted with RSA1_5 for
//!   the recipient's public key; jwcrypto decrypts it with the private JWK, verifies the inner
//!   token and finds the claims.
//! - jwcrypto makes, Tokenscope reads: the same made by jwcrypto; Tokenscope decrypts, verifies
//!   the inner token with the signer's public JWK and finds the claims.
//!
//! Ignored by a plain `cargo test` (needs python3-jwcrypto: `scripts/install.sh`);
//! `scripts/test.sh` runs it with `--include-ignored`. `$TOKENSCOPE_PYTHON` names the Python
//! (default: Debian's /usr/bin/python3, which sees Debian's packages).

#[path = "encoder/keys.rs"]
mod keys;

use keys::{recipient, signing_key_text, verify_text};
use serde_json::{json, Value};
use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;
use tokenscope_core::http::{HttpClient, HttpError, HttpRequest, HttpResponse};
use tokenscope_core::inspect::keys::public_keys;
use tokenscope_core::inspect::make::{make, EncryptRequest, MakeRequest};
use tokenscope_core::inspect::request::{InspectRequest, KeyText};
use tokenscope_core::jose::encrypt::ENCS;
use tokenscope_core::testkit::fixture_path;

const NEEDS: &str = "needs python3 with jwcrypto (Debian: apt-get install python3-jwcrypto; \
                     scripts/install.sh installs it)";

fn claims() -> Value {
    json!({"iss": "https://issuer.example/", "sub": "tester", "aud": "api", "name": "Zoë ✓"})
}

fn python() -> PathBuf {
    std::env::var_os("TOKENSCOPE_PYTHON")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/python3"))
}

fn recipient_jwk() -> PathBuf {
    fixture_path("jwe/recipient.jwk.json")
}

/// Runs the script in `mode`, `input` on its stdin; its JSON answer.
fn jwcrypto(mode: &str, input: Option<&Value>) -> Vec<Value> {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/encoder/rsa1_5.py");
    let python = python();
    let mut child = Command::new(&python)
        .arg(&script)
        .arg(mode)
        .arg(recipient_jwk())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {NEEDS}", python.display()));
    let mut stdin = child.stdin.take().expect("stdin");
    if let Some(input) = input {
        stdin
            .write_all(input.to_string().as_bytes())
            .expect("write to python");
    }
    drop(stdin);
    let out = child.wait_with_output().expect("python ran");
    assert!(
        out.status.success(),
        "{} {} {mode} failed ({NEEDS}): {}",
        python.display(),
        script.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice::<Value>(&out.stdout)
        .expect("python printed JSON")
        .as_array()
        .expect("a list")
        .clone()
}

#[test]
#[ignore = "needs python3-jwcrypto (scripts/install.sh)"]
fn jwcrypto_decrypts_every_rsa1_5_token_tokenscope_makes() {
    let signer = signing_key_text("ES256");
    let verify = public_keys(&verify_text("ES256", &signer))
        .expect("signer's public key")
        .keys
        .remove(0);
    let mut items = Vec::new();
    for enc in ENCS {
        let made = make(
            &MakeRequest {
                alg: "ES256".into(),
                key: signer.clone(),
                claims: claims().to_string(),
                encrypt: Some(EncryptRequest {
                    key_alg: "RSA1_5".into(),
                    enc: (*enc).into(),
                    // The recipient's public PEM; jwcrypto decrypts with its private JWK.
                    key: recipient("RSA1_5", enc).0,
                }),
                ..Default::default()
            },
            chrono::Utc::now(),
        )
        .unwrap_or_else(|e| panic!("RSA1_5 {enc}: {e}"));
        items.push(json!({"token": made.token, "verify": verify}));
    }
    assert_eq!(items.len(), 6);
    let results = jwcrypto("read", Some(&Value::from(items)));
    assert_eq!(results.len(), ENCS.len());
    for (enc, r) in ENCS.iter().zip(&results) {
        assert_eq!(r["ok"], true, "RSA1_5 {enc}: jwcrypto says {}", r["error"]);
        assert_eq!(r["alg"], "RSA1_5", "{enc}");
        assert_eq!(r["enc"], *enc);
        assert_eq!(r["inner_alg"], "ES256", "{enc}");
        for (claim, value) in claims().as_object().unwrap() {
            assert_eq!(&r["payload"][claim], value, "RSA1_5 {enc}: {claim}");
        }
    }
}

fn no_network() -> Arc<dyn HttpClient> {
    Arc::new(|_: HttpRequest| async {
        Err::<HttpResponse, HttpError>(HttpError::Other("no network here".into()))
    })
}

#[test]
#[ignore = "needs python3-jwcrypto (scripts/install.sh)"]
fn tokenscope_decrypts_every_rsa1_5_token_jwcrypto_makes() {
    let made = jwcrypto("make", None);
    let encs: Vec<&str> = made.iter().filter_map(|m| m["enc"].as_str()).collect();
    assert_eq!(encs, ENCS, "jwcrypto made one token per content encryption");
    let decrypt = recipient("RSA1_5", "A128GCM").1;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    for m in &made {
        let enc = m["enc"].as_str().unwrap_or_default();
        let verify = m["verify"].to_string();
        let request = InspectRequest {
            decryption_key: Some(KeyText {
                text: &decrypt,
                origin: "the recipient's private JWK",
            }),
            verify: true,
            public_key: Some(KeyText {
                text: &verify,
                origin: "jwcrypto's signing key",
            }),
            skew: Duration::from_secs(60),
            ..Default::default()
        };
        let inspected = request
            .inspect(m["token"].as_str().unwrap(), chrono::Utc::now())
            .unwrap_or_else(|e| panic!("RSA1_5 {enc}: {e}"));
        let inspection = rt.block_on(inspected.verify(no_network()));
        let t = &inspection.tokens[0];
        let jwe = t.jwe.as_ref().expect("read as a JWE");
        assert!(jwe.decrypted, "RSA1_5 {enc}: {}", jwe.note);
        let v = t.verification.as_ref().expect("verified");
        assert!(
            v.signature_valid && v.passed,
            "RSA1_5 {enc}: {:?}",
            v.checks
        );
        for (claim, value) in claims().as_object().unwrap() {
            assert_eq!(
                t.effective().payload.get(claim),
                Some(value),
                "RSA1_5 {enc}: {claim}"
            );
        }
    }
}
