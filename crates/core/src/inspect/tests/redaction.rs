//! The inspector's tests: redaction.

use super::*;

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
