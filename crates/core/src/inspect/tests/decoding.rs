//! The inspector's tests: decoding.

use super::*;

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
