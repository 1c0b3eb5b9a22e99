//! The commands through Tauri's IPC on the mock runtime (`tauri::test`), with a real engine
//! on a session-only vault and a temporary profile store.

use super::support::{
    engine_with, invoke, json_provider, profile_json, save_profile, window, window_on,
};
use crate::state::AppState;
use serde_json::{json, Value};
use std::sync::{Arc, Mutex};
use tauri::WebviewWindow;
use tokenscope_core::http::HttpClient;

#[test]
fn profiles_can_be_saved_listed_renamed_and_deleted() {
    let (_app, w) = window();
    assert_eq!(invoke(&w, "list_profiles", json!({})).unwrap(), json!([]));
    let profile = profile_json("demo", "contoso/B2C_1_susi", &["offline_access"]);
    let list = save_profile(&w, &profile, None).unwrap();
    assert_eq!(list[0]["profile"]["name"], "demo");
    assert_eq!(list[0]["refresh"], Value::Null);
    // A second profile with the same name is refused.
    let e = save_profile(&w, &profile, None).unwrap_err();
    assert_eq!(e["kind"], "profile");
    // An edit that keeps the name replaces it.
    let mut edited = profile.clone();
    edited["client_id"] = json!("edited");
    let list = save_profile(&w, &edited, Some("demo")).unwrap();
    assert_eq!(list[0]["profile"]["client_id"], "edited");
    // An edit may not rename onto another profile, and loses nothing when refused.
    let other = profile_json("other", "contoso/B2C_1_susi", &[]);
    save_profile(&w, &other, None).unwrap();
    let mut onto = edited.clone();
    onto["name"] = json!("other");
    let e = save_profile(&w, &onto, Some("demo")).unwrap_err();
    assert_eq!(e["kind"], "profile");
    let list = invoke(&w, "delete_profile", json!({"name": "other"})).unwrap();
    assert_eq!(list[0]["profile"]["client_id"], "edited");
    let mut renamed = edited.clone();
    renamed["name"] = json!("renamed");
    let list = save_profile(&w, &renamed, Some("demo")).unwrap();
    assert_eq!(list.as_array().unwrap().len(), 1);
    assert_eq!(list[0]["profile"]["name"], "renamed");
    let list = invoke(&w, "delete_profile", json!({"name": "renamed"})).unwrap();
    assert_eq!(list, json!([]));
}

#[test]
fn a_command_sent_while_the_engine_starts_is_answered_once_it_is_ready() {
    // The desktop app builds its engine on a thread while the window starts (lib.rs `run`).
    let (state, slot) = AppState::starting();
    let (_app, w) = window_on(state);
    let engine = engine_with(Arc::new(
        tokenscope_core::http::ReqwestClient::new(Default::default()).unwrap(),
    ));
    let ready_after = std::time::Duration::from_millis(200);
    let filler = std::thread::spawn(move || {
        std::thread::sleep(ready_after);
        slot.fill(engine);
    });
    let asked = std::time::Instant::now();
    // Answered (not failed, not lost) once the engine is there, and not before.
    assert_eq!(invoke(&w, "list_profiles", json!({})).unwrap(), json!([]));
    assert!(asked.elapsed() >= ready_after / 2, "{:?}", asked.elapsed());
    filler.join().unwrap();
    let profile = profile_json("demo", "contoso/B2C_1_susi", &["offline_access"]);
    assert_eq!(
        save_profile(&w, &profile, None).unwrap()[0]["profile"]["name"],
        "demo"
    );
}

#[test]
fn invalid_profiles_are_refused_with_a_kind_and_a_message() {
    let (_app, w) = window();
    let profile = json!({"name": "bad", "authority": "http://example.com/", "client_id": "c"});
    let e = save_profile(&w, &profile, None).unwrap_err();
    assert_eq!(e["kind"], "authority");
    assert!(e["message"].as_str().unwrap().contains("only https"), "{e}");
}

