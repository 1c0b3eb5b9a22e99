//! The commands through Tauri's IPC on the mock runtime (`tauri::test`), with a real engine
//! on a session-only vault and a temporary profile store.

use crate::app;
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};
use tokenscope_core::clock::SystemClock;
use tokenscope_core::engine::Engine;
use tokenscope_core::http::{HttpLimits, ReqwestClient};
use tokenscope_core::profile::ProfileStore;
use tokenscope_core::vault::Vault;

fn window() -> (
    tauri::App<tauri::test::MockRuntime>,
    WebviewWindow<tauri::test::MockRuntime>,
) {
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-shell-{}",
        tokenscope_core::pkce::random_token()
    ));
    let engine = Engine::new(
        Arc::new(ReqwestClient::new(HttpLimits::default()).unwrap()),
        Arc::new(SystemClock),
        Vault::session_only("test"),
        ProfileStore::new(dir),
    );
    let app = app(mock_builder(), engine)
        .build(mock_context(noop_assets()))
        .expect("app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    (app, window)
}

fn invoke(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    cmd: &str,
    body: Value,
) -> Result<Value, Value> {
    get_ipc_response(
        window,
        InvokeRequest {
            cmd: cmd.into(),
            callback: tauri::ipc::CallbackFn(0),
            error: tauri::ipc::CallbackFn(1),
            url: "tauri://localhost".parse().unwrap(),
            body: tauri::ipc::InvokeBody::Json(body),
            headers: Default::default(),
            invoke_key: INVOKE_KEY.to_string(),
        },
    )
    .map(|r| r.deserialize::<Value>().unwrap())
}

#[test]
fn profiles_can_be_saved_listed_renamed_and_deleted() {
    let (_app, w) = window();
    assert_eq!(invoke(&w, "list_profiles", json!({})).unwrap(), json!([]));
    let profile = json!({
        "name": "demo", "authority": "contoso/B2C_1_susi", "client_id": "cid",
        "scopes": ["offline_access"], "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"prompt": null, "login_hint": null, "domain_hint": null, "ui_locales": null,
                   "max_age": null, "acr_values": null, "response_mode": "query", "extra": []},
        "browser_command": null
    });
    let list = invoke(
        &w,
        "save_profile",
        json!({"profile": profile, "previousName": null}),
    )
    .unwrap();
    assert_eq!(list[0]["profile"]["name"], "demo");
    assert_eq!(list[0]["refresh"], Value::Null);
    // A second profile with the same name is refused.
    let e = invoke(
        &w,
        "save_profile",
        json!({"profile": profile, "previousName": null}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "profile");
    let mut renamed = profile.clone();
    renamed["name"] = json!("renamed");
    let list = invoke(
        &w,
        "save_profile",
        json!({"profile": renamed, "previousName": "demo"}),
    )
    .unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["profile"]["name"], "renamed");
    let list = invoke(&w, "delete_profile", json!({"name": "renamed"})).unwrap();
    assert_eq!(list, json!([]));
}

#[test]
fn invalid_profiles_are_refused_with_a_kind_and_a_message() {
    let (_app, w) = window();
    let profile = json!({"name": "bad", "authority": "http://example.com/", "client_id": "c"});
    let e = invoke(
        &w,
        "save_profile",
        json!({"profile": profile, "previousName": null}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "authority");
    assert!(e["message"].as_str().unwrap().contains("only https"), "{e}");
}

#[test]
fn authority_preview_reads_a_portal_url() {
    let (_app, w) = window();
    let url = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1_susi&client_id=abc&scope=openid%20offline_access&redirect_uri=https%3A%2F%2Fjwt.ms";
    let p = invoke(&w, "preview_authority", json!({"text": url})).unwrap();
    assert_eq!(p["client_id"], "abc");
    assert_eq!(p["b2c"]["policy"], "B2C_1_susi");
    assert_eq!(p["scopes"], json!(["openid", "offline_access"]));
    assert!(p["metadata_url"]
        .as_str()
        .unwrap()
        .ends_with("/B2C_1_susi/v2.0/.well-known/openid-configuration"));
}

#[test]
fn decode_token_explains_and_refuses_garbage() {
    let (_app, w) = window();
    let token = tokenscope_core::testkit::sign(
        "RS256",
        &json!({"sub": "u", "exp": 4102444800_i64, "tfp": "B2C_1_susi"}),
    );
    let panel = invoke(
        &w,
        "decode_token",
        json!({"text": format!("Bearer {token}")}),
    )
    .unwrap();
    assert_eq!(panel["kind"], "jws");
    assert_eq!(panel["parts"].as_array().unwrap().len(), 3);
    let exp = panel["claim_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "exp")
        .unwrap();
    assert_eq!(exp["time"], "2100-01-01T00:00:00Z");
    let e = invoke(&w, "decode_token", json!({"text": "a.b"})).unwrap_err();
    assert_eq!(e["kind"], "decode");
}

#[test]
fn app_info_reports_the_vault_and_refresh_needs_a_stored_token() {
    let (_app, w) = window();
    let info = invoke(&w, "app_info", json!({})).unwrap();
    assert_eq!(info["vault"]["kind"], "session_only");
    assert_eq!(info["last_profile"], Value::Null);
    let e = invoke(&w, "refresh", json!({"name": "nope"})).unwrap_err();
    assert_eq!(e["kind"], "profile");
    assert_eq!(
        invoke(&w, "cancel_sign_in", json!({})).unwrap(),
        json!(false)
    );
}
