//! The inspector's tests: catalogue, as the inspector relies on it.

use super::*;

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
