//! The mock app the IPC tests drive: the app on the mock runtime (`tauri::test`) with a real
//! engine on a session-only vault and a temporary profile store, a command invoked through IPC,
//! and a profile saved the way the UI sends it.

use crate::app;
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::Arc;
use tauri::test::{get_ipc_response, mock_builder, mock_context, noop_assets, INVOKE_KEY};
use tauri::webview::InvokeRequest;
use tauri::{WebviewWindow, WebviewWindowBuilder};
use tokenscope_core::clock::SystemClock;
use tokenscope_core::engine::Engine;
use tokenscope_core::http::{
    HttpClient, HttpError, HttpLimits, HttpRequest, HttpResponse, ReqwestClient,
};
use tokenscope_core::store::profile::ProfileStore;
use tokenscope_core::store::vault::Vault;

pub(super) type Window = (
    tauri::App<tauri::test::MockRuntime>,
    WebviewWindow<tauri::test::MockRuntime>,
);

pub(super) fn window() -> Window {
    window_with(Arc::new(ReqwestClient::new(HttpLimits::default()).unwrap()))
}

/// The app on an engine whose HTTP client is `http` (a closure serving fixed answers).
pub(super) fn window_with(http: Arc<dyn HttpClient>) -> Window {
    window_on(AppState::new(engine_with(http)))
}

/// A real engine on a session-only vault and a fresh temporary profile store.
pub(super) fn engine_with(http: Arc<dyn HttpClient>) -> Engine {
    let dir = std::env::temp_dir().join(format!(
        "tokenscope-shell-{}",
        tokenscope_core::oidc::pkce::random_token()
    ));
    Engine::new(
        http,
        Arc::new(SystemClock),
        Vault::session_only("test"),
        ProfileStore::new(dir),
    )
}

/// The app on `state` (whose engine may still be on its way).
pub(super) fn window_on(state: AppState) -> Window {
    let app = app(mock_builder(), state)
        .build(mock_context(noop_assets()))
        .expect("app builds");
    let window = WebviewWindowBuilder::new(&app, "main", Default::default())
        .build()
        .expect("window builds");
    (app, window)
}

pub(super) fn invoke(
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

/// A whole profile as the UI sends it: client `cid` on `authority`, the default redirect and
/// parameters, no browser command.
pub(super) fn profile_json(name: &str, authority: &str, scopes: &[&str]) -> Value {
    json!({
        "name": name, "authority": authority, "client_id": "cid",
        "scopes": scopes, "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"prompt": null, "login_hint": null, "domain_hint": null, "ui_locales": null,
                   "max_age": null, "acr_values": null, "response_mode": "query", "extra": []},
        "browser_command": null
    })
}

/// `save_profile`: a new profile (`previous` none) or a change of the one named `previous`.
pub(super) fn save_profile(
    window: &WebviewWindow<tauri::test::MockRuntime>,
    profile: &Value,
    previous: Option<&str>,
) -> Result<Value, Value> {
    invoke(
        window,
        "save_profile",
        json!({"profile": profile, "previousName": previous}),
    )
}

/// A provider that answers each URL of `routes` with its JSON and any other with a connection
/// error; every URL asked for is recorded in `seen`.
pub(super) fn json_provider(
    routes: Vec<(String, Value)>,
    seen: Arc<std::sync::Mutex<Vec<String>>>,
) -> Arc<dyn HttpClient> {
    Arc::new(move |request: HttpRequest| {
        let url = request.url.to_string();
        seen.lock().unwrap().push(url.clone());
        let body = routes
            .iter()
            .find(|(u, _)| *u == url)
            .map(|(_, b)| b.clone());
        async move {
            match body {
                Some(b) => Ok(HttpResponse {
                    status: 200,
                    headers: vec![("content-type".into(), "application/json".into())],
                    body: b.to_string().into_bytes(),
                }),
                None => Err(HttpError::Connect(format!(
                    "no such host in this test: {url}"
                ))),
            }
        }
    })
}
