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

#[test]
fn claims_list_is_one_line_per_claim_masked_like_the_redacted_copy() {
    let found = run(&format!("id_token={}", personal_token()));
    let list = super::super::redact::claims_list(&found);
    for secret in ["Ada", "ada@example.com", "+32", "Gent", "85073003328"] {
        assert!(!list.contains(secret), "{secret} leaked: {list}");
    }
    let lines: Vec<&str> = list.lines().collect();
    let claims = found.tokens[0].payload.len();
    // A title, one line per claim, the unknown claims named.
    assert_eq!(lines.len(), claims + 2, "{list}");
    assert!(lines[0].starts_with("id_token: "), "{list}");
    assert!(lines.contains(&"name: [redacted]"), "{list}");
    assert!(
        lines.contains(&"emails: [\"[redacted]\",\"[redacted]\"]"),
        "{list}"
    );
    assert!(lines.contains(&"sub: u1"), "{list}");
    assert!(lines.contains(&"tfp: B2C_1_susi"), "{list}");
    assert!(
        lines.contains(&format!("forwarded: {MASK_TOKEN}").as_str()),
        "{list}"
    );
    assert!(
        lines.contains(&"exp: 1790000000 (2026-09-21 14:13:20 UTC)"),
        "{list}"
    );
    assert!(
        lines.last().unwrap().contains("some_claim_of_this_tenant"),
        "{list}"
    );
    // The masked names are exactly those the redacted copy masks.
    let r = redact_token(&found.tokens[0]);
    for name in &r.masked {
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{name}: "))
                && (l.contains(MASK) || l.contains(MASK_TOKEN))),
            "{name}: {list}"
        );
    }
    assert!(list.len() < 2048, "compact: {} bytes", list.len());
}
