use super::diff::{diff, ChangeKind};
use super::export;
use super::keys::{public_keys, DecryptionKeys};
use super::redact::{redact_inspection, redact_token, MARK, MASK, MASK_TOKEN};
use super::verify::discovery_url;
use super::*;
use crate::jose::jwt::b64_encode;
use crate::oidc::provider_error::ErrorOrigin;
use crate::testkit::fixture_path;
use serde_json::json;

const NOW: i64 = 1_790_000_000;

fn now() -> DateTime<Utc> {
    DateTime::from_timestamp(NOW, 0).unwrap()
}

fn opts() -> InspectOptions {
    InspectOptions::at(now())
}

fn enc(json: &str) -> String {
    b64_encode(json.as_bytes())
}

fn jws(payload: &Value) -> String {
    format!(
        "{}.{}.c2lnbmF0dXJl",
        enc(r#"{"alg":"RS256","kid":"k1","typ":"JWT"}"#),
        b64_encode(payload.to_string().as_bytes())
    )
}

fn id_token() -> String {
    jws(
        &json!({"iss": "https://issuer.example/", "sub": "u1", "exp": NOW + 240,
                "iat": NOW - 60, "name": "Ada", "tfp": "B2C_1_susi"}),
    )
}

fn run(input: &str) -> Inspection {
    inspect(input, &opts()).unwrap_or_else(|e| panic!("{input:.60}: {e}"))
}

fn fixture(name: &str) -> String {
    std::fs::read_to_string(fixture_path(name)).unwrap()
}

// ---- Input forms ----

#[test]
fn a_bare_token_is_one_labelled_token() {
    let i = run(&id_token());
    assert_eq!(i.form, InputForm::Token);
    assert_eq!(i.tokens.len(), 1);
    let t = &i.tokens[0];
    assert_eq!(t.label, "token");
    assert_eq!(t.kind, Some(TokenKind::Jws));
    assert_eq!(t.claim_str("sub"), Some("u1"));
    assert_eq!(t.signature_len, 9);
    assert_eq!(t.part_lengths.len(), 3);
    assert_eq!(t.encoded.expose(), id_token());
    assert!(
        !format!("{t:?}").contains(&id_token()),
        "Debug never shows the token"
    );
}

#[test]
fn bearer_and_authorization_header_lines() {
    for pasted in [
        format!("Bearer {}", id_token()),
        format!("bearer   {}", id_token()),
        format!("Authorization: Bearer {}", id_token()),
        format!("AUTHORIZATION:Bearer\t{}\n", id_token()),
    ] {
        let i = run(&pasted);
        assert_eq!(i.form, InputForm::Bearer, "{pasted:.40}");
        assert_eq!(i.tokens[0].claim_str("sub"), Some("u1"));
    }
    let e = inspect("Bearer", &opts()).unwrap_err();
    assert!(e.message.contains("no token after"), "{e}");
}

#[test]
fn line_breaks_spaces_and_quotes_from_emails_are_dropped() {
    let t = id_token();
    let pasted = format!(
        "\u{feff}  \"{}\r\n  {}\n{} \" ",
        &t[..20],
        &t[20..50],
        &t[50..]
    );
    let i = run(&pasted);
    assert_eq!(i.tokens[0].encoded.expose(), t);
    let url = format!("https://jwt.ms/#id_token={}\n{}", &t[..30], &t[30..]);
    assert_eq!(run(&url).tokens[0].encoded.expose(), t);
}

#[test]
fn redirect_url_with_id_token_in_the_fragment() {
    let i = run(&format!("https://jwt.ms/#id_token={}", id_token()));
    assert_eq!(i.form, InputForm::RedirectUrl);
    assert_eq!(i.tokens.len(), 1);
    assert_eq!(i.tokens[0].label, "id_token");
    assert_eq!(i.tokens[0].claim_str("tfp"), Some("B2C_1_susi"));
}

#[test]
fn redirect_url_with_access_and_id_tokens_and_parameters() {
    let at = jws(&json!({"aud": "api", "scp": "read", "exp": NOW + 3600}));
    let url = format!(
        "https://jwt.ms/#access_token={at}&token_type=Bearer&expires_in=3600&id_token={}&state=xyz",
        id_token()
    );
    let i = run(&url);
    let labels: Vec<&str> = i.tokens.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["id_token", "access_token"], "id_token first");
    assert_eq!(i.primary().unwrap().label, "id_token");
    let params: Vec<(&str, &str)> = i
        .parameters
        .iter()
        .map(|p| (p.name.as_str(), p.value.as_str()))
        .collect();
    assert_eq!(
        params,
        [
            ("token_type", "Bearer"),
            ("expires_in", "3600"),
            ("state", "xyz")
        ]
    );
}

#[test]
fn fragment_query_and_form_post_bodies_alone() {
    for pasted in [
        format!("#id_token={}&state=s", id_token()),
        format!("?id_token={}", id_token()),
        format!("id_token={}&state=s", id_token()),
        format!("state=s&id_token={}", id_token()),
    ] {
        let i = run(&pasted);
        assert_eq!(i.form, InputForm::RedirectUrl, "{pasted:.30}");
        assert_eq!(i.tokens[0].label, "id_token");
    }
}

#[test]
fn a_code_in_the_query_is_explained_not_decoded() {
    let i = run("http://localhost:8400/callback?code=eyJraWQiOiJjcGltY29yZ&state=abc");
    assert!(i.tokens.is_empty());
    let code = i.authorization_code.as_ref().expect("code found");
    assert_eq!(code.length, 21);
    assert!(code.explanation.contains("not a token"));
    assert!(code.explanation.contains("profile"));
    assert!(
        !serde_json::to_string(&i)
            .unwrap()
            .contains("eyJraWQiOiJjcGltY29yZ"),
        "the code's value is not kept"
    );
    assert_eq!(i.parameters[0].name, "state");
}

