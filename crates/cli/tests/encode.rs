//! `tokenscope encode` as a tester uses it: make a token, read it back with `decode`, make the
//! negative ones (expired, wrong `aud`, rogue key) with `--from`, encrypt for a recipient; bad
//! keys and arguments end in one error line, exit 1.

mod common;

use common::{run, text};
use serde_json::Value;
use std::path::PathBuf;
use tokenscope_core::testkit::fixture_path;

const SECRET: &str =
    r#"{"kty":"oct","kid":"hs","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM"}"#;
const ROGUE: &str =
    r#"{"kty":"oct","kid":"rogue","k":"cm9ndWUtcm9ndWUtcm9ndWUtcm9ndWUtcm9ndWUtMDE"}"#;

fn file(name: &str, text: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tokenscope-encode-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

fn encode(args: &[&str]) -> String {
    let mut all = vec!["encode"];
    all.extend_from_slice(args);
    let out = run(&all, None, None);
    assert!(out.status.success(), "{args:?}: {}", text(&out.stderr));
    let s = text(&out.stdout);
    assert_eq!(s.lines().count(), 1, "one line: {s}");
    s.trim().to_owned()
}

fn decode_json(token: &str, key: &str) -> (i32, Value) {
    let out = run(&["decode", "--json", "--key", key, token], None, None);
    let v = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", text(&out.stderr)));
    (out.status.code().unwrap_or(-1), v)
}

fn failed_checks(v: &Value) -> Vec<String> {
    v["tokens"][0]["verification"]["checks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["ok"] == false)
        .map(|c| c["name"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn a_made_token_verifies_and_its_negative_copies_fail_for_their_reason() {
    let key = file("secret.jwk", SECRET);
    let key = key.to_str().unwrap();
    let good = encode(&[
        "--alg",
        "HS256",
        "--key",
        key,
        "--claims",
        r#"{"sub":"tester","aud":"api"}"#,
    ]);
    let (status, v) = decode_json(&good, key);
    assert_eq!(status, 0, "{v}");
    assert_eq!(v["payload"]["aud"], "api");
    assert_eq!(v["tokens"][0]["verification"]["signature_valid"], true);

    let expired = encode(&["--from", &good, "--exp", "-1h", "--key", key]);
    let (status, v) = decode_json(&expired, key);
    assert_eq!((status, failed_checks(&v)), (3, vec!["exp".to_owned()]));

    let wrong_aud = encode(&["--from", &good, "--set", "aud=other-api", "--key", key]);
    let (status, v) = decode_json(&wrong_aud, key);
    assert_eq!(status, 0);
    assert_eq!(v["payload"]["aud"], "other-api");

    let rogue = file("rogue.jwk", ROGUE);
    let forged = encode(&["--from", &good, "--key", rogue.to_str().unwrap()]);
    let (status, v) = decode_json(&forged, key);
    assert_eq!(status, 3);
    assert_eq!(v["payload"]["sub"], "tester", "the claims are kept");
    assert_eq!(v["tokens"][0]["verification"]["signature_valid"], false);
}

#[test]
fn an_rs256_token_encrypted_for_a_recipient_decodes_and_its_inner_token_verifies() {
    let signer = fixture_path("keys/rsa1.pem");
    let recipient = fixture_path("jwe/recipient.pem");
    let token = encode(&[
        "--alg",
        "RS256",
        "--key",
        signer.to_str().unwrap(),
        "--claims",
        r#"{"sub":"x"}"#,
        "--enc",
        "A256GCM",
        "--key-alg",
        "RSA-OAEP-256",
        "--encrypt-key",
        recipient.to_str().unwrap(),
    ]);
    assert_eq!(token.split('.').count(), 5);
    let out = run(
        &[
            "decode",
            "--json",
            "--key",
            signer.to_str().unwrap(),
            "--decrypt-key",
            recipient.to_str().unwrap(),
            &token,
        ],
        None,
        None,
    );
    assert!(out.status.success(), "{}", text(&out.stderr));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let t = &v["tokens"][0];
    assert_eq!(t["jwe"]["cty"], "JWT");
    assert_eq!(t["inner"]["payload"]["sub"], "x");
    assert_eq!(t["verification"]["signature_valid"], true, "{t}");
}

#[test]
fn unusable_keys_and_arguments_end_in_one_error_line() {
    let key = file("secret2.jwk", SECRET);
    let key = key.to_str().unwrap();
    let cases: [(&[&str], &str); 5] = [
        (
            &["encode", "--alg", "RS256", "--key", key],
            "RS256 needs an RSA private key",
        ),
        (
            &["encode", "--alg", "HS256", "--key", key, "--exp", "soon"],
            "--exp",
        ),
        (
            &["encode", "--alg", "HS256", "--key", key, "--claims", "[]"],
            "JSON object",
        ),
        (
            &["encode", "--alg", "HS256", "--key", "/nonexistent/key"],
            "cannot read",
        ),
        (
            &["encode", "--key", key, "--from", "not.a"],
            "does not decode",
        ),
    ];
    for (args, want) in cases {
        let out = run(args, None, None);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        let err = text(&out.stderr);
        assert_eq!(err.lines().count(), 1, "{err}");
        assert!(err.contains(want), "{want}: {err}");
        assert!(out.stdout.is_empty());
    }
}

#[test]
fn encode_help_explains_each_option() {
    let out = run(&["encode", "--help"], None, None);
    let s = text(&out.stdout);
    for option in [
        "--alg",
        "--key",
        "--claims",
        "--header",
        "--exp",
        "--nbf",
        "--iat",
        "--set",
        "--from",
        "--from-decrypt-key",
        "--enc",
        "--key-alg",
        "--encrypt-key",
        "+5m",
        "ES512",
        "EdDSA",
        "PBES2",
    ] {
        assert!(s.contains(option), "{option} in encode --help");
    }
}

#[test]
fn decode_verifies_a_token_inside_a_claim_on_its_own_and_says_when_no_key_is_its() {
    let hs = file("nested-hs.jwk", SECRET);
    let foreign = encode(&[
        "--alg",
        "HS256",
        "--key",
        hs.to_str().unwrap(),
        "--claims",
        r#"{"iss":"https://login.live.com/","sub":"f"}"#,
    ]);
    let rsa = fixture_path("keys/rsa1.pem");
    let claims =
        format!(r#"{{"iss":"https://issuer.example/","sub":"t","idp_access_token":"{foreign}"}}"#);
    let outer = encode(&[
        "--alg",
        "RS256",
        "--key",
        rsa.to_str().unwrap(),
        "--claims",
        &claims,
    ]);
    let out = run(
        &["decode", "--key", rsa.to_str().unwrap(), &outer],
        None,
        None,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "the outer token decides: {}",
        text(&out.stderr)
    );
    let s = text(&out.stdout);
    assert!(s.contains("token › idp_access_token"), "{s}");
    assert!(
        s.contains("not verified: no key for issuer https://login.live.com/ in --key"),
        "{s}"
    );
    let out = run(&["decode", "--help"], None, None);
    assert!(text(&out.stdout).contains("idp_access_token"));
}
