//! The inspector's tests: diff.

use super::*;

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
    // Times as dates, like the token view; other claims have none.
    assert_eq!(get("exp").old_time.as_deref(), Some("2026-09-21T14:13:20Z"));
    assert_eq!(get("exp").new_time.as_deref(), Some("2026-09-21T15:13:20Z"));
    assert_eq!(get("name").old_time, None);
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
