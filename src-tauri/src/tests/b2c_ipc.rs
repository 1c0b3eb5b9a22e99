//! The B2C commands through IPC on the mock runtime: the policy picker, switching a profile's
//! policy, and what the history and support bundle say before anything ran.

use super::support::{invoke, profile_json, save_profile, window};
use serde_json::json;

#[test]
fn the_policy_picker_adds_and_switches_policies_keeping_the_app() {
    let (_app, w) = window();
    let profile = profile_json("demo", "contoso/B2C_1_susi", &["offline_access"]);
    save_profile(&w, &profile, None).unwrap();
    let view = invoke(&w, "tenant_policies", json!({"name": "demo"})).unwrap();
    assert_eq!(view["current_policy"], "B2C_1_susi");
    assert_eq!(view["reset_policy"], json!(null));

    let view = invoke(
        &w,
        "add_policy",
        json!({"name": "demo", "policy": "B2C_1_reset", "reset": false}),
    )
    .unwrap();
    assert_eq!(view["reset_policy"], "B2C_1_reset");
    let err = invoke(
        &w,
        "add_policy",
        json!({"name": "demo", "policy": "reset", "reset": false}),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "authority");

    let list = invoke(
        &w,
        "switch_policy",
        json!({"name": "demo", "policy": "B2C_1_edit"}),
    )
    .unwrap();
    assert_eq!(
        list[0]["profile"]["authority"],
        "contoso.onmicrosoft.com/B2C_1_edit"
    );
    assert_eq!(list[0]["profile"]["client_id"], "cid");
    assert_eq!(list[0]["profile"]["scopes"], json!(["offline_access"]));
    let view = invoke(&w, "tenant_policies", json!({"name": "demo"})).unwrap();
    let names: Vec<&str> = view["policies"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["B2C_1_susi", "B2C_1_edit", "B2C_1_reset"]);

    // Nothing ran yet: an empty history, and no bundle to make.
    let history = invoke(&w, "session_history", json!({"name": "demo"})).unwrap();
    assert_eq!(history["entries"], json!([]));
    assert_eq!(history["refresh_age"], json!(null));
    assert!(history["redirect_rules"][1]
        .as_str()
        .unwrap()
        .contains("any port"));
    let err = invoke(&w, "support_bundle", json!({"name": "demo"})).unwrap_err();
    assert!(
        err["message"]
            .as_str()
            .unwrap()
            .contains("nothing to report"),
        "{err}"
    );
}

#[test]
fn a_profile_not_on_b2c_has_no_policies() {
    let (_app, w) = window();
    let profile = profile_json("oidc", "https://login.example.org/realms/test", &[]);
    save_profile(&w, &profile, None).unwrap();
    let err = invoke(&w, "tenant_policies", json!({"name": "oidc"})).unwrap_err();
    assert_eq!(err["kind"], "authority");
    let err = invoke(
        &w,
        "switch_policy",
        json!({"name": "oidc", "policy": "B2C_1_edit"}),
    )
    .unwrap_err();
    assert_eq!(err["kind"], "authority");
}