#[test]
fn an_error_redirect_gives_the_b2c_details() {
    let url = "https://jwt.ms/#error=access_denied&error_description=AADB2C90118%3a+The+user+has+\
               forgotten+their+password.%0d%0aCorrelation+ID%3a+0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001\
               %0d%0aTimestamp%3a+2026-11-25+10%3a01%3a02Z%0d%0a&state=s";
    let i = run(url);
    let e = i.provider_error.as_ref().expect("provider error");
    assert_eq!(e.origin, ErrorOrigin::Authorization);
    assert_eq!(e.error, "access_denied");
    assert_eq!(e.code.as_deref(), Some("AADB2C90118"));
    assert_eq!(
        e.correlation_id.as_deref(),
        Some("0b5a7a5c-1234-4f6e-9a55-d7b3c1a2e001")
    );
    assert_eq!(e.timestamp.as_deref(), Some("2026-11-25 10:01:02Z"));
    assert!(i.tokens.is_empty());
}

#[test]
fn a_json_token_response_decodes_each_token_and_knows_refresh_tokens_are_opaque() {
    let at = jws(&json!({"aud": "api", "scp": "read"}));
    let b2c_refresh = b2c_refresh_token();
    let body = json!({"id_token": id_token(), "access_token": at, "token_type": "Bearer",
                      "expires_in": 3600, "refresh_token": b2c_refresh,
                      "refresh_token_expires_in": 1_209_600});
    let i = run(&body.to_string());
    assert_eq!(i.form, InputForm::TokenResponse);
    let labels: Vec<&str> = i.tokens.iter().map(|t| t.label.as_str()).collect();
    assert_eq!(labels, ["id_token", "access_token", "refresh_token"]);
    let r = &i.tokens[2];
    assert_eq!(r.kind, Some(TokenKind::Opaque));
    assert!(r.error.is_none());
    assert!(
        r.warnings[0].contains("B2C refresh token"),
        "{:?}",
        r.warnings
    );
    assert_eq!(r.header["kid"], "cpimcore_09252015");
    assert!(i
        .parameters
        .iter()
        .any(|p| p.name == "expires_in" && p.value == "3600"));
    // Any other refresh token shape is opaque too.
    let i = run(&json!({"refresh_token": "0.AAAA-opaque.value"}).to_string());
    assert_eq!(i.tokens[0].kind, Some(TokenKind::Opaque));
    assert!(i.tokens[0].warnings[0].contains("refresh token"));
}

#[test]
fn a_json_error_response_is_a_provider_error() {
    let i = run(
        r#"{"error":"invalid_grant","error_description":"AADB2C90080: The provided grant has expired."}"#,
    );
    let e = i.provider_error.unwrap();
    assert_eq!(e.origin, ErrorOrigin::TokenEndpoint);
    assert_eq!(e.code.as_deref(), Some("AADB2C90080"));
}

#[test]
fn one_bad_token_among_several_keeps_the_others() {
    let body = json!({"id_token": "x.y.z", "access_token": jws(&json!({"scp": "read"}))});
    let i = run(&body.to_string());
    assert!(i.tokens[0].error.is_some());
    assert_eq!(i.tokens[1].claim_str("scp"), Some("read"));
    assert_eq!(i.primary().unwrap().label, "access_token");
    let (label, e) = i.first_error().unwrap();
    assert_eq!(label, "id_token");
    assert_eq!(e.part, Part::Header);
}

// ---- Malformed input ----

#[test]
fn malformed_inputs_give_precise_errors() {
    let big = "a".repeat(jwt::MAX_INPUT + 1);
    let cases: Vec<(String, Part, &str)> = vec![
        (String::new(), Part::Input, "empty"),
        ("   \n ".into(), Part::Input, "empty"),
        (big, Part::Input, "64 KiB"),
        ("a.b".into(), Part::Input, "2 dot-separated parts"),
        ("a.b.c.d".into(), Part::Input, "4 dot-separated parts"),
        ("abc.d$f.ghi".into(), Part::Input, "position 6"),
        (
            format!("{}.e30.x", enc("{")),
            Part::Header,
            "not valid JSON",
        ),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc("[]")),
            Part::Payload,
            "array",
        ),
        (
            format!(
                "{}.{}.x",
                enc(r#"{"alg":"RS256"}"#),
                enc(r#"{"a":1,"a":1}"#)
            ),
            Part::Payload,
            "duplicate member name `a`",
        ),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc(r#"{"n":1e400}"#)),
            Part::Payload,
            "not valid JSON",
        ),
        (
            format!("{}.{}.x!", enc(r#"{"alg":"RS256"}"#), enc("{}")),
            Part::Input,
            "not allowed",
        ),
        (
            format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), "e30$"),
            Part::Input,
            "position",
        ),
        (
            "https://jwt.ms/#state=only".into(),
            Part::Input,
            "no id_token",
        ),
        (
            "https://exa mple.com:99999/#id_token=x".into(),
            Part::Input,
            "not one",
        ),
        (
            r#"{"sub":"u1","name":"Ada"}"#.into(),
            Part::Input,
            "not a token response",
        ),
        (
            r#"{"id_token": 5}"#.into(),
            Part::Input,
            "`id_token` is not a string",
        ),
        (
            r#"{"id_token":"a","id_token":"b"}"#.into(),
            Part::Input,
            "duplicate",
        ),
        ("{not json".into(), Part::Input, "JSON token response"),
    ];
    for (input, part, needle) in cases {
        let e = inspect(&input, &opts()).expect_err(&input[..input.len().min(60)]);
        assert_eq!(e.part, part, "{input:.60}: {e}");
        assert!(e.to_string().contains(needle), "{input:.60}: {e}");
    }
}

