//! Known answers where a signature is deterministic: RFC 7520 §4.4 (HS256), §4.1 (RS256,
//! PKCS#1 v1.5) and RFC 8037 Appendix A.4 (EdDSA, Ed25519).

use super::*;

const FRODO: &str = "SXTigJlzIGEgZGFuZ2Vyb3VzIGJ1c2luZXNzLCBGcm9kbywgZ29pbmcgb3V0IHlvdXIgZG9vci4gWW91IHN0ZXAgb250byB0aGUgcm9hZCwgYW5kIGlmIHlvdSBkb24ndCBrZWVwIHlvdXIgZmVldCwgdGhlcmXigJlzIG5vIGtub3dpbmcgd2hlcmUgeW91IG1pZ2h0IGJlIHN3ZXB0IG9mZiB0by4";

fn key(jwk: Value) -> SigningKey {
    SigningKey::from_jwk(jwk.as_object().unwrap()).unwrap()
}

fn header(value: Value) -> Map<String, Value> {
    value.as_object().unwrap().clone()
}

#[test]
fn hs256_matches_rfc_7520_section_4_4() {
    let k = key(serde_json::json!({
        "kty": "oct", "kid": "018c0ae5-4d9b-471b-bfd6-eef314bc7037", "use": "sig",
        "alg": "HS256", "k": "hJtXIZ2uSN5kbQfbtTNWbpdmhkV8FJG-Onbc6mxCcYg"
    }));
    let h =
        header(serde_json::json!({"alg": "HS256", "kid": "018c0ae5-4d9b-471b-bfd6-eef314bc7037"}));
    let payload = URL_SAFE_NO_PAD.decode(FRODO).unwrap();
    let token = sign_compact(&h, &payload, &k).unwrap();
    assert_eq!(
        token,
        format!(
            "eyJhbGciOiJIUzI1NiIsImtpZCI6IjAxOGMwYWU1LTRkOWItNDcxYi1iZmQ2LWVlZjMxNGJjNzAzNyJ9.\
             {FRODO}.s0h6KThzkfBBBkLspW1h84VsJZFTsPPqMDA7g1Md7p0"
        )
    );
}