#[test]
fn authority_preview_reads_a_portal_url() {
    let (_app, w) = window();
    let url = "https://contoso.b2clogin.com/contoso.onmicrosoft.com/oauth2/v2.0/authorize?p=B2C_1_susi&client_id=abc&scope=openid%20offline_access&redirect_uri=https%3A%2F%2Fjwt.ms&prompt=login&nonce=defaultNonce";
    let p = invoke(&w, "preview_authority", json!({"text": url})).unwrap();
    assert_eq!(p["client_id"], "abc");
    assert_eq!(p["prompt"], "login");
    let names = |list: &Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(
        names(&p["portal"]["taken"]),
        ["p", "client_id", "scope", "prompt"]
    );
    assert_eq!(names(&p["portal"]["discarded"]), ["redirect_uri", "nonce"]);
    assert_eq!(p["b2c"]["policy"], "B2C_1_susi");
    assert_eq!(p["scopes"], json!(["openid", "offline_access"]));
    assert!(p["metadata_url"]
        .as_str()
        .unwrap()
        .ends_with("/B2C_1_susi/v2.0/.well-known/openid-configuration"));
}

#[test]
fn authority_preview_of_a_ciamlogin_url_says_external_id_and_no_policy() {
    let (_app, w) = window();
    let tid = "5d2c8a1e-7b3f-4e9a-9c61-2f4b8d0e6a17";
    let url = format!("https://contoso.ciamlogin.com/{tid}/v2.0");
    let p = invoke(&w, "preview_authority", json!({"text": url})).unwrap();
    assert_eq!(p["kind"], "external_id");
    assert_eq!(p["form"], "external_id_tenant_id");
    assert_eq!(p["b2c"], Value::Null);
    assert_eq!(p["external_id"]["tenant"], tid);
    assert_eq!(p["external_id"]["host"], "contoso.ciamlogin.com");
    assert!(p["policy_note"]
        .as_str()
        .unwrap()
        .contains("names no policy in the URL"));
    assert_eq!(
        p["metadata_url"],
        format!("https://contoso.ciamlogin.com/{tid}/v2.0/.well-known/openid-configuration")
    );
    // A saved External ID profile says so too (and has no tenant policies to pick).
    let profile = profile_json(
        "ciam",
        "https://contoso.ciamlogin.com/",
        &["offline_access"],
    );
    let entries = save_profile(&w, &profile, None).unwrap();
    assert_eq!(entries[0]["kind"], "external_id");
    assert!(entries[0]["policy_note"].is_string());
    let e = invoke(&w, "tenant_policies", json!({"name": "ciam"})).unwrap_err();
    assert_eq!(e["kind"], "authority");
    // B2C stays B2C, with no note.
    let p = invoke(
        &w,
        "preview_authority",
        json!({"text": "contoso/B2C_1_susi"}),
    )
    .unwrap();
    assert_eq!(p["kind"], "b2c");
    assert_eq!(p["policy_note"], Value::Null);
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

// ---- The inspector: inspect, export_inspection, diff_tokens ----

const TENANT_ID: &str = "8c2b9e3a-5f2d-4c5e-9f4a-1b2c3d4e5f60";

/// Claims of a B2C ID token from the `B2C_1_susi` user flow on contoso.b2clogin.com.
fn b2c_claims() -> Value {
    json!({
        "iss": format!("https://contoso.b2clogin.com/{TENANT_ID}/v2.0/"),
        "sub": "5c1f3c2e-8d0a-4b8e-a1f7-3e9d2c4b6a10",
        "aud": "cid",
        "exp": 4102444800_i64,
        "iat": 1772442900,
        "tfp": "B2C_1_susi",
        "emails": ["tester@example.com"],
        "name": "Test User",
    })
}

fn b2c_token() -> String {
    tokenscope_core::testkit::sign("RS256", &b2c_claims())
}

fn options(extra: Value) -> Value {
    let mut o = json!({"verify": false, "public_key": null, "decryption_key": null,
                       "redact": false, "skew_seconds": null});
    for (k, v) in extra.as_object().unwrap() {
        o[k] = v.clone();
    }
    o
}

fn inspect(w: &WebviewWindow<tauri::test::MockRuntime>, text: &str, extra: Value) -> Value {
    invoke(
        w,
        "inspect",
        json!({"text": text, "options": options(extra)}),
    )
    .unwrap()
}

fn row<'a>(token: &'a Value, name: &str) -> &'a Value {
    token["claim_rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no claim row {name} in {token}"))
}

