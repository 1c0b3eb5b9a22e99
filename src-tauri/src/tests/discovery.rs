//! The inspector's Verify with keys discovered from a pasted token's `iss` (issue 13.10): the
//! keys come only through the guarded client, which refuses a name that resolves to a private
//! address before anything connects, and never through the engine's own client.

use super::support::{engine_with, invoke, json_provider, window_on};
use crate::state::AppState;
use serde_json::{json, Value};
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokenscope_core::http::{HttpClient, HttpLimits};
use tokenscope_core::oidc::netguard::{self, Lookup};

const ISSUER: &str = "https://idp.corp.test/tenant/v2.0";

/// A provider on the company network as the engine's own client would reach it: metadata and
/// keys for `ISSUER`, every URL asked for recorded.
fn company_provider(seen: Arc<Mutex<Vec<String>>>) -> Arc<dyn HttpClient> {
    let keys = "https://idp.corp.test/tenant/keys";
    json_provider(
        vec![
            (
                format!("{ISSUER}/.well-known/openid-configuration"),
                json!({"issuer": ISSUER, "jwks_uri": keys}),
            ),
            (
                keys.to_owned(),
                serde_json::to_value(tokenscope_core::testkit::jwks()).unwrap(),
            ),
        ],
        seen,
    )
}

/// A resolver for which `idp.corp.test` is a private address (10.0.0.7); the names it was asked
/// are recorded.
fn company_dns(asked: Arc<Mutex<Vec<String>>>) -> Lookup {
    Arc::new(move |host: String| {
        asked.lock().unwrap().push(host.clone());
        Box::pin(async move {
            Ok(match host.as_str() {
                "idp.corp.test" => vec!["10.0.0.7".parse::<IpAddr>().unwrap()],
                _ => Vec::new(),
            })
        })
    })
}

fn token(iss: &str) -> String {
    tokenscope_core::testkit::sign(
        "RS256",
        &json!({"iss": iss, "sub": "u1", "aud": "cid", "exp": 4102444800_i64, "iat": 1772442900}),
    )
}

fn inspect(w: &tauri::WebviewWindow<tauri::test::MockRuntime>, text: &str, verify: bool) -> Value {
    let options = json!({"verify": verify, "public_key": null, "decryption_key": null,
                         "redact": false, "skew_seconds": null});
    invoke(w, "inspect", json!({"text": text, "options": options})).unwrap()
}

#[test]
fn verify_refuses_keys_from_an_iss_whose_name_resolves_to_a_private_address() {
    let engine_seen = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let limits = HttpLimits {
        connect_timeout: Duration::from_secs(2),
        read_timeout: Duration::from_secs(2),
        total_timeout: Duration::from_secs(4),
        max_body: 64 * 1024,
    };
    let engine = engine_with(company_provider(engine_seen.clone()))
        .with_discovery(netguard::discovery_with(limits, company_dns(asked.clone())));
    let (_app, w) = window_on(AppState::new(engine));
    let text = token(ISSUER);

    // Before anything is fetched, the token names the host Verify would fetch from.
    let found = inspect(&w, &text, false);
    assert_eq!(found["tokens"][0]["discovery_host"], "idp.corp.test");
    assert_eq!(found["tokens"][0]["verification"], Value::Null);
    assert_eq!(*asked.lock().unwrap(), Vec::<String>::new());

    // Verify: the name resolves to 10.0.0.7, so nothing is fetched and the check says why and
    // which flag allows it.
    let found = inspect(&w, &text, true);
    let v = &found["tokens"][0]["verification"];
    assert_eq!(v["passed"], false, "{v}");
    let keys = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "keys")
        .unwrap_or_else(|| panic!("no keys check in {v}"));
    assert_eq!(keys["ok"], false, "{keys}");
    let why = keys["detail"].as_str().unwrap();
    assert!(
        why.contains("idp.corp.test resolves to 10.0.0.7, a private address"),
        "{why}"
    );
    assert!(why.contains(netguard::ALLOW_FLAG), "{why}");
    assert_eq!(*asked.lock().unwrap(), vec!["idp.corp.test".to_owned()]);
    // The engine's own client (which would have reached the company provider) was not used.
    assert_eq!(*engine_seen.lock().unwrap(), Vec::<String>::new());
}

#[test]
fn verify_refuses_an_iss_that_is_a_metadata_service_address_before_resolving_anything() {
    let engine_seen = Arc::new(Mutex::new(Vec::new()));
    let asked = Arc::new(Mutex::new(Vec::new()));
    let engine = engine_with(company_provider(engine_seen.clone())).with_discovery(
        netguard::discovery_with(HttpLimits::default(), company_dns(asked.clone())),
    );
    let (_app, w) = window_on(AppState::new(engine));
    let found = inspect(&w, &token("https://169.254.169.254/latest"), true);
    let v = &found["tokens"][0]["verification"];
    assert_eq!(v["passed"], false, "{v}");
    let detail = v["checks"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("169.254.169.254 is a cloud metadata service's address"),
        "{detail}"
    );
    assert!(detail.contains(netguard::ALLOW_FLAG), "{detail}");
    assert_eq!(*asked.lock().unwrap(), Vec::<String>::new());
    assert_eq!(*engine_seen.lock().unwrap(), Vec::<String>::new());
}
