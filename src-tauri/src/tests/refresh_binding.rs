//! Issue 13, item 1, through the desktop commands: a profile signed in at one provider, with a
//! client secret, then saved with another provider's authority sends that provider nothing on
//! refresh; the token and the secret are gone. Provider A is the real test provider
//! (tests/idp); provider B records what it gets.

use super::support::{invoke, save_profile, window};
use serde_json::{json, Value};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

/// Provider B: records every request (request line, headers, body); answers its metadata,
/// naming its own token endpoint, and `invalid_grant` to the rest.
fn recorder() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let base = format!("http://{}", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(Vec::new()));
    let (log, me) = (seen.clone(), base.clone());
    std::thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let mut reader = BufReader::new(stream);
            let (mut head, mut length) = (String::new(), 0);
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                if let Some(v) = line.to_ascii_lowercase().strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                head.push_str(&line);
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            log.lock()
                .unwrap()
                .push(format!("{head}\r\n{}", String::from_utf8_lossy(&body)));
            let (status, answer) = if head.contains("openid-configuration") {
                let md = json!({
                    "issuer": format!("{me}/"),
                    "authorization_endpoint": format!("{me}/authorize"),
                    "token_endpoint": format!("{me}/token"),
                    "jwks_uri": format!("{me}/jwks"),
                    "response_types_supported": ["code"],
                    "subject_types_supported": ["public"],
                    "id_token_signing_alg_values_supported": ["RS256"],
                });
                ("200 OK", md.to_string())
            } else {
                ("400 Bad Request", r#"{"error":"invalid_grant"}"#.to_owned())
            };
            let mut stream = reader.into_inner();
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\
                 connection: close\r\n\r\n{answer}",
                answer.len()
            );
        }
    });
    (format!("{base}/"), seen)
}

fn profile(authority: &str, client_id: &str) -> Value {
    json!({
        "name": "moved", "authority": authority, "client_id": client_id,
        "scopes": ["offline_access"], "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"response_mode": "query"},
        "browser_command": CURL_BROWSER, "client_auth": "client_secret_basic"
    })
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn a_profile_saved_with_another_provider_sends_it_nothing_on_refresh() {
    let (_app, w) = window();
    let client = idp().info["confidential_clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["token_endpoint_auth_method"] == "client_secret_basic")
        .unwrap()
        .clone();
    let (id, secret) = (
        client["client_id"].as_str().unwrap(),
        client["client_secret"].as_str().unwrap(),
    );
    save_profile(&w, &profile(&idp().metadata_url("B2C_1_auto"), id), None).unwrap();
    invoke(
        &w,
        "set_client_secret",
        json!({"name": "moved", "secret": secret}),
    )
    .unwrap();
    let view = invoke(&w, "sign_in", json!({"name": "moved"})).unwrap();
    assert_eq!(view["refresh"]["stored"], true, "{view}");

    // Save: the same profile, provider B.
    let (b, seen) = recorder();
    let list = save_profile(&w, &profile(&b, id), Some("moved")).unwrap();
    assert_eq!(list[0]["profile"]["authority"], b);
    let e = invoke(&w, "refresh", json!({"name": "moved"})).unwrap_err();
    assert_eq!(e["kind"], "sign_in_required", "{e}");
    let message = e["message"].as_str().unwrap();
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(message.contains("sign in again"), "{message}");
    assert!(message.contains("enter it again"), "{message}");
    for request in seen.lock().unwrap().iter() {
        let lower = request.to_ascii_lowercase();
        assert!(!lower.contains("refresh_token"), "B got: {request}");
        assert!(!lower.contains("authorization: basic"), "B got: {request}");
        assert!(!request.contains(secret), "B got: {request}");
    }
    let list = invoke(&w, "list_profiles", json!({})).unwrap();
    assert_eq!(list[0]["refresh"], Value::Null, "the old token was deleted");
    assert_eq!(
        list[0]["client_secret"], false,
        "the secret must be entered again"
    );
}
