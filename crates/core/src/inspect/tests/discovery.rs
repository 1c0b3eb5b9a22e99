//! The inspector's tests: discovery URLs.

use super::*;

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
