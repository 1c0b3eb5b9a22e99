//! "Sign in on another device", the private key of `private_key_jwt` and the migration
//! comparison, through IPC. The device flow runs against a hand-made provider (a user code,
//! then `authorization_pending`, then the user's refusal, or pending until cancelled): its user
//! code and QR code, and each poll, reach the window as events; the success path against the
//! real provider is the e2e's.

use super::support::{invoke, json_provider, profile_json, save_profile, window_on, window_with};
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tauri::Listener;
use tokenscope_core::http::{HttpRequest, HttpResponse};

const BASE: &str = "https://device.example";

/// A provider with the device flow whose token endpoint says `authorization_pending` to the
/// first `pending` polls and then `access_denied` (never, when `pending` is `usize::MAX`).
fn device_provider(pending: usize) -> Arc<dyn tokenscope_core::http::HttpClient> {
    let polls = Arc::new(Mutex::new(0usize));
    Arc::new(move |request: HttpRequest| {
        let path = request.url.path().to_owned();
        let polls = polls.clone();
        async move {
            let (status, body) = match path.as_str() {
                "/.well-known/openid-configuration" => (
                    200,
                    json!({
                        "issuer": format!("{BASE}/"),
                        "authorization_endpoint": format!("{BASE}/authorize"),
                        "token_endpoint": format!("{BASE}/token"),
                        "jwks_uri": format!("{BASE}/jwks"),
                        "device_authorization_endpoint": format!("{BASE}/device/auth"),
                    }),
                ),
                "/device/auth" => (
                    200,
                    json!({
                        "device_code": "device-code-secret", "user_code": "WDJB-MJHT",
                        "verification_uri": format!("{BASE}/device"),
                        "verification_uri_complete": format!("{BASE}/device?user_code=WDJB-MJHT"),
                        "expires_in": 600, "interval": 1,
                    }),
                ),
                "/token" => {
                    let mut n = polls.lock().unwrap();
                    *n += 1;
                    let error = if *n <= pending {
                        "authorization_pending"
                    } else {
                        "access_denied"
                    };
                    (400, json!({"error": error}))
                }
                _ => (404, json!({"error": "not_found"})),
            };
            Ok(HttpResponse {
                status,
                headers: vec![("content-type".into(), "application/json".into())],
                body: body.to_string().into_bytes(),
            })
        }
    })
}

/// Records the payloads of `event`.
fn record(app: &tauri::App<tauri::test::MockRuntime>, event: &str) -> Arc<Mutex<Vec<Value>>> {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let into = seen.clone();
    app.listen_any(event, move |e| {
        into.lock()
            .unwrap()
            .push(serde_json::from_str(e.payload()).unwrap());
    });
    seen
}

#[test]
fn a_device_sign_in_sends_the_code_its_qr_code_and_each_poll_then_the_refusal() {
    let (app, w) = window_with(device_provider(1));
    save_profile(&w, &profile_json("tv", BASE, &[]), None).unwrap();
    let support = invoke(&w, "device_support", json!({"name": "tv"})).unwrap();
    assert_eq!(support["endpoint"], format!("{BASE}/device/auth"));
    assert_eq!(support["missing"], Value::Null);
    let codes = record(&app, "device-code");
    let polls = record(&app, "device-poll");
    let steps = record(&app, "signin-progress");
    let e = invoke(&w, "sign_in_device", json!({"name": "tv"})).unwrap_err();
    assert_eq!(e["kind"], "provider", "{e}");
    assert_eq!(e["provider"]["error"], "access_denied");
    let codes = codes.lock().unwrap().clone();
    assert_eq!(codes.len(), 1, "{codes:?}");
    let code = &codes[0];
    assert_eq!(code["user_code"], "WDJB-MJHT");
    assert_eq!(code["verification_uri"], format!("{BASE}/device"));
    assert_eq!(code["expires_in"], 600);
    // The QR code the window draws: the URI with the code in it, as SVG path data.
    assert_eq!(
        code["qr"]["text"],
        format!("{BASE}/device?user_code=WDJB-MJHT")
    );
    assert!(code["qr"]["size"].as_u64().unwrap() >= 29);
    assert!(code["qr"]["svg_path"]
        .as_str()
        .unwrap()
        .starts_with("M4 4h7"));
    // The device code itself never crosses to the window.
    assert!(!code.to_string().contains("device-code-secret"));
    assert_eq!(
        *polls.lock().unwrap(),
        vec![json!({"interval": 1}), json!({"interval": 1})]
    );
    assert_eq!(steps.lock().unwrap()[0]["step"], "metadata_fetched");
}