#[test]
fn deeply_nested_json_is_an_error() {
    let deep = format!("{{\"a\":{}1{}}}", "[".repeat(5000), "]".repeat(5000));
    let e = inspect(
        &format!("{}.{}.x", enc(r#"{"alg":"RS256"}"#), enc(&deep)),
        &opts(),
    )
    .unwrap_err();
    assert_eq!(e.part, Part::Payload);
    let e = inspect(&deep, &opts()).unwrap_err();
    assert_eq!(e.part, Part::Input);
}

// ---- Decoding ----

#[test]
fn unsigned_tokens_decode_with_a_warning() {
    let t = format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc(r#"{"sub":"x"}"#));
    let i = run(&t);
    assert_eq!(i.tokens[0].kind, Some(TokenKind::Unsigned));
    assert!(i.tokens[0].warnings[0].contains("anyone could have written"));
}

#[test]
fn opaque_tokens_are_recognised() {
    let i = run("AbC-dEf_123");
    assert_eq!(i.tokens[0].kind, Some(TokenKind::Opaque));
    assert!(i.tokens[0].warnings[0].contains("opaque"));
    // A B2C refresh token pasted on its own.
    let r = format!(
        "{}..aGk.aGk.aGk",
        enc(r#"{"kid":"cpimcore_09252015","ver":"1.0","zip":"Deflate","ser":"1.0"}"#)
    );
    assert_eq!(run(&r).tokens[0].kind, Some(TokenKind::Opaque));
}

#[test]
fn jwe_header_is_shown_and_the_payload_needs_the_key() {
    let t = format!(
        "{}.a2V5.aXY.Y2lwaGVy.dGFn",
        enc(r#"{"alg":"RSA-OAEP","enc":"A128CBC-HS256","kid":"e1","cty":"JWT"}"#)
    );
    let i = run(&t);
    let t = &i.tokens[0];
    assert_eq!(t.kind, Some(TokenKind::Jwe));
    let jwe = t.jwe.as_ref().unwrap();
    assert_eq!(jwe.alg.as_deref(), Some("RSA-OAEP"));
    assert_eq!(jwe.enc.as_deref(), Some("A128CBC-HS256"));
    assert_eq!(jwe.kid.as_deref(), Some("e1"));
    assert_eq!(jwe.cty.as_deref(), Some("JWT"));
    assert!(!jwe.decrypted);
    assert!(jwe
        .note
        .contains("encrypted: the payload needs the recipient's key"));
    assert!(t.payload.is_empty());
    assert!(t.header_rows.iter().any(|r| r.name == "enc"));
}

#[test]
fn claims_holding_jwts_are_decoded_in_place() {
    let upstream = jws(
        &json!({"iss": "https://idp.e2e.itsme.services/v2", "sub": "up",
                               "deeper": jws(&json!({"level": 3}))}),
    );
    let t = jws(
        &json!({"sub": "u1", "idp": "itsme", "idp_access_token": upstream,
                        "not_a_token": "eyJ.nope", "dotted": "a.b.c"}),
    );
    let i = run(&t);
    let nested = &i.tokens[0].nested;
    assert_eq!(nested.len(), 1, "only real JWTs are nested");
    assert_eq!(nested[0].label, "idp_access_token");
    assert_eq!(nested[0].claim_str("sub"), Some("up"));
    assert_eq!(nested[0].nested[0].label, "deeper");
    assert_eq!(nested[0].nested[0].payload["level"], 3);
}

#[test]
fn nesting_stops_at_the_limit() {
    let mut t = jws(&json!({"level": 0}));
    for level in 1..=6 {
        t = jws(&json!({ "level": level, "inner": t }));
    }
    let i = run(&t);
    let mut depth = 0;
    let mut cur = &i.tokens[0];
    while let Some(n) = cur.nested.first() {
        depth += 1;
        cur = n;
    }
    assert_eq!(depth, MAX_NESTING);
}

#[test]
fn numeric_dates_have_utc_local_and_relative_times_and_flags() {
    let t = jws(
        &json!({"exp": NOW - 7200, "nbf": NOW + 600, "iat": NOW + 120,
                        "auth_time": NOW - 60}),
    );
    let i = run(&t);
    let t = &i.tokens[0];
    let row = |n: &str| t.claim_rows.iter().find(|r| r.name == n).unwrap();
    assert_eq!(row("exp").flag.as_deref(), Some("expired"));
    assert_eq!(row("exp").relative.as_deref(), Some("2 h ago"));
    assert_eq!(row("nbf").flag.as_deref(), Some("not yet valid"));
    assert_eq!(row("iat").flag.as_deref(), Some("in the future"));
    assert_eq!(row("auth_time").flag, None);
    let local = DateTime::parse_from_rfc3339(row("exp").local_time.as_deref().unwrap()).unwrap();
    assert_eq!(local.timestamp(), NOW - 7200);
    assert!(t.warnings.iter().any(|w| w == "exp: expired (2 h ago)"));
}

#[test]
fn header_warnings_for_crit_and_keys_that_come_with_the_token() {
    let t = format!(
        "{}.{}.c2ln",
        enc(r#"{"alg":"RS256","crit":["exp"],"jku":"https://evil.example/keys"}"#),
        enc(r#"{"exp":1}"#)
    );
    let i = run(&t);
    let w = i.tokens[0].warnings.join("\n");
    assert!(w.contains("critical"), "{w}");
    assert!(w.contains("jku") && w.contains("never trust"), "{w}");
}

// ---- JWE decryption (fixtures from tests/fixtures/jwe/generate.py) ----

fn jwe_fixtures() -> Value {
    serde_json::from_str(&fixture("jwe/tokens.json")).unwrap()
}

fn with_keys(file: &str) -> InspectOptions {
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
    assert!(
        wrong.note.contains("not the recipient's key"),
        "{}",
        wrong.note
    );
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
    assert!(note(&ecdh, "recipient.pem").note.contains("not supported"));
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
            "EC key",
        ),
        (
            "-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----"
                .to_owned(),
            "passphrase",
        ),
        ("-----BEGIN PRIVATE KEY-----\nAAAA\n".to_owned(), "no END"),
        ("just text".to_owned(), "not a key"),
        (String::new(), "empty"),
    ];
    for (text, needle) in cases {
        let e = DecryptionKeys::parse(&text, "k").unwrap_err();
        assert!(e.contains(needle), "{text:.40}: {e}");
    }
    let keys = DecryptionKeys::parse(&fixture("jwe/recipient.jwk.json"), "k").unwrap();
    assert!(!format!("{keys:?}").contains(r#""d""#));
    assert!(format!("{keys:?}").contains("[redacted]"));
}

// ---- Pasted public keys ----

#[test]
fn public_keys_from_pem_spki_pkcs1_certificates_and_jwks() {
    let jwks = crate::testkit::jwks();
    let by_kid = |kid: &str| jwks.keys.iter().find(|k| k["kid"] == kid).unwrap().clone();
    for (file, kid) in [
        ("verify/rsa1.pub.pem", "rsa1"),
        ("verify/rsa1.pkcs1.pub.pem", "rsa1"),
        ("verify/ec256.pub.pem", "ec256"),
        ("verify/ec384.pub.pem", "ec384"),
        ("verify/ed25519.pub.pem", "ed25519"),
        ("verify/rsa2.crt.pem", "rsa2"),
        ("keys/rsa1.pem", "rsa1"),
    ] {
        let got = public_keys(&fixture(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let want = by_kid(kid);
        let key = &got.keys[0];
        for member in ["kty", "n", "e", "crv", "x", "y"] {
            assert_eq!(key.get(member), want.get(member), "{file}: {member}");
        }
        assert!(key.get("d").is_none());
    }
    // A private JWK loses its private members; a JWKS stays a JWKS.
    let private = fixture("jwe/recipient.jwk.json");
    let public = public_keys(&private).unwrap();
    assert!(public.keys[0].get("d").is_none() && public.keys[0].get("p").is_none());
    assert_eq!(public.keys[0]["kid"], "itsme-enc-1");
    assert_eq!(
        public_keys(&fixture("keys/jwks.json")).unwrap().keys.len(),
        5
    );
    for (bad, needle) in [
        ("{\"keys\":[]}", "no keys"),
        ("{\"kty\":\"RSA\"}", "without its key material"),
        ("-----BEGIN FOO-----\nAAAA\n-----END FOO-----", "FOO"),
        (
            "-----BEGIN PUBLIC KEY-----\n!!!\n-----END PUBLIC KEY-----",
            "base64",
        ),
        (
            "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----",
            "public key",
        ),
        (
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----",
            "certificate",
        ),
    ] {
        let e = public_keys(bad).unwrap_err();
        assert!(e.contains(needle), "{bad:.30}: {e}");
    }
}

// ---- Discovery URLs ----

#[test]
fn discovery_urls_for_b2c_policies_and_plain_issuers() {
    let url = |claims: Value| discovery_url(claims.as_object().unwrap()).map(|u| u.to_string());
    let guid = "81659f24-f1c7-4ca5-8a9b-494bf0b206a5";
    let b2c_iss = format!("https://contoso.b2clogin.com/{guid}/v2.0/");
    assert_eq!(
        url(json!({"iss": b2c_iss, "tfp": "B2C_1_susi"})).unwrap(),
        format!(
            "https://contoso.b2clogin.com/{guid}/B2C_1_susi/v2.0/.well-known/openid-configuration"
        )
    );
    assert_eq!(
        url(json!({"iss": b2c_iss, "acr": "b2c_1a_signin"})).unwrap(),
        format!("https://contoso.b2clogin.com/{guid}/b2c_1a_signin/v2.0/.well-known/openid-configuration")
    );
    assert_eq!(
        url(json!({"iss": format!("https://login.contoso.com/tfp/{guid}/B2C_1A_tfp/v2.0/")}))
            .unwrap(),
        format!(
            "https://login.contoso.com/{guid}/B2C_1A_tfp/v2.0/.well-known/openid-configuration"
        )
    );
    // Entra ID: acr "1" is not a policy.
    assert_eq!(
        url(json!({"iss": format!("https://login.microsoftonline.com/{guid}/v2.0"), "acr": "1"}))
            .unwrap(),
        format!("https://login.microsoftonline.com/{guid}/v2.0/.well-known/openid-configuration")
    );
    assert_eq!(
        url(json!({"iss": "https://accounts.google.com"})).unwrap(),
        "https://accounts.google.com/.well-known/openid-configuration"
    );
    assert_eq!(
        url(json!({"iss": "http://127.0.0.1:4000/realm/"})).unwrap(),
        "http://127.0.0.1:4000/realm/.well-known/openid-configuration"
    );
    for (claims, needle) in [
        (json!({"sub": "x"}), "no iss"),
        (json!({"iss": "http://evil.example/"}), "only https"),
        (json!({"iss": "file:///etc/passwd"}), "only https"),
        (json!({"iss": "not a url"}), "not a URL"),
        (json!({"iss": "https://a.example/?x=1"}), "query"),
    ] {
        let e = url(claims.clone()).unwrap_err();
        assert!(e.contains(needle), "{claims}: {e}");
    }
}

// ---- Diff ----

#[test]
fn diff_lists_added_removed_and_changed_claims_with_values() {
    let a = inspect_token(
        "before",
        &jws(&json!({"sub": "u1", "exp": NOW, "nonce": "n1", "name": "Ada"})),
        &opts(),
    );
    let b = inspect_token(
        "after",
        &format!(
            "{}.{}.c2ln",
            enc(r#"{"alg":"RS256","kid":"k2","typ":"JWT"}"#),
            b64_encode(
                json!({"sub": "u1", "exp": NOW + 3600, "name": "Ada L.", "newUser": true})
                    .to_string()
                    .as_bytes()
            )
        ),
        &opts(),
    );
    let d = diff(&a, &b);
    assert_eq!((d.a.as_str(), d.b.as_str()), ("before", "after"));
    assert_eq!(d.unchanged, ["sub"]);
    assert_eq!(d.counts(), (1, 1, 2));
    let get = |n: &str| d.claims.iter().find(|c| c.name == n).unwrap();
    assert_eq!(get("exp").change, ChangeKind::Changed);
    assert_eq!(get("exp").old, Some(json!(NOW)));
    assert_eq!(get("exp").new, Some(json!(NOW + 3600)));
    assert_eq!(get("exp").note.as_deref(), Some("later by 1 h"));
    assert_eq!(get("nonce").change, ChangeKind::Removed);
    assert_eq!(get("nonce").new, None);
    assert_eq!(get("newUser").change, ChangeKind::Added);
    assert!(get("name").description.contains("name"));
    assert_eq!(d.header.len(), 1);
    assert_eq!(d.header[0].name, "kid");
    assert!(!d.is_empty());
    assert!(diff(&a, &a).is_empty());
}

#[test]
fn diff_of_an_opaque_token_says_so() {
    let a = inspect_token("a", "opaque-value", &opts());
    let b = inspect_token("b", &id_token(), &opts());
    let d = diff(&a, &b);
    assert!(
        d.notes.iter().any(|n| n.contains("different kinds")),
        "{:?}",
        d.notes
    );
    assert!(d.notes.iter().any(|n| n.contains("no readable claims")));
    assert_eq!(d.counts().0, 6);
}

// ---- Redaction ----

fn personal_token() -> String {
    jws(&json!({
        "iss": "https://contoso.b2clogin.com/t/v2.0/", "sub": "u1", "oid": "o-1", "exp": NOW,
        "tfp": "B2C_1_susi", "name": "Ada Lovelace", "given_name": "Ada",
        "emails": ["ada@example.com", "a@l.org"], "phone_number": "+32 470 00 00 00",
        "address": {"street_address": "1 Main St", "locality": "Gent"},
        "http://itsme.services/v2/claim/BENationalNumber": "85073003328",
        "extension_3fa85f6457174562b3fc2c963f66afa6_loyaltyNumber": 42,
        "idp_access_token": jws(&json!({"sub": "up", "email": "ada@example.com"})),
        "some_claim_of_this_tenant": "kept",
        "forwarded": jws(&json!({"email": "ada@example.com", "aud": "x"})),
    }))
}

#[test]
fn redacted_copy_masks_personal_claims_and_keeps_the_rest() {
    let t = inspect_token("id_token", &personal_token(), &opts());
    let r = redact_token(&t);
    let text = serde_json::to_string(&r).unwrap();
    for secret in [
        "Ada",
        "ada@example.com",
        "a@l.org",
        "+32",
        "Main St",
        "Gent",
        "85073003328",
    ] {
        assert!(!text.contains(secret), "{secret} leaked: {text}");
    }
    assert_eq!(r.payload["name"], MASK);
    assert_eq!(
        r.payload["emails"],
        json!([MASK, MASK]),
        "array length kept"
    );
    assert_eq!(r.payload["address"]["locality"], MASK, "object keys kept");
    assert_eq!(r.payload["idp_access_token"], MASK);
    assert_eq!(
        r.payload["forwarded"], MASK_TOKEN,
        "tokens in claims are masked"
    );
    assert_eq!(
        r.payload["extension_3fa85f6457174562b3fc2c963f66afa6_loyaltyNumber"],
        MASK
    );
    for kept in ["iss", "sub", "oid", "exp", "tfp"] {
        assert_eq!(r.payload[kept], t.payload[kept], "{kept} kept");
    }
    assert_eq!(r.unknown_kept, ["some_claim_of_this_tenant"]);
    assert!(r.masked.contains(&"emails".to_owned()));
    assert!(r.redacted);
    // The re-encoded copy is unsigned, marked, and decodes to the redacted claims.
    let copy = crate::jose::jwt::decode(&r.unsigned_token).unwrap();
    assert_eq!(copy.kind, TokenKind::Unsigned);
    assert!(copy.header_str(MARK).unwrap().contains("NOT verifiable"));
    assert_eq!(copy.payload, r.payload);
    assert!(r.unsigned_token.ends_with('.'));
}

#[test]
fn redacted_inspection_masks_rows_nested_tokens_and_drops_the_encoded_text() {
    let i = run(&json!({"id_token": personal_token(), "token_type": "Bearer"}).to_string());
    assert_eq!(i.tokens[0].nested.len(), 2);
    let r = redact_inspection(&i);
    let t = &r.tokens[0];
    assert_eq!(t.encoded.expose(), "");
    assert_eq!(
        t.nested.len(),
        1,
        "the token inside a personal claim is dropped"
    );
    assert_eq!(t.nested[0].label, "forwarded");
    assert_eq!(t.nested[0].payload["email"], MASK);
    assert_eq!(t.nested[0].payload["aud"], "x");
    let name = t.claim_rows.iter().find(|r| r.name == "name").unwrap();
    assert_eq!(name.value, MASK);
    let text = serde_json::to_string(&r).unwrap();
    assert!(
        !text.contains("ada@example.com") && !text.contains("Lovelace"),
        "{text}"
    );
}

// ---- Export ----

#[test]
fn json_export_keeps_the_decode_contract_and_lists_every_token() {
    let at = jws(&json!({"scp": "read", "exp": NOW + 60}));
    let i = run(&format!(
        "https://jwt.ms/#id_token={}&access_token={at}",
        id_token()
    ));
    let v = export::json(&i, false);
    assert_eq!(v["form"], "redirect_url");
    assert_eq!(v["kind"], "jws");
    assert_eq!(v["label"], "id_token");
    assert_eq!(v["header"]["kid"], "k1");
    assert_eq!(v["payload"]["sub"], "u1");
    assert_eq!(v["signature_length"], 9);
    let exp = v["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "exp")
        .unwrap();
    assert_eq!(exp["time"], "2026-09-21T14:17:20Z");
    assert!(exp["local_time"].is_string());
    assert_eq!(exp["relative"], "in 4 min");
    assert_eq!(exp["type"], "numeric_date");
    assert_eq!(exp["source"], "rfc7519");
    assert!(exp["description"].as_str().unwrap().len() > 10);
    assert_eq!(v["tokens"].as_array().unwrap().len(), 2);
    assert_eq!(v["tokens"][1]["label"], "access_token");
    assert_eq!(v["redacted"], false);
    assert!(
        !v.to_string().contains(&id_token()),
        "no encoded token in exports"
    );
}

#[test]
fn json_export_redacted() {
    let i = run(&personal_token());
    let v = export::json(&i, true);
    let text = v.to_string();
    assert!(!text.contains("ada@example.com") && !text.contains("Lovelace"));
    assert_eq!(v["redacted"], true);
    assert_eq!(v["payload"]["name"], MASK);
    let copy = v["tokens"][0]["redacted"]["unsigned_token"]
        .as_str()
        .unwrap();
    assert_eq!(
        crate::jose::jwt::decode(copy).unwrap().kind,
        TokenKind::Unsigned
    );
}

#[test]
fn markdown_export_explains_and_escapes() {
    let t = jws(&json!({"sub": "u1", "exp": NOW - 10, "tfp": "B2C_1_susi",
                        "evil": "x | <script>alert(1)</script> `tick` [link](http://e)",
                        "http://itsme.services/v2/claim/a|b<i>": 1}));
    let i = run(&t);
    let md = export::markdown(&i, false);
    assert!(md.starts_with("# Token inspection"), "{md}");
    assert!(md.contains("## `token`: signed JWT (JWS)"), "{md}");
    assert!(md.contains("| `exp` |"), "{md}");
    assert!(md.contains("`2026-09-21T14:13:10Z` (10 s ago)"), "{md}");
    assert!(md.contains("**expired**"), "{md}");
    assert!(md.contains("user flow") || md.contains("policy"), "{md}");
    // Every table row keeps exactly its three columns: pipes in values are escaped.
    for line in md.lines().filter(|l| l.starts_with("| `")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 4, "{line}");
    }
    // Untrusted text is either inside a code span or escaped.
    assert!(
        md.contains("``x \\| <script>alert(1)</script> `tick` [link](http://e)``"),
        "{md}"
    );
    assert!(md.contains(r#"claim "a\|b\<i\>""#), "{md}");
    assert!(!md.contains(&t), "no encoded token");
}

#[test]
fn markdown_export_redacted_and_with_everything_found() {
    let url = format!(
        "https://jwt.ms/?code=abc&state=s#error=access_denied&error_description=AADB2C90091%3a+\
         The+user+has+cancelled.%0aCorrelation+ID%3a+c-1&id_token={}",
        personal_token()
    );
    let i = run(&url);
    let md = export::markdown(&i, true);
    assert!(md.contains("Redacted copy"));
    assert!(
        !md.contains("ada@example.com") && !md.contains("Lovelace"),
        "{md}"
    );
    assert!(
        md.contains("## Provider error") && md.contains("`AADB2C90091`") && md.contains("`c-1`")
    );
    assert!(md.contains("## Authorization code") && !md.contains("abc"));
    assert!(md.contains("as a redacted unsigned token"));
}

#[test]
fn code_spans_fence_backticks() {
    assert_eq!(export::code_for_tests("a`b"), "``a`b``");
    assert_eq!(export::code_for_tests("`x`"), "`` `x` ``");
    assert_eq!(export::code_for_tests(""), "` `");
    assert_eq!(export::code_for_tests("a\nb|c"), "`a b\\|c`");
}

// ---- Catalogue, as the inspector relies on it ----

#[test]
fn catalogue_sources_agree_with_their_references() {
    use crate::jose::catalogue::{all_claims, all_headers, Source, ValueType};
    for c in all_claims().iter().chain(all_headers()) {
        let r = c.reference;
        let ok = match c.source {
            Source::Rfc7519 => r.starts_with("RFC 7519"),
            Source::Jose => r.starts_with("RFC 751") || r.starts_with("RFC 7797"),
            Source::OidcCore => r.starts_with("OpenID Connect"),
            Source::OAuth => r.starts_with("RFC "),
            Source::Entra => r.starts_with("Microsoft"),
            Source::B2c => r.starts_with("Azure AD B2C"),
            Source::Itsme => r.starts_with("itsme"),
            Source::Other => !r.is_empty(),
        };
        assert!(ok, "{}: source {:?} but reference {r:?}", c.name, c.source);
        if c.value_type == ValueType::Jwt {
            assert!(
                c.personal,
                "{}: a token in a claim carries personal data",
                c.name
            );
        }
    }
}

#[test]
fn every_personal_catalogue_claim_is_masked_and_every_date_is_explained() {
    use crate::jose::catalogue::{all_claims, ValueType};
    let mut payload = Map::new();
    for c in all_claims().iter().filter(|c| !c.name.contains('.')) {
        let value = match c.value_type {
            ValueType::NumericDate => json!(NOW),
            ValueType::Array => json!(["v1", "v2"]),
            ValueType::Object => json!({"m": "v"}),
            ValueType::Boolean => json!(true),
            ValueType::Number => json!(7),
            _ => json!(format!("value-of-{}", c.name)),
        };
        payload.insert(c.name.to_owned(), value);
    }
    let t = inspect_token("t", &jws(&Value::Object(payload.clone())), &opts());
    assert!(t.error.is_none(), "{:?}", t.error);
    let r = redact_token(&t);
    for c in all_claims().iter().filter(|c| !c.name.contains('.')) {
        let shown = &r.payload[c.name];
        if c.personal {
            assert_eq!(
                shown,
                &super::redact::mask(&payload[c.name]),
                "{} masked",
                c.name
            );
        } else {
            assert_eq!(shown, &payload[c.name], "{} kept", c.name);
        }
        let row = t.claim_rows.iter().find(|row| row.name == c.name).unwrap();
        assert_eq!(row.description, c.description, "{}", c.name);
        assert_eq!(
            row.time.is_some(),
            c.value_type == ValueType::NumericDate,
            "{}: dates get a time",
            c.name
        );
    }
    assert!(r.unknown_kept.is_empty(), "{:?}", r.unknown_kept);
}

// ---- The JSON export, streamed, is the document it was ----

/// The JSON export as it was built before it was streamed (a `Value` tree, the primary token's
/// fields copied to the top level): the reference the streamed document must equal byte for byte.
mod reference {
    use super::super::redact::{redact_inspection, redact_token};
    use super::super::{Inspection, TokenInspection};
    use crate::inspect::explain::ClaimRow;
    use serde_json::{json, Map, Value};
    use std::borrow::Cow;

    pub fn json(inspection: &Inspection, redact: bool) -> Value {
        let shown: Cow<'_, Inspection> = if redact {
            Cow::Owned(redact_inspection(inspection))
        } else {
            Cow::Borrowed(inspection)
        };
        let tokens: Vec<Value> = shown
            .tokens
            .iter()
            .zip(&inspection.tokens)
            .map(|(t, original)| {
                let mut v = token_json(t);
                if redact && original.error.is_none() && !original.effective().payload.is_empty() {
                    let r = redact_token(original);
                    v["redacted"] = json!({
                        "note": r.note,
                        "masked": r.masked,
                        "unknown_kept": r.unknown_kept,
                        "unsigned_token": r.unsigned_token,
                    });
                }
                v
            })
            .collect();
        let mut out = Map::new();
        out.insert("form".into(), json!(shown.form));
        if let Some(i) = shown.tokens.iter().position(|t| t.error.is_none()) {
            let primary = &tokens[i];
            for key in [
                "label",
                "kind",
                "header",
                "payload",
                "signature_length",
                "claims",
            ] {
                out.insert(key.into(), primary[key].clone());
            }
            if let Some(v) = primary.get("verification") {
                out.insert("verification".into(), v.clone());
            }
        }
        out.insert("tokens".into(), Value::Array(tokens));
        if let Some(code) = &shown.authorization_code {
            out.insert("authorization_code".into(), json!(code));
        }
        if let Some(e) = &shown.provider_error {
            out.insert("provider_error".into(), json!(e));
        }
        if !shown.parameters.is_empty() {
            out.insert("parameters".into(), json!(shown.parameters));
        }
        out.insert("redacted".into(), json!(redact));
        Value::Object(out)
    }

    pub fn row_json(r: &ClaimRow) -> Value {
        let mut v = json!({"name": r.name, "value": r.value, "description": r.description});
        if let Some(c) = &r.catalogue {
            v["source"] = json!(c.source);
            v["reference"] = json!(c.reference);
            v["type"] = json!(c.value_type);
            v["personal"] = json!(c.personal);
            if c.custom_attribute {
                v["custom_attribute"] = json!(true);
            }
        }
        if let Some(t) = &r.time {
            v["time"] = json!(t);
            v["local_time"] = json!(r.local_time);
            v["relative"] = json!(r.relative);
        }
        if let Some(f) = &r.flag {
            v["flag"] = json!(f);
        }
        v
    }

    pub fn token_json(t: &TokenInspection) -> Value {
        let mut v = json!({
            "label": t.label,
            "kind": t.kind,
            "part_lengths": t.part_lengths,
            "header": t.header,
            "payload": t.payload,
            "signature_length": t.signature_len,
            "header_claims": t.header_rows.iter().map(row_json).collect::<Vec<_>>(),
            "claims": t.claim_rows.iter().map(row_json).collect::<Vec<_>>(),
            "warnings": t.warnings,
            "nested": t.nested.iter().map(token_json).collect::<Vec<_>>(),
        });
        if let Some(jwe) = &t.jwe {
            v["jwe"] = json!(jwe);
        }
        if let Some(inner) = &t.inner {
            v["inner"] = token_json(inner);
        }
        if let Some(ver) = &t.verification {
            v["verification"] = json!(ver);
        }
        if let Some(e) = &t.error {
            v["error"] = json!(e);
        }
        v
    }
}

/// Every input form and token shape the inspector knows, and a verification on one token.
fn export_cases() -> Vec<(String, Inspection)> {
    let at = jws(
        &json!({"aud": "api", "scp": "read", "exp": NOW + 3600, "x": 1.5,
                         "f": [1e300, -0.0, 12345678901234567890u64, -9], "n": null,
                         "esc": "quote \" backslash \\ tab \t nl \n ctl \u{1} é 😀 \u{2028}"}),
    );
    let b2c_refresh = b2c_refresh_token();
    let nested = jws(&json!({"sub": "u1", "idp": "itsme",
        "idp_access_token": jws(&json!({"sub": "up", "deeper": jws(&json!({"level": 3}))})),
        "extension_3fa85f6457174562b3fc2c963f66afa6_loyaltyNumber": 42,
        "crit_claim": {"a": [1, {"b": "c"}]}}));
    let jwe = format!(
        "{}.a2V5.aXY.Y2lwaGVy.dGFn",
        enc(r#"{"alg":"RSA-OAEP","enc":"A128CBC-HS256","kid":"e1","cty":"JWT"}"#)
    );
    let headers = format!(
        "{}.{}.c2ln",
        enc(r#"{"alg":"RS256","crit":["b64"],"b64":false,"jku":"https://x/","x5c":["a"]}"#),
        enc(r#"{"iat":1790000100,"nbf":1790000100,"exp":1,"auth_time":1.9e9}"#)
    );
    let inputs: Vec<(&str, String)> = vec![
        ("bare", id_token()),
        ("bearer", format!("Bearer {}", id_token())),
        ("personal", personal_token()),
        ("nested", nested),
        ("jwe", jwe),
        ("headers", headers),
        (
            "unsigned",
            format!("{}.{}.", enc(r#"{"alg":"none"}"#), enc(r#"{"sub":"x"}"#)),
        ),
        ("opaque", "AbC-dEf_123".to_owned()),
        (
            "redirect",
            format!(
                "https://jwt.ms/#access_token={at}&token_type=Bearer&expires_in=3600&id_token={}&state=xyz",
                id_token()
            ),
        ),
        (
            "response",
            json!({"id_token": id_token(), "access_token": at, "token_type": "Bearer",
                   "expires_in": 3600, "refresh_token": b2c_refresh,
                   "refresh_token_expires_in": 1_209_600})
            .to_string(),
        ),
        (
            "one bad",
            json!({"id_token": "x.y.z", "access_token": jws(&json!({"scp": "read"}))}).to_string(),
        ),
        ("all bad", json!({"id_token": "x.y.z"}).to_string()),
        ("code", "https://app.example/cb?code=abc123&state=s1".to_owned()),
        (
            "error",
            "https://jwt.ms/#error=access_denied&error_description=AADB2C90118%3a+The+user+has+forgotten+their+password.%0d%0aCorrelation+ID%3a+c1%0d%0aTimestamp%3a+2026-01-01+00%3a00%3a00Z%0d%0a&state=s"
                .to_owned(),
        ),
    ];
    let mut cases: Vec<(String, Inspection)> = inputs
        .into_iter()
        .map(|(name, input)| {
            let i = inspect(&input, &opts()).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name.to_owned(), i)
        })
        .collect();
    let f = jwe_fixtures();
    let i = inspect(
        f["nested"].as_str().unwrap(),
        &with_keys("recipient.jwk.json"),
    )
    .unwrap();
    assert!(i.tokens[0].inner.is_some());
    cases.push(("decrypted nested".to_owned(), i));
    let mut verified = inspect(&id_token(), &opts()).unwrap();
    verified.tokens[0].verification = Some(Verification {
        signature_valid: false,
        passed: false,
        summary: "the signature does not match".into(),
        keys_from: "--key k.pem".into(),
        metadata_url: None,
        key: None,
        checks: vec![crate::validate::Check {
            name: "signature".into(),
            ok: false,
            detail: "does not match".into(),
        }],
        skew_seconds: 300,
    });
    cases.push(("verified".into(), verified));
    cases
}

#[test]
fn streamed_json_export_is_byte_for_byte_the_document_it_was() {
    let cases = export_cases();
    // Every optional part of the document appears in some case.
    let all = |f: &dyn Fn(&Value) -> bool| {
        cases
            .iter()
            .any(|(_, i)| f(&reference::json(i, false)) && f(&reference::json(i, true)))
    };
    let token_has = |key: &'static str| {
        move |v: &Value| {
            v["tokens"].as_array().unwrap().iter().any(|t| {
                t.get(key).is_some()
                    || t["nested"]
                        .as_array()
                        .unwrap()
                        .iter()
                        .any(|n| n.get(key).is_some())
            })
        }
    };
    let row_has = |key: &'static str| {
        move |v: &Value| {
            v["tokens"].as_array().unwrap().iter().any(|t| {
                t["claims"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r.get(key).is_some())
            })
        }
    };
    for key in [
        "authorization_code",
        "provider_error",
        "parameters",
        "verification",
    ] {
        assert!(all(&|v: &Value| v.get(key).is_some()), "{key}");
    }
    for key in ["jwe", "inner", "error", "verification"] {
        assert!(all(&token_has(key)), "{key}");
    }
    for key in ["custom_attribute", "flag", "time", "source"] {
        assert!(all(&row_has(key)), "{key}");
    }
    assert!(all(&|v: &Value| !v["tokens"][0]["nested"][0].is_null()));
    assert!(cases
        .iter()
        .any(|(_, i)| reference::json(i, true)["tokens"][0]
            .get("redacted")
            .is_some()));
    for (name, i) in cases {
        for redact in [false, true] {
            let was = serde_json::to_string(&reference::json(&i, redact)).unwrap();
            let mut streamed = Vec::new();
            export::write_json(&mut streamed, &i, redact).unwrap();
            assert_eq!(
                String::from_utf8(streamed).unwrap(),
                was,
                "{name}, redact {redact}"
            );
            assert_eq!(
                export::json(&i, redact),
                reference::json(&i, redact),
                "{name}, redact {redact}: as a Value too"
            );
            let pretty = serde_json::to_string_pretty(&export::json(&i, redact)).unwrap();
            assert_eq!(
                pretty,
                serde_json::to_string_pretty(&reference::json(&i, redact)).unwrap(),
                "{name}, redact {redact}: pretty (the desktop app's export)"
            );
        }
    }
}

/// A refresh token shaped like B2C's: a JWE header (`cpimcore_…` key, deflated) and opaque parts.
fn b2c_refresh_token() -> String {
    format!(
        "{}..{}.{}.{}",
        enc(r#"{"kid":"cpimcore_09252015","ver":"1.0","zip":"Deflate","ser":"1.0"}"#),
        "aGVsbG8",
        "d29ybGQ",
        "dGFn"
    )
}
