//! The inspector's tests: export.

use super::*;

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