#[test]
fn a_device_sign_in_is_cancelled_by_cancel_sign_in() {
    let (app, w) = window_with(device_provider(usize::MAX));
    save_profile(&w, &profile_json("tv", BASE, &[]), None).unwrap();
    let polls = record(&app, "device-poll");
    let signing_in = w.clone();
    let run =
        std::thread::spawn(move || invoke(&signing_in, "sign_in_device", json!({"name": "tv"})));
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while polls.lock().unwrap().is_empty() {
        assert!(std::time::Instant::now() < deadline, "no poll");
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    assert_eq!(invoke(&w, "cancel_sign_in", json!({})).unwrap(), true);
    let e = run.join().unwrap().unwrap_err();
    assert_eq!(e["kind"], "cancelled", "{e}");
}

#[test]
fn a_provider_without_the_device_flow_says_why() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    let metadata = json!({
        "issuer": "https://plain.example/",
        "authorization_endpoint": "https://plain.example/authorize",
        "token_endpoint": "https://plain.example/token",
        "jwks_uri": "https://plain.example/jwks",
    });
    let http = json_provider(
        vec![(
            "https://plain.example/.well-known/openid-configuration".into(),
            metadata,
        )],
        seen,
    );
    let (_app, w) = window_on(AppState::new(super::support::engine_with(http)));
    save_profile(
        &w,
        &profile_json("plain", "https://plain.example/", &[]),
        None,
    )
    .unwrap();
    let support = invoke(&w, "device_support", json!({"name": "plain"})).unwrap();
    assert_eq!(support["endpoint"], Value::Null);
    assert!(support["missing"]
        .as_str()
        .unwrap()
        .contains("names no device_authorization_endpoint"));
}

#[test]
fn a_private_key_goes_in_once_and_comes_back_only_described() {
    let (_app, w) = window_with(device_provider(0));
    save_profile(&w, &profile_json("app", BASE, &[]), None).unwrap();
    let read =
        |name: &str| std::fs::read_to_string(tokenscope_core::testkit::fixture_path(name)).unwrap();
    let pem = format!("{}\n{}", read("keys/rsa2.pem"), read("verify/rsa2.crt.pem"));
    let list = invoke(&w, "set_client_key", json!({"name": "app", "key": pem})).unwrap();
    let key = &list[0]["client_key"];
    assert_eq!(key["alg"], "RS256");
    assert_eq!(key["thumbprint"].as_str().unwrap().len(), 43);
    assert_eq!(key["x5t_s256"].as_str().unwrap().len(), 43);
    let all = invoke(&w, "list_profiles", json!({})).unwrap().to_string();
    assert!(
        !all.contains("PRIVATE KEY") && !all.contains("CERTIFICATE"),
        "{all}"
    );
    // Something that is no key is refused, and the stored one stays.
    let e = invoke(
        &w,
        "set_client_key",
        json!({"name": "app", "key": "-----BEGIN PUBLIC KEY-----"}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "config");
    assert!(e["message"].as_str().unwrap().contains("not usable"), "{e}");
    let list = invoke(&w, "list_profiles", json!({})).unwrap();
    assert_eq!(list[0]["client_key"]["thumbprint"], key["thumbprint"]);
    let list = invoke(&w, "delete_client_key", json!({"name": "app"})).unwrap();
    assert_eq!(list[0]["client_key"], Value::Null);
}

#[test]
fn the_migration_comparison_explains_the_known_differences() {
    let (_app, w) = window_with(device_provider(0));
    let jwt = |payload: Value| {
        use tokenscope_core::jose::jwt::b64_encode;
        format!(
            "{}.{}.c2ln",
            b64_encode(br#"{"alg":"RS256"}"#),
            b64_encode(payload.to_string().as_bytes())
        )
    };
    let b2c = jwt(
        json!({"iss": "https://c.b2clogin.com/t/v2.0/", "sub": "1", "tfp": "B2C_1_susi",
                         "emails": ["a@example.com"]}),
    );
    let ciam = jwt(json!({"iss": "https://t.ciamlogin.com/t/v2.0", "sub": "2",
                          "email": "a@example.com"}));
    let m = invoke(&w, "migration_compare", json!({"a": b2c, "b": ciam})).unwrap();
    let ids: Vec<&str> = m["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["policy_claim", "emails", "object_id", "issuer"]);
    assert_eq!(m["diff"]["claims"].as_array().unwrap().len(), 5);
    let e = invoke(&w, "migration_compare", json!({"a": "", "b": ciam})).unwrap_err();
    assert!(e["message"].as_str().unwrap().starts_with("A:"), "{e}");
}
