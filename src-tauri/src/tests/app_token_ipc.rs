//! "App token (client credentials)" through IPC (issue 16): offered only to a profile with client
//! authentication, with the scope to start from; run against the test provider's daemon client,
//! its steps as progress events and its result the sign-in's view with an access token and no
//! ID token; a public client is refused with the fix.

use super::support::{invoke, json_provider, profile_json, save_profile, window, window_with};
use crate::commands::PROGRESS_EVENT;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tauri::Listener;
use tokenscope_core::testkit::idp::shared as idp;

#[test]
fn only_a_profile_with_a_client_secret_is_offered_app_tokens() {
    let (_app, w) = window();
    let profile = profile_json(
        "b2c",
        "contoso/B2C_1_susi",
        &["openid", "https://contoso.onmicrosoft.com/api/read"],
    );
    let list = save_profile(&w, &profile, None).unwrap();
    assert_eq!(list[0]["app_token"], Value::Null, "{}", list[0]);
    // With a secret stored, offered, with the API's `.default` (Entra's rule) to start from.
    let list = invoke(
        &w,
        "set_client_secret",
        json!({"name": "b2c", "secret": "s3cret-value"}),
    )
    .unwrap();
    assert_eq!(
        list[0]["app_token"],
        json!({"scope": "https://contoso.onmicrosoft.com/api/.default"})
    );
    let list = invoke(&w, "delete_client_secret", json!({"name": "b2c"})).unwrap();
    assert_eq!(list[0]["app_token"], Value::Null, "{}", list[0]);
}

#[test]
fn a_public_client_asking_anyway_is_refused_with_the_fix() {
    const OP: &str = "https://op.example";
    let metadata = json!({
        "issuer": OP, "authorization_endpoint": format!("{OP}/authorize"),
        "token_endpoint": format!("{OP}/token"), "jwks_uri": format!("{OP}/jwks"),
    });
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (_app, w) = window_with(json_provider(
        vec![(format!("{OP}/.well-known/openid-configuration"), metadata)],
        seen.clone(),
    ));
    save_profile(&w, &profile_json("public", OP, &["api"]), None).unwrap();
    let e = invoke(
        &w,
        "client_credentials",
        json!({"name": "public", "scope": null}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "config", "{e}");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("needs a confidential client"),
        "{e}"
    );
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("profiles secret set"),
        "{e}"
    );
    // Refused before any token request.
    assert!(
        !seen.lock().unwrap().iter().any(|u| u.ends_with("/token")),
        "{:?}",
        seen.lock().unwrap()
    );
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn an_app_token_from_the_daemon_client_is_validated_and_shown_without_an_id_token() {
    let (app, w) = window();
    let client = &idp().info["service_client"];
    let secret = client["client_secret"].as_str().unwrap().to_owned();
    let mut profile = profile_json(
        "daemon",
        &idp().metadata_url("B2C_1_auto"),
        &["openid", "offline_access", &idp().api_scope()],
    );
    profile["client_id"] = client["client_id"].clone();
    save_profile(&w, &profile, None).unwrap();
    let list = invoke(
        &w,
        "set_client_secret",
        json!({"name": "daemon", "secret": secret}),
    )
    .unwrap();
    let scope = list[0]["app_token"]["scope"].as_str().unwrap().to_owned();
    assert_eq!(scope, format!("https://{}/api/.default", idp().tenant()));

    let steps = Arc::new(Mutex::new(Vec::new()));
    let into = steps.clone();
    app.listen_any(PROGRESS_EVENT, move |e| {
        let v: Value = serde_json::from_str(e.payload()).unwrap();
        into.lock()
            .unwrap()
            .push(v["step"].as_str().unwrap().to_owned());
    });
    let view = invoke(
        &w,
        "client_credentials",
        json!({"name": "daemon", "scope": scope}),
    )
    .unwrap();
    assert_eq!(view["flow"], "client_credentials", "{view}");
    assert_eq!(view["passed"], true, "{}", view["checks"]);
    assert_eq!(view["id_token"], Value::Null);
    assert!(view["access_token"]["raw"].as_str().unwrap().contains('.'));
    assert_eq!(view["refresh"]["stored"], false, "{}", view["refresh"]);
    assert!(
        !view.to_string().contains(&secret),
        "the secret in the view"
    );
    assert_eq!(
        *steps.lock().unwrap(),
        ["metadata_fetched", "tokens_exchanged", "validated"]
    );
    // Nothing stored: the profile still has no refresh token.
    let list = invoke(&w, "list_profiles", json!({})).unwrap();
    assert_eq!(list[0]["refresh"], Value::Null);
    let _ = invoke(&w, "delete_profile", json!({"name": "daemon"}));
}
