//! The "Call API" commands against the test provider's protected API (`tests/idp/api.mjs`): the
//! webview names the profile and the request, the shell's engine adds the token. A token without
//! the write scope is refused and explained (insufficient_scope); a valid call answers 2xx; the
//! answer, the curl command and the recent calls carry no token.

use super::support::{invoke, save_profile, window};
use serde_json::{json, Value};
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};

fn profile(scopes: &[String]) -> Value {
    json!({
        "name": "api", "authority": idp().metadata_url("B2C_1_auto"), "client_id": idp().client_id(),
        "scopes": scopes, "redirect": {"host": "localhost", "port": 0, "path": "/"},
        "params": {"response_mode": "query"}, "browser_command": CURL_BROWSER
    })
}

fn request(method: &str, path: &str, body: Option<&str>) -> Value {
    json!({
        "method": method, "url": format!("{}{path}", idp().base()),
        "headers": ["X-Request-Id: desk-1", ""], "body": body, "token": "access"
    })
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn a_missing_scope_is_explained_and_a_valid_call_answers_2xx_without_the_token_in_the_webview() {
    let (_app, w) = window();
    let read = idp().api_scope();
    save_profile(&w, &profile(&["offline_access".into(), read.clone()]), None).unwrap();
    let view = invoke(&w, "sign_in", json!({"name": "api"})).unwrap();
    assert_eq!(view["passed"], true, "{view}");
    let access = view["access_token"]["raw"].as_str().unwrap().to_owned();

    // The read-only token on the write route: 403, and why in plain words.
    let orders = request("POST", "/api/orders", Some(r#"{"item":"book"}"#));
    let call = invoke(&w, "call_api", json!({"name": "api", "request": orders})).unwrap();
    assert_eq!(call["response"]["status"], 403, "{call}");
    assert_eq!(call["diagnosis"][0]["code"], "insufficient_scope", "{call}");
    let write = read.replace("/api/read", "/api/write");
    let message = call["diagnosis"][0]["message"].as_str().unwrap();
    assert!(message.contains(&format!("Add `{write}`")), "{message}");
    assert!(
        !call.to_string().contains(&access),
        "the answer carries no token"
    );
    // What went over the wire comes with the answer: the call last, its token masked.
    let sent = call["exchanges"].as_array().expect("exchanges");
    let last = sent.last().expect("the call is logged");
    assert_eq!(last["step"], "api", "{last}");
    assert_eq!(last["status"], 403, "{last}");
    assert_eq!(last["method"], "POST");
    assert!(
        last["request_headers"]
            .as_array()
            .unwrap()
            .iter()
            .any(|h| h["value"] == "Bearer [redacted]"),
        "{last}"
    );
    // Copied in the clear on request, from the API call's log; the sign-in's is still held.
    let index = sent.len() - 1;
    let clear = invoke(
        &w,
        "exchange_curl",
        json!({"name": "api", "kind": "api", "index": index, "url": last["url"]}),
    )
    .unwrap();
    assert!(clear.as_str().unwrap().contains(&access), "{clear}");
    let token_request = &view["exchanges"][2];
    assert_eq!(token_request["step"], "token", "{view}");
    invoke(
        &w,
        "exchange_curl",
        json!({"name": "api", "index": 2, "url": token_request["url"]}),
    )
    .expect("the sign-in's log is not replaced by an API call's");

    // The read route: 200, the API saw the token's claims and the header typed.
    let hello = request("GET", "/api/hello", None);
    let call = invoke(&w, "call_api", json!({"name": "api", "request": hello})).unwrap();
    assert_eq!(call["response"]["status"], 200, "{call}");
    assert_eq!(call["diagnosis"], json!([]));
    assert_eq!(call["response"]["json"]["scp"], "read", "{call}");
    assert!(!call.to_string().contains(&access));
    assert_eq!(call["request"]["headers"][0]["value"], "Bearer [redacted]");

    // Curl: $TOKEN unless asked for in the clear.
    let curl = invoke(
        &w,
        "api_curl",
        json!({"name": "api", "request": hello, "reveal": false}),
    )
    .unwrap();
    let curl = curl.as_str().unwrap();
    assert!(
        curl.contains("Bearer $TOKEN") && !curl.contains(&access),
        "{curl}"
    );
    let clear = invoke(
        &w,
        "api_curl",
        json!({"name": "api", "request": hello, "reveal": true}),
    )
    .unwrap();
    assert!(clear.as_str().unwrap().contains(&access));

    // The recent calls, newest first, from the profile's state.
    let recent = invoke(&w, "recent_calls", json!({"name": "api"})).unwrap();
    let seen: Vec<(String, u64)> = recent
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            (
                format!(
                    "{} {}",
                    c["method"].as_str().unwrap(),
                    c["url"].as_str().unwrap()
                ),
                c["status"].as_u64().unwrap(),
            )
        })
        .collect();
    let base = idp().base();
    assert_eq!(
        seen,
        [
            (format!("GET {base}/api/hello"), 200),
            (format!("POST {base}/api/orders"), 403)
        ]
    );
    assert_eq!(recent[0]["headers"], json!([["X-Request-Id", "desk-1"]]));
    assert!(!recent.to_string().contains(&access));

    // A header line that is not `Name: value` is refused before anything is sent.
    let mut bad = request("GET", "/api/hello", None);
    bad["headers"] = json!(["NoColon"]);
    let e = invoke(&w, "call_api", json!({"name": "api", "request": bad})).unwrap_err();
    assert!(
        e["message"].as_str().unwrap().contains("Name: value"),
        "{e}"
    );
    let recent = invoke(&w, "recent_calls", json!({"name": "api"})).unwrap();
    assert_eq!(recent.as_array().unwrap().len(), 2);
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn userinfo_claims_are_explained_and_compared_with_the_id_token() {
    let (_app, w) = window();
    // `offline_access` only: the access token is the provider's own, which userinfo takes.
    save_profile(&w, &profile(&["offline_access".into()]), None).unwrap();
    let view = invoke(&w, "sign_in", json!({"name": "api"})).unwrap();
    assert_eq!(view["passed"], true, "{view}");
    let info = invoke(&w, "userinfo", json!({"name": "api"})).unwrap();
    assert_eq!(info["status"], 200, "{info}");
    assert_eq!(info["same_subject"], true, "{info}");
    let emails = info["claims"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["name"] == "emails")
        .expect("emails")
        .clone();
    assert_ne!(emails["description"], "not in the catalogue", "{emails}");
    assert!(info["same"].as_array().unwrap().iter().any(|n| n == "oid"));
    let access = view["access_token"]["raw"].as_str().unwrap_or("none");
    assert!(!info.to_string().contains(access));
    let sent = info["exchanges"].as_array().expect("exchanges");
    let last = sent.last().expect("the request is logged");
    assert_eq!(last["step"], "userinfo", "{info}");
    assert_eq!(last["status"], 200, "{info}");
}

#[test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
fn a_token_pasted_in_the_inspector_is_taken_to_the_api_and_its_refusal_explained() {
    let (_app, w) = window();
    let read = idp().api_scope();
    save_profile(&w, &profile(&["offline_access".into(), read.clone()]), None).unwrap();
    let view = invoke(&w, "sign_in", json!({"name": "api"})).unwrap();
    let access = view["access_token"]["raw"].as_str().unwrap().to_owned();
    // As support gets it: a header line from a log.
    let pasted = format!("Authorization: Bearer {access}\n");

    let orders = request("POST", "/api/orders", Some("{}"));
    let call = invoke(
        &w,
        "call_api_with_token",
        json!({"token": pasted, "request": orders}),
    )
    .unwrap();
    assert_eq!(call["response"]["status"], 403, "{call}");
    assert_eq!(call["diagnosis"][0]["code"], "insufficient_scope", "{call}");
    let message = call["diagnosis"][0]["message"].as_str().unwrap();
    let write = read.replace("/api/read", "/api/write");
    assert!(
        message.contains(&format!(
            "Add `{write}` to the scopes the app that got this token requests"
        )),
        "{message}"
    );
    assert!(!call.to_string().contains(&access));

    let hello = request("GET", "/api/hello", None);
    let call = invoke(
        &w,
        "call_api_with_token",
        json!({"token": pasted, "request": hello}),
    )
    .unwrap();
    assert_eq!(call["response"]["status"], 200, "{call}");
    // Not a profile's call: the profile's recent calls do not list it.
    let recent = invoke(&w, "recent_calls", json!({"name": "api"})).unwrap();
    assert_eq!(recent, json!([]));
    // Its body is the one "Save whole body" writes when no profile is named.
    let dir = std::env::temp_dir().join(format!("ts-pasted-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("hello.json");
    let saved = invoke(
        &w,
        "save_api_body",
        json!({"name": null, "path": path.to_str().unwrap()}),
    )
    .unwrap();
    assert!(saved["bytes"].as_u64().unwrap() > 0, "{saved}");
    assert!(std::fs::read_to_string(&path).unwrap().contains("\"scp\""));
    let _ = std::fs::remove_dir_all(&dir);

    let curl = invoke(
        &w,
        "api_curl_with_token",
        json!({"token": pasted, "request": hello, "reveal": false}),
    )
    .unwrap();
    assert!(curl.as_str().unwrap().contains("Bearer $TOKEN"), "{curl}");
    assert!(!curl.to_string().contains(&access));

    // A paste that would add a header: refused, the token not repeated.
    let e = invoke(
        &w,
        "call_api_with_token",
        json!({"token": format!("{access}\r\nX-Admin: 1"), "request": hello}),
    )
    .unwrap_err();
    let said = e["message"].as_str().unwrap();
    assert!(
        said.contains("white space") && !said.contains(&access),
        "{said}"
    );
}
