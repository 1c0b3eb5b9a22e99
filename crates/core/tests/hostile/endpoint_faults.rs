//! Hostile provider, 4: token endpoint and metadata faults end in clear errors, promptly.

use super::*;

struct Fault {
    name: &'static str,
    token: TokenFn,
    kind: ErrorKind,
    message: &'static str,
    body: Option<&'static str>,
}

fn token_faults() -> Vec<Fault> {
    vec![
        Fault {
            name: "500 with an HTML page",
            token: answer(Reply::html(
                500,
                "<!DOCTYPE html><html><body><h1>Internal Server Error</h1>\
                 <p>upstream token-service failed</p></body></html>",
            )),
            kind: ErrorKind::HttpStatus,
            message: "answered HTTP 500 with an HTML page",
            body: Some("upstream token-service failed"),
        },
        Fault {
            name: "200 with malformed JSON",
            token: answer(Reply::Raw {
                status: 200,
                content_type: "application/json",
                body: b"{\"token_type\": \"Bearer\", \"expires_in\": ".to_vec(),
            }),
            kind: ErrorKind::InvalidResponse,
            message: "expected JSON",
            body: Some("\"token_type\": \"Bearer\""),
        },
        Fault {
            name: "302 to somewhere else",
            token: Arc::new(|ex: &Exchange| Reply::Redirect(format!("{}elsewhere", ex.issuer))),
            kind: ErrorKind::HttpStatus,
            message: "elsewhere; Tokenscope never follows redirects",
            body: None,
        },
        Fault {
            name: "an endless chunked body",
            token: answer(Reply::Endless),
            kind: ErrorKind::InvalidResponse,
            message: "the body is larger than the 1048576-byte limit",
            body: None,
        },
        Fault {
            name: "a 10 GiB Content-Length",
            token: answer(Reply::HugeLength),
            kind: ErrorKind::InvalidResponse,
            message: "the body is larger than the 1048576-byte limit",
            body: None,
        },
        Fault {
            name: "a stall (request read, never answered)",
            token: answer(Reply::Stall),
            kind: ErrorKind::Timeout,
            message: "gave no answer within 2s",
            body: None,
        },
        Fault {
            name: "a connection reset",
            token: answer(Reply::Reset),
            kind: ErrorKind::Network,
            message: "network error talking to",
            body: None,
        },
        Fault {
            name: "an OAuth error object",
            token: answer(Reply::oauth_error(
                "invalid_grant",
                "AADB2C90090: The provided JWE is not a valid 5 segment token.",
            )),
            kind: ErrorKind::Provider,
            message: "the token endpoint refused the request: invalid_grant (AADB2C90090)",
            body: None,
        },
    ]
}

async fn run_fault(fault: Fault) -> Result<(), String> {
    let h = Harness::new().await;
    h.provider.set_token(fault.token.clone());
    let started = Instant::now();
    let result = h.sign_in().await;
    let elapsed = started.elapsed();
    let mut problems = Vec::new();
    match &result {
        Ok(outcome) => problems.push(format!("no error; outcome {:#?}", outcome.report)),
        Err(e) => {
            if e.kind() != fault.kind {
                problems.push(format!("kind {} instead of {}", e.kind(), fault.kind));
            }
            if !e.to_string().contains(fault.message) {
                problems.push(format!(
                    "message {:?} lacks {:?}",
                    e.to_string(),
                    fault.message
                ));
            }
            if !e.to_string().contains(&h.provider.url(TOKEN_PATH))
                && fault.kind != ErrorKind::Provider
            {
                problems.push(format!(
                    "message {:?} does not name the token endpoint",
                    e.to_string()
                ));
            }
            match (fault.body, e.raw_body()) {
                (Some(want), Some(got)) if got.contains(want) => {}
                (Some(want), got) => problems.push(format!("raw body {got:?} lacks {want:?}")),
                (None, _) => {}
            }
            if let Error::Provider(p) = e {
                if p.origin != ErrorOrigin::TokenEndpoint || !p.is_invalid_grant() {
                    problems.push(format!("provider error {p:?}"));
                }
            }
        }
    }
    if elapsed >= PROMPT {
        problems.push(format!("took {elapsed:?}"));
    }
    // Exactly one request: no retries, and a redirect is not followed.
    if h.provider.hits(TOKEN_PATH) != 1 {
        problems.push(format!(
            "token endpoint hit {} times",
            h.provider.hits(TOKEN_PATH)
        ));
    }
    if h.provider.hits("/elsewhere") != 0 {
        problems.push("the redirect target was requested".into());
    }
    if h.stored_refresh_token().is_some() {
        problems.push("a refresh token was stored".into());
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "{}:\n    {}\n    error: {:?}",
            fault.name,
            problems.join("\n    "),
            result.err()
        ))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn token_endpoint_faults_end_in_clear_errors_within_the_timeout() {
    run_in_parallel("faults", token_faults(), run_fault).await;
}

#[tokio::test]
async fn metadata_faults_stop_the_sign_in_before_the_browser_opens() {
    type Setup = fn(&FakeProvider);
    let cases: [(&str, Setup, ErrorKind, &str); 3] = [
        (
            "metadata that is an HTML page",
            |p| {
                p.configure(|c| {
                    c.metadata_reply = Some(Reply::html(
                        200,
                        "<!doctype html><html><body>Sign in to continue</body></html>",
                    ))
                })
            },
            ErrorKind::InvalidResponse,
            "expected JSON, got an HTML page",
        ),
        (
            "an authorization_endpoint on plain http elsewhere",
            |p| {
                p.configure(|c| {
                    c.metadata["authorization_endpoint"] = json!("http://evil.example/authorize")
                })
            },
            ErrorKind::Metadata,
            "`authorization_endpoint` is http://evil.example/authorize: only https is allowed",
        ),
        (
            "metadata without jwks_uri",
            |p| p.configure(|c| remove(&mut c.metadata, "jwks_uri")),
            ErrorKind::InvalidResponse,
            "missing field `jwks_uri`",
        ),
    ];
    let mut markers = Vec::new();
    for (name, setup, kind, message) in cases {
        let mut h = Harness::new().await;
        let marker = h.marker_browser();
        setup(&h.provider);
        let started = Instant::now();
        let e = expect_err(h.sign_in().await, name);
        assert!(started.elapsed() < PROMPT, "{name}");
        assert_eq!(e.kind(), kind, "{name}: {e}");
        assert!(e.to_string().contains(message), "{name}: {e}");
        assert_eq!(h.provider.hits(METADATA_PATH), 1, "{name}");
        assert_eq!(h.provider.hits(AUTHORIZE_PATH), 0, "{name}");
        markers.push((name, marker, h));
    }
    // Give a wrongly started browser time to leave its mark (the timeout test shows the marker
    // browser does leave one).
    tokio::time::sleep(Duration::from_millis(200)).await;
    for (name, marker, _harness) in markers {
        assert!(!marker.exists(), "{name}: the browser command was run");
    }
}