#[test]
fn inspect_finds_the_id_token_in_a_redirect_urls_fragment_and_explains_it() {
    let (_app, w) = window();
    let token = b2c_token();
    let found = inspect(
        &w,
        &format!("https://jwt.ms/#id_token={token}&state=s1"),
        json!({}),
    );
    assert_eq!(found["form"], "redirect_url");
    let t = &found["tokens"][0];
    assert_eq!(t["label"], "id_token");
    assert_eq!(t["kind"], "jws");
    assert_eq!(found["encoded"], json!([token]));
    let tfp = row(t, "tfp");
    assert_eq!(tfp["value"], "B2C_1_susi");
    assert!(
        tfp["catalogue"].is_object(),
        "tfp is in the catalogue: {tfp}"
    );
    assert_eq!(row(t, "exp")["time"], "2100-01-01T00:00:00Z");
    assert!(row(t, "exp")["local_time"].is_string());
    assert_eq!(
        found["parameters"],
        json!([{"name": "state", "value": "s1"}])
    );
    assert_eq!(
        t["verification"],
        Value::Null,
        "no verification unless asked for"
    );
}

#[test]
fn inspect_explains_that_an_authorization_code_is_not_a_token() {
    let (_app, w) = window();
    let found = inspect(
        &w,
        "http://localhost:53124/?code=eyJraWQiOiJjcGltY29yZV8wOTI1MjAxNSJ9.secret-code&state=s1",
        json!({}),
    );
    assert_eq!(found["form"], "redirect_url");
    assert_eq!(found["tokens"], json!([]));
    let code = &found["authorization_code"];
    assert!(code["length"].as_u64().unwrap() > 10);
    assert!(code["explanation"]
        .as_str()
        .unwrap()
        .contains("not a token"));
    // The code's value does not come back.
    assert!(!found.to_string().contains("secret-code"));
}

#[test]
fn inspect_reads_a_provider_error_from_a_redirect_url() {
    let (_app, w) = window();
    let url = "https://jwt.ms/#error=access_denied&error_description=AADB2C90091%3a+The+user+has+cancelled+entering+self-asserted+information.%0d%0aCorrelation+ID%3a+0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c%0d%0aTimestamp%3a+2026-03-02+09%3a15%3a01Z%0d%0a";
    let found = inspect(&w, url, json!({}));
    let e = &found["provider_error"];
    assert_eq!(e["error"], "access_denied");
    assert_eq!(e["code"], "AADB2C90091");
    assert_eq!(e["correlation_id"], "0f9a2c1e-4b7d-4e0a-9c3b-2d1e0f9a8b7c");
    assert_eq!(e["timestamp"], "2026-03-02 09:15:01Z");
    assert_eq!(found["tokens"], json!([]));
}

#[test]
fn inspect_refuses_garbage_with_the_part_at_fault() {
    let (_app, w) = window();
    let e = invoke(
        &w,
        "inspect",
        json!({"text": "eyJhbGciOiJSUzI1NiJ9.bm90IGpzb24.c2ln", "options": options(json!({}))}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "decode");
    assert!(e["message"].as_str().unwrap().contains("payload"), "{e}");
}

#[test]
fn inspect_verifies_with_a_pasted_jwk_and_says_which_key() {
    let (_app, w) = window();
    let jwk = tokenscope_core::testkit::jwks_of(&["rsa1"]).keys[0].to_string();
    let found = inspect(
        &w,
        &format!("Bearer {}", b2c_token()),
        json!({"verify": true, "public_key": jwk}),
    );
    assert_eq!(found["form"], "bearer");
    let v = &found["tokens"][0]["verification"];
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["signature_valid"], true);
    assert_eq!(v["key"]["kid"], "rsa1");
    assert_eq!(v["keys_from"], "the pasted key");
    assert!(v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "signature" && c["ok"] == true));

    // Another key: the signature does not verify, and the result says so (not an error).
    let other = tokenscope_core::testkit::jwks_of(&["rsa2"]).keys[0].to_string();
    let found = inspect(
        &w,
        &b2c_token(),
        json!({"verify": true, "public_key": other}),
    );
    assert_eq!(found["tokens"][0]["verification"]["passed"], false);

    // A key that does not parse is an error of its own kind, for the key field.
    let e = invoke(
        &w,
        "inspect",
        json!({"text": b2c_token(), "options": options(json!({"verify": true, "public_key": "{not json"}))}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "public_key");
    assert!(
        e["message"]
            .as_str()
            .unwrap()
            .starts_with("the public key: "),
        "{e}"
    );
}