#[test]
fn rs256_matches_rfc_7520_section_4_1() {
    let k = key(serde_json::json!({
      "kty": "RSA",
      "kid": "bilbo.baggins@hobbiton.example",
      "use": "sig",
      "n": "n4EPtAOCc9AlkeQHPzHStgAbgs7bTZLwUBZdR8_KuKPEHLd4rHVTeT-O-XV2jRojdNhxJWTDvNd7nqQ0VEiZQHz_AJmSCpMaJMRBSFKrKb2wqVwGU_NsYOYL-QtiWN2lbzcEe6XC0dApr5ydQLrHqkHHig3RBordaZ6Aj-oBHqFEHYpPe7Tpe-OfVfHd1E6cS6M1FZcD1NNLYD5lFHpPI9bTwJlsde3uhGqC0ZCuEHg8lhzwOHrtIQbS0FVbb9k3-tVTU4fg_3L_vniUFAKwuCLqKnS2BYwdq_mzSnbLY7h_qixoR7jig3__kRhuaxwUkRz5iaiQkqgc5gHdrNP5zw",
      "e": "AQAB",
      "d": "bWUC9B-EFRIo8kpGfh0ZuyGPvMNKvYWNtB_ikiH9k20eT-O1q_I78eiZkpXxXQ0UTEs2LsNRS-8uJbvQ-A1irkwMSMkK1J3XTGgdrhCku9gRldY7sNA_AKZGh-Q661_42rINLRCe8W-nZ34ui_qOfkLnK9QWDDqpaIsA-bMwWWSDFu2MUBYwkHTMEzLYGqOe04noqeq1hExBTHBOBdkMXiuFhUq1BU6l-DqEiWxqg82sXt2h-LMnT3046AOYJoRioz75tSUQfGCshWTBnP5uDjd18kKhyv07lhfSJdrPdM5Plyl21hsFf4L_mHCuoFau7gdsPfHPxxjVOcOpBrQzwQ",
      "p": "3Slxg_DwTXJcb6095RoXygQCAZ5RnAvZlno1yhHtnUex_fp7AZ_9nRaO7HX_-SFfGQeutao2TDjDAWU4Vupk8rw9JR0AzZ0N2fvuIAmr_WCsmGpeNqQnev1T7IyEsnh8UMt-n5CafhkikzhEsrmndH6LxOrvRJlsPp6Zv8bUq0k",
      "q": "uKE2dh-cTf6ERF4k4e_jy78GfPYUIaUyoSSJuBzp3Cubk3OCqs6grT8bR_cu0Dm1MZwWmtdqDyI95HrUeq3MP15vMMON8lHTeZu2lmKvwqW7anV5UzhM1iZ7z4yMkuUwFWoBvyY898EXvRD-hdqRxHlSqAZ192zB3pVFJ0s7pFc"
    }));
    let h = header(serde_json::json!({"alg": "RS256", "kid": "bilbo.baggins@hobbiton.example"}));
    let payload = URL_SAFE_NO_PAD.decode(FRODO).unwrap();
    let token = sign_compact(&h, &payload, &k).unwrap();
    assert_eq!(
        token,
        format!(
            "eyJhbGciOiJSUzI1NiIsImtpZCI6ImJpbGJvLmJhZ2dpbnNAaG9iYml0b24uZXhhbXBsZSJ9.{FRODO}.\
             MRjdkly7_-oTPTS3AXP41iQIGKa80A0ZmTuV5MEaHoxnW2e5CZ5NlKtainoFmKZopdHM1O2U4mwzJdQx996ivp83xuglII7PNDi84wnB-BDkoBwA78185hX-Es4JIwmDLJK3lfWRa-XtL0RnltuYv746iYTh_qHRD68BNt1uSNCrUCTJDt5aAE6x8wW1Kt9eRo4QPocSadnHXFxnt8Is9UzpERV0ePPQdLuW3IS_de3xyIrDaLGdjluPxUAhb6L2aXic1U12podGU0KLUQSE_oI-ZnmKJ3F4uOZDnd6QZWJushZ41Axf_fcIe8u9ipH84ogoree7vjbU5y18kDquDg"
        )
    );
}

#[test]
fn eddsa_matches_rfc_8037_appendix_a4() {
    let k = key(serde_json::json!({
        "kty": "OKP", "crv": "Ed25519",
        "d": "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
        "x": "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"
    }));
    let token = sign_compact(
        &header(serde_json::json!({"alg": "EdDSA"})),
        b"Example of Ed25519 signing",
        &k,
    )
    .unwrap();
    assert_eq!(
        token,
        "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc.\
         hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg"
    );
}

#[test]
fn es512_signs_and_verifies_and_a_changed_message_does_not() {
    let secret = p521::SecretKey::random(&mut rand::rngs::OsRng);
    let k = SigningKey::P521(secret);
    let token = sign_compact(&header(serde_json::json!({"alg": "ES512"})), b"{}", &k).unwrap();
    let (message, signature) = token.rsplit_once('.').unwrap();
    let signature = URL_SAFE_NO_PAD.decode(signature).unwrap();
    assert_eq!(signature.len(), 132);
    let jwk = k.public_jwk().unwrap();
    assert!(verify_es512(&jwk, message.as_bytes(), &signature).unwrap());
    assert!(!verify_es512(&jwk, b"eyJ9.e30", &signature).unwrap());
}

#[test]
fn a_key_of_the_wrong_kind_is_refused_with_what_the_algorithm_needs() {
    let k = SigningKey::Hmac(vec![1; 32]);
    let e = k.sign("RS256", b"x").unwrap_err();
    assert!(e.contains("RS256 needs an RSA private key"), "{e}");
    let e = k.sign("none", b"x").unwrap_err();
    assert!(e.contains("not a signing algorithm"), "{e}");
    let public = serde_json::json!({"kty": "EC", "crv": "P-256", "x": "AA", "y": "AA"});
    let e = SigningKey::from_jwk(public.as_object().unwrap()).unwrap_err();
    assert!(e.contains("public key cannot sign"), "{e}");
    assert!(!format!("{k:?}").contains("1, 1"));
}
