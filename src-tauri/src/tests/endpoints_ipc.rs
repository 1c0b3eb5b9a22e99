//! Revoke, introspect and "Save whole body" through IPC against the test provider: the
//! webview names the profile and the token kind, the shell's engine reads the refresh token
//! from the vault; no answer carries a token. A B2C profile's provider has neither endpoint.

use super::support::{invoke, save_profile, window};
use serde_json::{json, Value};
use tauri::Manager;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn profile(authority: String) -> Value {
    json!({
        "name": "gen", "authority": authority, "client_id": idp().client_id(),
        "scopes": ["offline_access"], "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"response_mode": "query"}, "browser_command": CURL_BROWSER
    })
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn introspect_then_revoke_the_refresh_token_without_it_reaching_the_webview() {
    let (app, w) = window();
    save_profile(&w, &profile(idp().generic_metadata_url()), None).unwrap();
    let view = invoke(&w, "sign_in", json!({"name": "gen"})).unwrap();
    assert_eq!(view["passed"], true, "{view}");
    let access = view["access_token"]["raw"].as_str().unwrap().to_owned();
    let refresh = app
        .state::<crate::state::AppState>()
        .engine()
        .vault()
        .load(&tokenscope_core::store::profile::refresh_account("gen"))
        .unwrap()
        .expect("a refresh token is stored")
        .secret
        .expose()
        .to_owned();

    let support = invoke(&w, "provider_endpoints", json!({"name": "gen"})).unwrap();
    assert!(support["revocation"].is_string(), "{support}");
    assert!(support["introspection_missing"].is_null(), "{support}");

    let i = invoke(
        &w,
        "introspect_token",
        json!({"name": "gen", "token": "refresh"}),
    )
    .unwrap();
    assert_eq!(i["active"], true, "{i}");
    assert_eq!(i["token"], "refresh token");
    let r = invoke(
        &w,
        "revoke_token",
        json!({"name": "gen", "token": "refresh"}),
    )
    .unwrap();
    assert_eq!(r["revoked"], true, "{r}");
    assert_eq!(r["removed_from_vault"], true, "{r}");
    for v in [&i, &r] {
        assert!(!v.to_string().contains(&access));
        assert!(!v.to_string().contains(&refresh), "{v}");
        assert!(!v.to_string().contains("refresh_token\":\""), "{v}");
    }
    // Each answer carries what went over the wire, the token it sent masked; a clear copy of
    // the revocation request still never carries the refresh token.
    for (v, step) in [(&i, "introspection"), (&r, "revocation")] {
        let last = v["exchanges"].as_array().and_then(|l| l.last()).cloned();
        let last = last.unwrap_or_else(|| panic!("no exchanges: {v}"));
        assert_eq!(last["step"], step, "{v}");
        assert_eq!(last["status"], 200, "{v}");
        assert!(
            last["request_body"]
                .as_str()
                .unwrap()
                .contains("token=[redacted]"),
            "{last}"
        );
    }
    let index = r["exchanges"].as_array().unwrap().len() - 1;
    let clear = invoke(
        &w,
        "exchange_curl",
        json!({"name": "gen", "kind": "revoke", "index": index,
               "url": r["exchanges"][index]["url"]}),
    )
    .unwrap();
    assert!(
        clear
            .as_str()
            .unwrap()
            .contains("token_type_hint=refresh_token"),
        "{clear}"
    );
    assert!(!clear.to_string().contains(&refresh), "{clear}");
    // Gone from the vault: introspecting it now needs a sign-in.
    let e = invoke(
        &w,
        "introspect_token",
        json!({"name": "gen", "token": "refresh"}),
    )
    .unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("no refresh token is stored"),
        "{e}"
    );
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn a_b2c_provider_has_neither_endpoint() {
    let (_app, w) = window();
    save_profile(&w, &profile(idp().metadata_url("B2C_1_auto")), None).unwrap();
    let support = invoke(&w, "provider_endpoints", json!({"name": "gen"})).unwrap();
    assert!(support["revocation"].is_null(), "{support}");
    assert!(support["revocation_missing"]
        .as_str()
        .unwrap()
        .contains("this provider has no revocation endpoint"));
    let e = invoke(
        &w,
        "revoke_token",
        json!({"name": "gen", "token": "refresh"}),
    )
    .unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("this provider has no revocation endpoint"),
        "{e}"
    );
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn the_whole_body_of_the_last_call_is_saved_to_a_new_file() {
    let (_app, w) = window();
    let mut p = profile(idp().metadata_url("B2C_1_auto"));
    p["scopes"] = json!(["offline_access", idp().api_scope()]);
    save_profile(&w, &p, None).unwrap();
    let e = invoke(
        &w,
        "save_api_body",
        json!({"name": "gen", "path": "/tmp/x"}),
    )
    .unwrap_err();
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .contains("call the API first"),
        "{e}"
    );
    let view = invoke(&w, "sign_in", json!({"name": "gen"})).unwrap();
    assert_eq!(view["passed"], true, "{view}");
    let request = json!({
        "method": "GET", "url": format!("{}/api/hello", idp().base()),
        "headers": [], "body": null, "token": "access"
    });
    let call = invoke(&w, "call_api", json!({"name": "gen", "request": request})).unwrap();
    assert_eq!(call["response"]["status"], 200, "{call}");
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-body-{}",
        tokenscope_core::oidc::pkce::random_token()
    ));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hello.json");
    let saved = invoke(
        &w,
        "save_api_body",
        json!({"name": "gen", "path": path.to_str().unwrap()}),
    )
    .unwrap();
    let written = std::fs::read(&path).unwrap();
    assert_eq!(saved["bytes"], written.len(), "{saved}");
    assert_eq!(
        written.len() as u64,
        call["response"]["body_bytes"].as_u64().unwrap()
    );
    let body: Value = serde_json::from_slice(&written).unwrap();
    assert_eq!(body["route"], "GET /hello");
    // A second save to the same file keeps the first.
    let e = invoke(
        &w,
        "save_api_body",
        json!({"name": "gen", "path": path.to_str().unwrap()}),
    )
    .unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("already exists"),
        "{e}"
    );
    let _ = std::fs::remove_dir_all(dir);
}