/// Serves the B2C policy's metadata and the fixture JWKS; records the URLs asked for.
fn fake_b2c(seen: Arc<Mutex<Vec<String>>>) -> Arc<dyn HttpClient> {
    let metadata = format!(
        "https://contoso.b2clogin.com/{TENANT_ID}/B2C_1_susi/v2.0/.well-known/openid-configuration"
    );
    let jwks =
        "https://contoso.b2clogin.com/contoso.onmicrosoft.com/b2c_1_susi/discovery/v2.0/keys";
    json_provider(
        vec![
            (
                metadata,
                json!({
                    "issuer": format!("https://contoso.b2clogin.com/{TENANT_ID}/v2.0/"),
                    "jwks_uri": jwks,
                }),
            ),
            (
                jwks.to_owned(),
                serde_json::to_value(tokenscope_core::testkit::jwks()).unwrap(),
            ),
        ],
        seen,
    )
}

#[test]
fn inspect_verifies_with_keys_discovered_from_the_b2c_policy_through_the_discovery_client() {
    let seen = Arc::new(Mutex::new(Vec::new()));
    // The discovery client serves the policy (the guard itself: tests/discovery.rs); the
    // engine's own client, which serves profiles, is never asked.
    let served = fake_b2c(seen.clone());
    let engine_seen = Arc::new(Mutex::new(Vec::new()));
    let engine = engine_with(fake_b2c(engine_seen.clone()))
        .with_discovery(Arc::new(move |_| Ok(served.clone())));
    let (_app, w) = window_on(AppState::new(engine));
    let found = inspect(
        &w,
        &b2c_token(),
        json!({"verify": true, "skew_seconds": 60}),
    );
    let v = &found["tokens"][0]["verification"];
    assert_eq!(v["passed"], true, "{v}");
    assert_eq!(v["skew_seconds"], 60);
    assert!(v["metadata_url"]
        .as_str()
        .unwrap()
        .contains("/B2C_1_susi/v2.0/.well-known/openid-configuration"));
    assert!(v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["name"] == "issuer" && c["ok"] == true));
    assert_eq!(seen.lock().unwrap().len(), 2, "metadata, then keys");
    assert_eq!(*engine_seen.lock().unwrap(), Vec::<String>::new());
}

#[test]
fn inspect_with_redact_masks_emails_and_names_and_drops_the_encoded_token() {
    let (_app, w) = window();
    let found = inspect(&w, &b2c_token(), json!({"redact": true}));
    let t = &found["tokens"][0];
    assert_eq!(t["payload"]["emails"], json!(["[redacted]"]));
    assert_eq!(t["payload"]["name"], "[redacted]");
    assert_eq!(row(t, "emails")["value"], json!(["[redacted]"]));
    assert_eq!(t["payload"]["tfp"], "B2C_1_susi", "the rest is kept");
    assert_eq!(found["encoded"], json!([""]));
    assert!(!found.to_string().contains("tester@example.com"));
}

