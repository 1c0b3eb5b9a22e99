//! Hostile provider, PAR (RFC 9126): a provider that requires pushed requests and whose PAR
//! endpoint misbehaves. Every fault ends in a clear error before any browser is opened. The
//! PAR endpoint is served at the token path (the fake provider answers that path with the
//! configured reply).

use super::*;
use std::collections::HashMap;

async fn pushing() -> (Harness, std::path::PathBuf) {
    let mut h = Harness::new().await;
    let par = h.provider.url(TOKEN_PATH);
    h.provider.configure(|c| {
        c.metadata["pushed_authorization_request_endpoint"] = json!(par);
        c.metadata["require_pushed_authorization_requests"] = json!(true);
    });
    let marker = h.marker_browser();
    (h, marker)
}

#[tokio::test]
async fn a_par_endpoint_that_answers_garbage_an_error_or_no_request_uri_stops_the_sign_in() {
    let faults: Vec<(&str, Reply, &str)> = vec![
        (
            "garbage",
            Reply::Raw {
                status: 201,
                content_type: "application/json",
                body: b"{\"request_uri\": \"urn:x\", ".to_vec(),
            },
            "is not a JSON object",
        ),
        (
            "an HTML page",
            Reply::html(200, "<html><body>Welcome</body></html>"),
            "is not a JSON object",
        ),
        (
            "no request_uri",
            Reply::Json(201, json!({"expires_in": 60})),
            "has no `request_uri`",
        ),
        (
            "a request_uri without expiry",
            Reply::Json(201, json!({"request_uri": "urn:ietf:params:oauth:request_uri:x"})),
            "no positive `expires_in`",
        ),
        (
            "an OAuth error",
            Reply::Json(
                400,
                json!({"error": "invalid_request", "error_description": "redirect_uri is not registered"}),
            ),
            "the provider refused the pushed authorization request: invalid_request: redirect_uri is not registered (Tokenscope sent: pushed (PAR) to",
        ),
        ("a 500", Reply::html(500, "<h1>oops</h1>"), "HTTP 500"),
    ];
    for (name, reply, says) in faults {
        let (h, marker) = pushing().await;
        h.provider.set_token(answer(reply));
        let started = Instant::now();
        let e = expect_err(h.sign_in().await, name);
        assert!(
            started.elapsed() < PROMPT,
            "{name}: took {:?}",
            started.elapsed()
        );
        assert!(e.to_string().contains(says), "{name}: {e}");
        if name == "an OAuth error" {
            match &e {
                Error::Provider(p) => assert_eq!(p.origin, ErrorOrigin::PushedAuthorization),
                other => panic!("{name}: {other:?}"),
            }
        }
        // Pushed once, never to the browser, never to the authorize endpoint.
        assert_eq!(h.provider.hits(TOKEN_PATH), 1, "{name}");
        assert!(!marker.exists(), "{name}: the browser was opened");
        assert_eq!(h.provider.hits(AUTHORIZE_PATH), 0, "{name}");
    }
}

#[tokio::test]
async fn a_pushed_request_sends_the_browser_only_the_client_id_and_request_uri() {
    let h = Harness::new().await;
    let par = h.provider.url(TOKEN_PATH);
    h.provider.configure(|c| {
        c.metadata["pushed_authorization_request_endpoint"] = json!(par);
        c.metadata["require_pushed_authorization_requests"] = json!(true);
    });
    // The pushed form says where to come back; the authorize endpoint (which cannot resolve
    // the request_uri) sends the browser back there with an error.
    let pushed_form: Arc<Mutex<HashMap<String, String>>> = Arc::default();
    let keep = pushed_form.clone();
    h.provider.set_token(Arc::new(move |x: &Exchange| {
        *keep.lock().unwrap() = x.form.clone();
        Reply::Json(
            201,
            json!({"request_uri": "urn:ietf:params:oauth:request_uri:abc", "expires_in": 90}),
        )
    }));
    let form = pushed_form.clone();
    h.provider.set_authorize(move |_| {
        let f = form.lock().unwrap();
        Reply::Redirect(format!(
            "{}?error=access_denied&error_description=no+thanks&state={}",
            f["redirect_uri"], f["state"]
        ))
    });
    let e = expect_err(h.sign_in().await, "refused at the authorize endpoint");
    assert!(e.to_string().contains("request_uri expires in 90 s"), "{e}");
    let pushed = &h.provider.token_requests()[0];
    assert_eq!(pushed.get("client_id").map(String::as_str), Some(CLIENT_ID));
    assert_eq!(
        pushed.get("response_type").map(String::as_str),
        Some("code")
    );
    assert!(pushed.contains_key("code_challenge") && pushed.contains_key("state"));
    let sent = h.provider.last_authorize();
    let mut names: Vec<&str> = sent.keys().map(String::as_str).collect();
    names.sort();
    assert_eq!(names, ["client_id", "request_uri"], "{sent:?}");
    assert_eq!(sent["request_uri"], "urn:ietf:params:oauth:request_uri:abc");
}

#[tokio::test]
async fn a_client_assertion_the_par_endpoint_refuses_is_explained_as_at_the_token_endpoint() {
    let (h, marker) = pushing().await;
    h.provider.configure(|c| {
        c.metadata["token_endpoint_auth_methods_supported"] = json!(["private_key_jwt"]);
    });
    h.engine.profiles().save(&h.profile).unwrap();
    let pem = std::fs::read_to_string(testkit::fixture_path("keys/rsa2.pem")).unwrap();
    h.engine
        .set_client_key(&h.profile.name, &tokenscope_core::Secret::new(pem))
        .await
        .unwrap();
    h.provider.set_token(answer(Reply::Json(
        401,
        json!({"error": "invalid_client", "error_description": "client authentication failed",
               "correlation_id": "c0ffee", "timestamp": "2026-12-07 21:00:00Z"}),
    )));
    let e = expect_err(h.sign_in().await, "assertion refused at PAR");
    let Error::Provider(p) = &e else {
        panic!("{e:?}")
    };
    assert_eq!(p.origin, ErrorOrigin::PushedAuthorization);
    assert_eq!(p.correlation_id.as_deref(), Some("c0ffee"));
    let note = p
        .advice
        .as_ref()
        .and_then(|a| a.note.as_deref())
        .unwrap_or_default();
    assert!(
        note.contains("does not hold") && note.contains("RS256"),
        "{note}"
    );
    // The push carried a private_key_jwt assertion for the PAR endpoint.
    let pushed = &h.provider.token_requests()[0];
    assert_eq!(
        pushed.get("client_assertion_type").map(String::as_str),
        Some("urn:ietf:params:oauth:client-assertion-type:jwt-bearer")
    );
    assert!(!marker.exists());
}
