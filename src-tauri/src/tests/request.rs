//! The request builder's commands through IPC: a client secret goes in once and never comes
//! back out, follows a rename and goes with the profile; the preview explains the request.

use super::support::{invoke, save_profile, window};
use serde_json::{json, Value};

const SECRET: &str = "itsme-client-secret-value";

fn profile(name: &str) -> Value {
    json!({
        "name": name, "authority": "https://127.0.0.1:9/realms/x", "client_id": "cid",
        "scopes": ["offline_access"], "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"response_mode": "form_post", "claims": "{\"id_token\": {\"acr\": null}}"},
        "browser_command": null, "client_auth": "client_secret_post"
    })
}

#[test]
fn a_client_secret_is_stored_never_returned_follows_a_rename_and_goes_with_the_profile() {
    let (_app, w) = window();
    let all = |v: &Value| v.to_string();
    save_profile(&w, &profile("itsme"), None).unwrap();
    let list = invoke(
        &w,
        "set_client_secret",
        json!({"name": "itsme", "secret": SECRET}),
    )
    .unwrap();
    assert_eq!(list[0]["client_secret"], true);
    assert_eq!(list[0]["profile"]["client_auth"], "client_secret_post");
    assert_eq!(list[0]["profile"]["params"]["response_mode"], "form_post");
    assert!(!all(&list).contains(SECRET), "{list}");
    let listed = invoke(&w, "list_profiles", json!({})).unwrap();
    assert!(!all(&listed).contains(SECRET));

    // An empty secret is refused; nothing is lost.
    let e = invoke(
        &w,
        "set_client_secret",
        json!({"name": "itsme", "secret": " "}),
    )
    .unwrap_err();
    assert!(e["message"].as_str().unwrap().contains("empty"), "{e}");
    // A secret for a profile that does not exist is refused.
    assert!(invoke(
        &w,
        "set_client_secret",
        json!({"name": "nope", "secret": "x"})
    )
    .is_err());

    let renamed = save_profile(&w, &profile("itsme 2"), Some("itsme")).unwrap();
    assert_eq!(renamed[0]["profile"]["name"], "itsme 2");
    assert_eq!(renamed[0]["client_secret"], true, "the secret follows");

    let removed = invoke(&w, "delete_client_secret", json!({"name": "itsme 2"})).unwrap();
    assert_eq!(removed[0]["client_secret"], false);
    invoke(
        &w,
        "set_client_secret",
        json!({"name": "itsme 2", "secret": SECRET}),
    )
    .unwrap();
    invoke(&w, "delete_profile", json!({"name": "itsme 2"})).unwrap();
    // A new profile of the same name starts without a secret.
    let again = save_profile(&w, &profile("itsme 2"), None).unwrap();
    assert_eq!(again[0]["client_secret"], false);
}

#[test]
fn preview_of_a_profile_whose_provider_is_unreachable_is_a_clear_error() {
    let (_app, w) = window();
    save_profile(&w, &profile("p"), None).unwrap();
    let e = invoke(
        &w,
        "preview_request",
        json!({"name": "p", "options": {"clean": true}}),
    )
    .unwrap_err();
    assert!(e["message"].as_str().is_some_and(|m| !m.is_empty()), "{e}");
    let e = invoke(&w, "preview_request", json!({"name": "missing"})).unwrap_err();
    assert_eq!(e["kind"], "profile");
}

#[test]
fn scope_advice_warns_of_two_resources_without_fetching_anything() {
    let (_app, w) = window();
    let advice = invoke(
        &w,
        "scope_advice",
        json!({"clientId": "cid", "scopes": ["offline_access", "cid", "https://t.onmicrosoft.com/api/read"]}),
    )
    .unwrap();
    assert_eq!(advice["scopes"][0]["scope"], "openid");
    assert_eq!(advice["scopes"][2]["kind"], "client_id");
    let warnings = advice["warnings"].as_array().unwrap();
    assert!(
        warnings
            .iter()
            .any(|w| w.as_str().unwrap().contains("AADB2C90146")),
        "{advice}"
    );
}

#[test]
fn browser_error_help_explains_the_codes_with_the_values_the_request_sent() {
    let (_app, w) = window();
    let url =
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/B2C_1_susi/oauth2/v2.0/authorize\
               ?client_id=wrong-client&redirect_uri=http%3A%2F%2Flocalhost%3A53124&scope=openid";
    let help = invoke(
        &w,
        "browser_error_help",
        json!({"authorizeUrl": url, "read": "AADB2C90018: The client id 'wrong-client' is not registered"}),
    )
    .unwrap();
    assert_eq!(help["likely"][0]["code"], "AADB2C90018");
    assert_eq!(
        help["likely"][0]["sent"][0],
        json!({"name": "client_id", "value": "wrong-client"})
    );
    assert_eq!(help["explained"]["code"], "AADB2C90018");
    let unknown = invoke(
        &w,
        "browser_error_help",
        json!({"authorizeUrl": url, "read": "Oops"}),
    )
    .unwrap();
    assert_eq!(unknown["explained"], Value::Null);
}
