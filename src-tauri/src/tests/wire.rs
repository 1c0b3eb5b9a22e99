//! "What went over the wire" through IPC, against the test provider: the sign-in and refresh
//! views carry the engine's exchange log, masked; the refresh token reaches the webview nowhere,
//! not in the log, not in a curl copied with its secrets in the clear; a request of a log
//! replaced since is refused, never answered with another.

use super::support::{invoke, save_profile, window};
use crate::state::AppState;
use serde_json::{json, Value};
use tauri::Manager;
use tokenscope_core::store::profile::refresh_account;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn steps(view: &Value) -> Vec<String> {
    view["exchanges"]
        .as_array()
        .expect("exchanges")
        .iter()
        .map(|e| e["step"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn the_exchange_log_reaches_the_webview_masked_and_never_with_a_refresh_token() {
    let (app, w) = window();
    let profile = json!({
        "name": "wire", "authority": idp().metadata_url("B2C_1_auto"), "client_id": idp().client_id(),
        "scopes": ["offline_access"], "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"response_mode": "query"}, "browser_command": CURL_BROWSER
    });
    save_profile(&w, &profile, None).unwrap();
    let view = invoke(&w, "sign_in", json!({"name": "wire"})).unwrap();
    assert_eq!(view["passed"], true, "{view}");
    assert_eq!(steps(&view), ["discovery", "authorize", "token", "keys"]);
    let token = &view["exchanges"][2];
    assert_eq!(token["status"], 200, "{token}");
    let body = token["request_body"].as_str().unwrap();
    assert!(body.contains("code_verifier=[redacted]"), "{body}");

    let engine = app.state::<AppState>().engine();
    let stored = |engine: &tokenscope_core::engine::Engine| {
        engine
            .vault()
            .load(&refresh_account("wire"))
            .unwrap()
            .expect("a refresh token is stored")
            .secret
            .expose()
            .to_owned()
    };
    let first = stored(&engine);
    assert!(
        !view.to_string().contains(&first),
        "the refresh token is in the view"
    );

    // Copied as curl in the clear: the code and verifier as sent, still no refresh token.
    let url = token["url"].as_str().unwrap();
    let clear = invoke(
        &w,
        "exchange_curl",
        json!({"name": "wire", "index": 2, "url": url}),
    )
    .unwrap();
    let clear = clear.as_str().unwrap();
    assert!(
        clear.contains("code_verifier=") && !clear.contains("code_verifier=[redacted]"),
        "{clear}"
    );
    assert!(!clear.contains(&first));

    // A refresh: its log replaces the sign-in's; the refresh token it sent stays masked, even
    // in the clear curl; the one it got back too.
    let view = invoke(&w, "refresh", json!({"name": "wire"})).unwrap();
    assert_eq!(steps(&view), ["refresh"], "{view}");
    let second = stored(&engine);
    assert_ne!(first, second, "the test provider rotates refresh tokens");
    let entry = &view["exchanges"][0];
    assert!(entry["request_body"]
        .as_str()
        .unwrap()
        .contains("refresh_token=[redacted]"));
    let url = entry["url"].as_str().unwrap();
    let clear = invoke(
        &w,
        "exchange_curl",
        json!({"name": "wire", "index": 0, "url": url}),
    )
    .unwrap();
    for rt in [&first, &second] {
        assert!(
            !view.to_string().contains(rt.as_str()),
            "a refresh token is in the view"
        );
        assert!(
            !clear.to_string().contains(rt.as_str()),
            "a refresh token is in {clear}"
        );
    }
    assert!(
        clear.to_string().contains("grant_type=refresh_token"),
        "{clear}"
    );

    // The sign-in's token request is no longer held: an error, not the refresh's request.
    let e = invoke(
        &w,
        "exchange_curl",
        json!({"name": "wire", "index": 2, "url": token["url"]}),
    )
    .unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("no longer held"),
        "{e}"
    );
}