#[test]
fn diff_tokens_lists_a_changed_claim() {
    let (_app, w) = window();
    let a = b2c_token();
    let mut claims = b2c_claims();
    claims["tfp"] = json!("B2C_1_edit");
    claims["newUser"] = json!(true);
    let b = tokenscope_core::testkit::sign("RS256", &claims);
    let d = invoke(
        &w,
        "diff_tokens",
        json!({"a": a, "b": format!("https://jwt.ms/#id_token={b}")}),
    )
    .unwrap();
    assert_eq!(
        (d["a"].as_str(), d["b"].as_str()),
        (Some("token"), Some("id_token"))
    );
    let change = |name: &str| {
        d["claims"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["name"] == name)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(change("tfp")["change"], "changed");
    assert_eq!(change("tfp")["old"], "B2C_1_susi");
    assert_eq!(change("tfp")["new"], "B2C_1_edit");
    assert_eq!(change("newUser")["change"], "added");
    assert!(d["unchanged"].as_array().unwrap().contains(&json!("iss")));
    let e = invoke(&w, "diff_tokens", json!({"a": a, "b": "a.b"})).unwrap_err();
    assert_eq!(e["kind"], "decode");
    assert!(e["message"].as_str().unwrap().starts_with("B: "), "{e}");
}

#[test]
fn make_token_signs_an_expired_hs256_token_that_the_inspector_shows_expired() {
    let (_app, w) = window();
    let secret = r#"{"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LTAxMjM"}"#;
    let made = invoke(
        &w,
        "make_token",
        json!({"request": {"alg": "HS256", "key": secret, "claims": "{\"sub\":\"tester\"}",
                           "times": [{"claim": "exp", "value": "-1h"}]}}),
    )
    .unwrap();
    let token = made["token"].as_str().unwrap();
    assert_eq!(made["header"]["alg"], "HS256");
    let found = invoke(
        &w,
        "inspect",
        json!({"text": token, "options": {"verify": true, "public_key": secret}}),
    )
    .unwrap();
    let v = &found["tokens"][0]["verification"];
    assert_eq!(v["signature_valid"], true, "{v}");
    let exp = v["checks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "exp")
        .unwrap();
    assert_eq!(exp["ok"], false, "{exp}");
    let e = invoke(
        &w,
        "make_token",
        json!({"request": {"alg": "RS256", "key": secret}}),
    )
    .unwrap_err();
    assert_eq!(e["kind"], "config");
    assert!(
        e["message"].as_str().unwrap().contains("RSA private key"),
        "{e}"
    );
}

#[test]
fn export_inspection_writes_markdown_and_json() {
    let (_app, w) = window();
    let token = b2c_token();
    let md = invoke(
        &w,
        "export_inspection",
        json!({"text": token, "options": options(json!({})), "format": "markdown"}),
    )
    .unwrap();
    let md = md.as_str().unwrap();
    assert!(md.starts_with('#'), "{md}");
    assert!(md.contains("tfp") && md.contains("B2C_1_susi"), "{md}");
    assert!(
        !md.contains(&token),
        "the export holds the decoded token, not the token"
    );
    let json_text = invoke(
        &w,
        "export_inspection",
        json!({"text": token, "options": options(json!({"redact": true})), "format": "json"}),
    )
    .unwrap();
    let doc: Value = serde_json::from_str(json_text.as_str().unwrap()).unwrap();
    assert_eq!(doc["redacted"], true);
    assert_eq!(doc["payload"]["emails"], json!(["[redacted]"]));
}

#[test]
fn a_client_certificate_is_described_and_one_that_cannot_be_used_is_not_saved() {
    let (_app, w) = window();
    let files = json!({"cert_file": "/nonexistent/client.pem", "key_file": "/nonexistent/client.key", "ca_file": null});
    let view = invoke(&w, "describe_client_certificate", json!({ "files": files })).unwrap();
    assert_eq!(view["thumbprint"], Value::Null, "{view}");
    let problem = view["problem"].as_str().unwrap_or_default();
    assert!(problem.contains("/nonexistent/client.pem"), "{view}");
    // Saved from the window, the engine refuses it with the same words.
    let mut profile = profile_json("tls", "contoso/B2C_1_susi", &[]);
    profile["client_certificate"] = files;
    let e = save_profile(&w, &profile, None).unwrap_err();
    let said = e["message"].as_str().unwrap_or_default();
    assert!(
        said.contains("/nonexistent/client.pem") && said.contains("not saved"),
        "{e}"
    );
    assert_eq!(invoke(&w, "list_profiles", json!({})).unwrap(), json!([]));
}
