//! The profile's DPoP key through the desktop commands (issue 16): shown (thumbprint, public JWK,
//! when it was made), rotated, removed, never its private half; and a DPoP sign-in against the
//! test provider (tests/idp's generic provider) whose view names the key the tokens are bound to.

use super::support::{invoke, profile_json, save_profile, window};
use serde_json::{json, Value};
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

/// No private key member (`d`, or any member beyond the public ones) anywhere in an answer.
fn assert_public_only(v: &Value) {
    let jwk = v["jwk"].as_object().expect("a public JWK");
    let mut members: Vec<&str> = jwk.keys().map(String::as_str).collect();
    members.sort_unstable();
    assert_eq!(members, ["crv", "kty", "x", "y"], "{v}");
    assert!(!v.to_string().contains("\"d\""), "{v}");
}

#[test]
fn a_profiles_dpop_key_is_shown_rotated_and_removed_never_its_private_half() {
    let (_app, w) = window();
    let mut profile = profile_json("dpop", "contoso/B2C_1_susi", &[]);
    profile["dpop"] = json!(true);
    save_profile(&w, &profile, None).unwrap();
    let key = |w: &_| invoke(w, "dpop_key", json!({"name": "dpop"})).unwrap();
    // None before the first sign-in.
    assert_eq!(key(&w), Value::Null);

    let before = chrono::Utc::now().timestamp();
    let made = invoke(&w, "rotate_dpop_key", json!({"name": "dpop"})).unwrap();
    assert_public_only(&made);
    let thumb = made["thumbprint"].as_str().unwrap().to_owned();
    assert_eq!(thumb.len(), 43, "a base64url SHA-256: {made}");
    let created = chrono::DateTime::parse_from_rfc3339(made["created"].as_str().unwrap())
        .unwrap()
        .timestamp();
    assert!(
        (before..=before + 60).contains(&created),
        "{created} {before}"
    );
    // Shown as made; the same key the engine uses.
    let shown = key(&w);
    assert_public_only(&shown);
    assert_eq!(shown["thumbprint"], thumb.as_str());
    assert_eq!(shown["created"], made["created"]);

    let rotated = invoke(&w, "rotate_dpop_key", json!({"name": "dpop"})).unwrap();
    assert_ne!(rotated["thumbprint"], thumb.as_str());
    assert_eq!(key(&w)["thumbprint"], rotated["thumbprint"]);

    assert_eq!(
        invoke(&w, "remove_dpop_key", json!({"name": "dpop"})).unwrap(),
        json!(true)
    );
    assert_eq!(key(&w), Value::Null);
    assert_eq!(
        invoke(&w, "remove_dpop_key", json!({"name": "dpop"})).unwrap(),
        json!(false)
    );
}

#[test]
fn no_key_is_made_for_a_profile_that_does_not_exist() {
    let (_app, w) = window();
    let e = invoke(&w, "rotate_dpop_key", json!({"name": "nobody"})).unwrap_err();
    assert_eq!(e["kind"], "profile", "{e}");
    assert!(e["message"].as_str().unwrap().contains("nobody"), "{e}");
    assert_eq!(
        invoke(&w, "dpop_key", json!({"name": "nobody"})).unwrap(),
        Value::Null
    );
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn a_dpop_sign_in_names_its_key_and_after_a_rotation_its_tokens_are_not_refreshed() {
    let (_app, w) = window();
    let profile = json!({
        "name": "dpop", "authority": idp().generic_metadata_url(), "client_id": idp().client_id(),
        "scopes": ["offline_access", idp().api_scope()],
        "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"response_mode": "query"}, "browser_command": CURL_BROWSER, "dpop": true
    });
    save_profile(&w, &profile, None).unwrap();
    let view = invoke(&w, "sign_in", json!({"name": "dpop"})).unwrap();
    assert_eq!(view["passed"], true, "{view}");
    let key = invoke(&w, "dpop_key", json!({"name": "dpop"})).unwrap();
    // The view names the key the sign-in's proofs were signed with: the one now shown.
    assert_eq!(
        view["sender"]["dpop_jkt"], key["thumbprint"],
        "{}",
        view["sender"]
    );
    assert_eq!(view["sender"]["mtls_thumbprint"], Value::Null);
    let binding = view["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "dpop_binding")
        .expect("the DPoP binding check");
    assert_eq!(binding["ok"], true, "{binding}");

    // A new key: the refresh token bound to the old one is refused by the provider and deleted
    // (the engine's rule, the CLI's too): sign in again.
    let rotated = invoke(&w, "rotate_dpop_key", json!({"name": "dpop"})).unwrap();
    assert_ne!(rotated["thumbprint"], key["thumbprint"]);
    let e = invoke(&w, "refresh", json!({"name": "dpop"})).unwrap_err();
    assert_eq!(e["kind"], "sign_in_required", "{e}");
    assert!(
        e["message"].as_str().unwrap().contains("sign in again"),
        "{e}"
    );
    let list = invoke(&w, "list_profiles", json!({})).unwrap();
    assert_eq!(
        list[0]["refresh"],
        Value::Null,
        "the refused token is deleted"
    );
    let _ = invoke(&w, "delete_profile", json!({"name": "dpop"}));
}
