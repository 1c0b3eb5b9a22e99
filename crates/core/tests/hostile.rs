//! The hostile-provider suite: the real engine, end to end, against a hand-made OpenID provider
//! on 127.0.0.1 that misbehaves one way per test, with curl as the browser.
//!
//! Run with `cargo test -p tokenscope-core --test hostile`.

#[path = "hostile/util.rs"]
mod util;

use serde_json::json;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokenscope_core::engine::outcome::Outcome;
use tokenscope_core::engine::{Progress, SignInOptions};
use tokenscope_core::error::Error;
use tokenscope_core::oidc::provider_error::ErrorOrigin;
use tokenscope_core::oidc::redirect::RedirectConfig;
use tokenscope_core::store::vault::VaultLocation;
use tokenscope_core::testkit;
use util::*;

/// Faults must end well within this (the engine's HTTP limits are 2 s / 4 s here).
const PROMPT: Duration = Duration::from_secs(10);

fn expect_err(result: tokenscope_core::Result<Outcome>, what: &str) -> Error {
    match result {
        Ok(outcome) => panic!(
            "{what}: expected an error, got an outcome: {:#?}",
            outcome.report
        ),
        Err(e) => e,
    }
}

// ---------------------------------------------------------------------------------------------
// 1. The happy path
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn happy_path_passes_every_check_and_keeps_the_refresh_token_for_the_session() {
    let mut h = Harness::new().await;
    h.profile.params.max_age = Some(3600);
    let steps = Steps::default();
    let record = steps.clone();
    let options = SignInOptions {
        progress: Some(Arc::new(move |p| record.0.lock().unwrap().push(p))),
        ..h.options()
    };

    let outcome = h
        .engine
        .sign_in(&h.profile, &options)
        .await
        .expect("sign-in completes");

    let failed: Vec<_> = outcome.report.failures().collect();
    assert!(
        outcome.passed(),
        "every check passes, but these failed: {failed:#?}"
    );
    let names: Vec<&str> = outcome
        .report
        .checks
        .iter()
        .map(|c| c.name.as_str())
        .collect();
    for name in [
        "alg",
        "kid",
        "signature",
        "iss",
        "aud",
        "azp",
        "exp",
        "nbf",
        "iat",
        "nonce",
        "at_hash",
        "auth_time",
    ] {
        assert!(names.contains(&name), "check {name} was made: {names:?}");
    }
    let detail = |name: &str| outcome.report.get(name).unwrap().detail.clone();
    assert!(
        detail("signature").contains("valid RS256 signature by key rsa1"),
        "{}",
        detail("signature")
    );
    assert!(
        detail("nonce").contains("matches the nonce sent"),
        "{}",
        detail("nonce")
    );
    assert!(
        detail("at_hash").contains("matches the access token"),
        "{}",
        detail("at_hash")
    );
    assert!(
        detail("auth_time").contains("within max_age 3600 s"),
        "{}",
        detail("auth_time")
    );

    // The tokens the provider sent are what the user sees.
    let p = &h.provider;
    assert_eq!(outcome.issuer, p.issuer());
    let id = outcome.id_token.as_ref().expect("ID token shown");
    assert_eq!(id.decoded.as_ref().unwrap().claim_str("sub"), Some(SUBJECT));
    assert_eq!(
        outcome.access_token.as_ref().unwrap().raw.expose(),
        p.access_token(1)
    );
    assert_eq!(outcome.token_type.as_deref(), Some("Bearer"));
    assert_eq!(outcome.expires_in, Some(3600));

    // The refresh token is in the session vault, and the outcome says so.
    assert_eq!(h.stored_refresh_token(), Some(p.refresh_token(1)));
    let rt = &outcome.refresh_token;
    assert!(rt.received && rt.stored, "{rt:?}");
    assert!(
        matches!(rt.location, VaultLocation::SessionOnly { .. }),
        "{rt:?}"
    );
    assert!(
        rt.note.contains("kept for this session only"),
        "{}",
        rt.note
    );

    // What the provider saw: a PKCE S256 request to our loopback redirect, redeemed once with a
    // verifier that hashes to the challenge (the fake token endpoint checks that, like B2C).
    let auth = p.last_authorize();
    assert_eq!(auth["code_challenge_method"], "S256");
    assert_eq!(auth["response_type"], "code");
    assert_eq!(auth["max_age"], "3600");
    assert!(auth["scope"].split(' ').any(|s| s == "openid"), "{auth:?}");
    let redirect_uri = outcome.redirect_uri.clone().expect("redirect URI reported");
    assert_eq!(auth["redirect_uri"], redirect_uri);
    assert!(
        redirect_uri.starts_with("http://127.0.0.1:"),
        "{redirect_uri}"
    );
    let requests = p.token_requests();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0]["grant_type"], "authorization_code");
    assert_eq!(requests[0]["code"], p.code());
    assert_eq!(requests[0]["redirect_uri"], redirect_uri);
    assert_eq!(requests[0]["code_verifier"].len(), 43);

    // The steps, in order.
    let kinds: Vec<&str> = steps
        .all()
        .iter()
        .map(|s| match s {
            Progress::MetadataFetched { .. } => "metadata",
            Progress::BrowserOpened { .. } => "browser",
            Progress::WaitingForRedirect { .. } => "waiting",
            Progress::CodeReceived => "code",
            Progress::TokensExchanged => "tokens",
            Progress::Validated { passed: true } => "valid",
            Progress::Validated { passed: false } => "invalid",
        })
        .collect();
    assert_eq!(
        kinds,
        ["metadata", "browser", "waiting", "code", "tokens", "valid"]
    );
    assert_eq!(steps.redirect_uri(), Some(redirect_uri));

    // The profile remembers who signed in.
    let state = h.engine.profiles().state(&h.profile.name).unwrap();
    assert_eq!(state.last_identity.unwrap().sub, SUBJECT);

    // A second sign-in fetches neither metadata nor keys again.
    h.sign_in_ok().await;
    assert_eq!(p.hits(METADATA_PATH), 1);
    assert_eq!(p.hits(JWKS_PATH), 1);
    assert_eq!(p.hits(TOKEN_PATH), 2);
    assert_eq!(h.stored_refresh_token(), Some(p.refresh_token(2)));
}

// ---------------------------------------------------------------------------------------------
// 2. Every validation check fails when it should
// ---------------------------------------------------------------------------------------------

/// One wrong thing in the ID token (or around it) and the check that must catch it.
struct Case {
    name: &'static str,
    /// The check that must fail...
    check: &'static str,
    /// ...saying this.
    detail: &'static str,
    /// Checks that fail as a consequence (no signature check without a usable alg or key).
    also_fails: &'static [&'static str],
    /// How the JWKS must have been fetched, when that matters.
    jwks_fetches: Option<usize>,
    setup: fn(&mut Harness),
    token: TokenFn,
}

fn case(name: &'static str, check: &'static str, detail: &'static str, token: TokenFn) -> Case {
    Case {
        name,
        check,
        detail,
        also_fails: &[],
        jwks_fetches: None,
        setup: |_| {},
        token,
    }
}

fn remove(claims: &mut serde_json::Value, name: &str) {
    claims.as_object_mut().unwrap().remove(name);
}

fn validation_cases() -> Vec<Case> {
    vec![
        case(
            "iss of another issuer",
            "iss",
            "https://evil.example/ is not the metadata's issuer",
            issue(|_, c| c["iss"] = json!("https://evil.example/")),
        ),
        case(
            "aud without the client",
            "aud",
            "does not contain the client ID",
            issue(|_, c| c["aud"] = json!("some-other-app")),
        ),
        case(
            "an extra, untrusted aud",
            "aud",
            "untrusted audiences [\"api://someone-else\"]",
            issue(|_, c| {
                c["aud"] = json!([CLIENT_ID, "api://someone-else"]);
                c["azp"] = json!(CLIENT_ID);
            }),
        ),
        case(
            "azp of another client",
            "azp",
            "azp other-client is not the client ID",
            issue(|_, c| c["azp"] = json!("other-client")),
        ),
        case(
            "expired an hour ago",
            "exp",
            "expired",
            issue(|_, c| c["exp"] = json!(now() - 3600)),
        ),
        case(
            "nbf an hour ahead",
            "nbf",
            "not valid before",
            issue(|_, c| c["nbf"] = json!(now() + 3600)),
        ),
        case(
            "iat an hour ahead",
            "iat",
            "issued in the future",
            issue(|_, c| c["iat"] = json!(now() + 3600)),
        ),
        case(
            "nonce of another sign-in",
            "nonce",
            "differs from the nonce sent",
            issue(|_, c| c["nonce"] = json!("a-replayed-nonce")),
        ),
        case(
            "nonce missing",
            "nonce",
            "a nonce was sent but the token has none",
            issue(|_, c| remove(c, "nonce")),
        ),
        case(
            "at_hash of another access token",
            "at_hash",
            "does not match the access token",
            issue(|_, c| {
                c["at_hash"] = json!(tokenscope_core::validate::at_hash("RS256", "another-at"))
            }),
        ),
        Case {
            also_fails: &["signature"],
            ..case(
                "alg none",
                "alg",
                "alg is `none`",
                // No at_hash: none defines no hash, and one wrong thing per case.
                issue_signed(unsigned, |_, c| remove(c, "at_hash")),
            )
        },
        Case {
            also_fails: &["signature"],
            ..case(
                "HS256 (HMAC with a shared secret)",
                "alg",
                "alg is HS256, an HMAC",
                issue_signed(
                    |c| testkit::sign_raw(&json!({"alg": "HS256", "kid": "rsa1"}), c, "rsa1"),
                    |_, _| {},
                ),
            )
        },
        Case {
            also_fails: &["signature"],
            setup: |h| {
                h.provider.configure(|c| {
                    c.metadata["id_token_signing_alg_values_supported"] = json!(["RS256"])
                })
            },
            ..case(
                "ES256, which the provider does not announce",
                "alg",
                "alg is ES256 but the provider announces only RS256",
                issue_signed(|c| testkit::sign("ES256", c), |_, _| {}),
            )
        },
        Case {
            also_fails: &["signature"],
            jwks_fetches: Some(2),
            setup: |h| {
                h.provider
                    .configure(|c| c.jwks = vec![testkit::jwks_of(&["rsa2", "ec256"])])
            },
            ..case(
                "kid unknown even after fetching the keys again",
                "kid",
                "kid rsa1 is unknown",
                issue(|_, _| {}),
            )
        },
        case(
            "signed by another key than its kid names",
            "signature",
            "signature does not match key rsa1",
            issue_signed(
                |c| testkit::sign_raw(&json!({"alg": "RS256", "kid": "rsa1"}), c, "rsa2"),
                |_, _| {},
            ),
        ),
        Case {
            setup: |h| h.profile.params.max_age = Some(600),
            ..case(
                "max_age sent, auth_time missing",
                "auth_time",
                "max_age was sent, so auth_time is required, but it is missing",
                issue(|_, c| remove(c, "auth_time")),
            )
        },
        Case {
            setup: |h| h.profile.params.max_age = Some(600),
            ..case(
                "max_age sent, auth_time older",
                "auth_time",
                "older than max_age 600 s",
                issue(|_, c| c["auth_time"] = json!(now() - 7200)),
            )
        },
    ]
}

/// Runs one case through a full sign-in; describes everything that was not as it should be.
async fn run_case(case: Case) -> Result<(), String> {
    let mut h = Harness::new().await;
    (case.setup)(&mut h);
    h.provider.set_token(case.token.clone());
    let outcome = h
        .sign_in()
        .await
        .map_err(|e| format!("{}: the sign-in ended in an error: {e} ({e:?})", case.name))?;
    let report = &outcome.report;
    let mut problems = Vec::new();
    match report.get(case.check) {
        None => problems.push(format!("no `{}` check was made", case.check)),
        Some(c) if c.ok => problems.push(format!("`{}` passed: {}", case.check, c.detail)),
        Some(c) if !c.detail.contains(case.detail) => problems.push(format!(
            "`{}` failed, but says {:?} instead of {:?}",
            case.check, c.detail, case.detail
        )),
        Some(_) => {}
    }
    for c in report.failures() {
        if c.name != case.check && !case.also_fails.contains(&c.name.as_str()) {
            problems.push(format!("`{}` failed too: {}", c.name, c.detail));
        }
    }
    if outcome.passed() {
        problems.push("the outcome counts as passed".into());
    }
    if outcome.id_token.is_none() {
        problems.push("the failing ID token is not shown".into());
    }
    let rt = &outcome.refresh_token;
    if !rt.received || rt.stored || !rt.note.contains("failed validation") {
        problems.push(format!("refresh token status: {rt:?}"));
    }
    if let Some(stored) = h.stored_refresh_token() {
        problems.push(format!(
            "a refresh token was stored: {} bytes",
            stored.len()
        ));
    }
    if let Some(want) = case.jwks_fetches {
        let hits = h.provider.hits(JWKS_PATH);
        let counted = h.engine.jwks_fetch_count(&h.profile.authority).await;
        if hits != want || counted != want {
            problems.push(format!(
                "JWKS fetched {hits} times (engine counted {counted}), expected {want}"
            ));
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        let checks: Vec<String> = report
            .checks
            .iter()
            .map(|c| {
                format!(
                    "[{}] {}: {}",
                    if c.ok { "ok" } else { "FAIL" },
                    c.name,
                    c.detail
                )
            })
            .collect();
        Err(format!(
            "{}:\n    {}\n  checks:\n    {}",
            case.name,
            problems.join("\n    "),
            checks.join("\n    ")
        ))
    }
}

/// Runs every item at once and fails with all the items that went wrong, not just the first.
async fn run_in_parallel<T, F, Fut>(what: &str, items: Vec<T>, run: F)
where
    F: Fn(T) -> Fut,
    Fut: std::future::Future<Output = Result<(), String>> + Send + 'static,
{
    let count = items.len();
    let tasks: Vec<_> = items.into_iter().map(|i| tokio::spawn(run(i))).collect();
    let mut failures = Vec::new();
    for task in tasks {
        if let Err(e) = task.await.expect("test task") {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {count} {what} went wrong:\n\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_validation_check_fails_the_sign_in_shows_the_token_and_stores_nothing() {
    run_in_parallel("cases", validation_cases(), run_case).await;
}

#[tokio::test]
async fn key_rotation_refetches_the_keys_once_and_passes() {
    let h = Harness::new().await;
    // The first key set predates the signing key; the second has it.
    h.provider
        .configure(|c| c.jwks = vec![testkit::jwks_of(&["rsa2"]), testkit::jwks()]);
    let outcome = h.sign_in_ok().await;
    let kid = outcome.report.get("kid").unwrap();
    assert!(kid.detail.contains("kid rsa1 was new"), "{}", kid.detail);
    assert_eq!(h.provider.hits(JWKS_PATH), 2);
    assert_eq!(h.engine.jwks_fetch_count(&h.profile.authority).await, 2);
    assert_eq!(h.stored_refresh_token(), Some(h.provider.refresh_token(1)));
}

// ---------------------------------------------------------------------------------------------
// 3. Loopback rules, end to end
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn stray_requests_wrong_state_foreign_host_and_idle_sockets_do_not_derail_the_sign_in() {
    let mut h = Harness::new().await;
    let log = h.dir.join("statuses");
    // The "browser": asks the provider where to go without following, then sends the listener
    // a favicon request, forged codes without or with a wrong state, a forged error with a wrong
    // state,
    // the real callback with a foreign Host header (DNS rebinding), and finally the real one.
    let script = format!(
        r#"r=$(curl -s -o /dev/null -w "%{{redirect_url}}" "$0"); b=${{r%%\?*}}; l="{log}";
for u in "${{b}}favicon.ico" "${{b}}?code=stolen" "${{b}}?code=stolen&state=wrong" \
 "${{b}}?error=access_denied&state=wrong"; do
curl -s -o /dev/null -w "%{{http_code}}\n" "$u" >> "$l"; done;
curl -s -o /dev/null -w "%{{http_code}}\n" -H "Host: evil.example" "$r" >> "$l";
curl -s -o /dev/null -w "%{{http_code}}\n" "$r" >> "$l""#,
        log = log.display()
    );
    h.profile.browser_command = Some(format!("sh -c '{script}'"));
    // Meanwhile other local sockets connect and say nothing, or half a request.
    let idle = Arc::new(Mutex::new(Vec::new()));
    let held = idle.clone();
    let options = SignInOptions {
        progress: Some(Arc::new(move |p| {
            if let Progress::WaitingForRedirect { redirect_uri } = p {
                let port: u16 = redirect_uri.rsplit(':').next().unwrap().parse().unwrap();
                let quiet = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                let mut half = std::net::TcpStream::connect(("127.0.0.1", port)).unwrap();
                std::io::Write::write_all(&mut half, b"GET / HTTP/1.1\r\nHost: 127.").unwrap();
                held.lock().unwrap().extend([quiet, half]);
            }
        })),
        ..h.options()
    };

    let outcome = h
        .engine
        .sign_in(&h.profile, &options)
        .await
        .expect("sign-in completes");

    assert!(outcome.passed(), "{:#?}", outcome.report);
    assert_eq!(
        idle.lock().unwrap().len(),
        2,
        "the idle sockets were opened"
    );
    assert_eq!(
        h.provider.hits(TOKEN_PATH),
        1,
        "only the real code was redeemed"
    );
    assert_eq!(h.provider.token_requests()[0]["code"], h.provider.code());
    // curl writes its last status after the listener answered; give it a moment.
    let deadline = Instant::now() + Duration::from_secs(5);
    let statuses = loop {
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        if text.lines().count() >= 6 || Instant::now() > deadline {
            break text;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert_eq!(
        statuses.lines().collect::<Vec<_>>(),
        ["404", "400", "400", "400", "400", "200"],
        "favicon 404, missing and wrong states 400, foreign host 400, real callback 200"
    );
}

/// Metadata announcing RFC 9207 and an authorize endpoint adding `iss` to its redirects.
fn announce_iss(h: &Harness, iss: Option<&'static str>, error: bool) {
    h.provider
        .configure(|c| c.metadata["authorization_response_iss_parameter_supported"] = json!(true));
    h.provider.set_authorize(move |a| {
        let issuer = a.issuer.clone();
        let iss = iss.map_or(issuer, str::to_owned);
        let mut pairs: Vec<(&str, &str)> = if error {
            vec![("error", "access_denied")]
        } else {
            vec![("code", a.code.as_str())]
        };
        if !iss.is_empty() {
            pairs.push(("iss", &iss));
        }
        a.redirect(&pairs)
    });
}

#[tokio::test]
async fn rfc9207_a_redirect_naming_another_issuer_or_none_is_refused() {
    let h = Harness::new().await;
    for (iss, error, shown) in [
        (
            Some("https://evil.example/"),
            false,
            "https://evil.example/",
        ),
        (Some(""), false, "(none)"),
        // Errors too: a mixed-up provider must not be able to end the sign-in either.
        (Some("https://evil.example/"), true, "https://evil.example/"),
    ] {
        announce_iss(&h, iss, error);
        let e = expect_err(h.sign_in().await, "wrong iss");
        assert!(matches!(e, Error::RedirectRefused(_)), "{e:?}");
        assert_eq!(e.kind(), "redirect_refused");
        let text = e.to_string();
        assert!(
            text.contains(&format!("names the issuer {shown}")),
            "{text}"
        );
        assert!(text.contains(&h.provider.issuer()), "{text}");
        assert!(text.contains("RFC 9207"), "{text}");
    }
    assert_eq!(
        h.provider.hits(TOKEN_PATH),
        0,
        "no refused code was redeemed"
    );
}

#[tokio::test]
async fn rfc9207_a_redirect_naming_the_right_issuer_passes() {
    let h = Harness::new().await;
    announce_iss(&h, None, false);
    h.sign_in_ok().await;
    assert_eq!(h.stored_refresh_token(), Some(h.provider.refresh_token(1)));
}

#[tokio::test]
async fn provider_error_redirect_becomes_a_provider_error_with_the_b2c_details() {
    let h = Harness::new().await;
    h.provider.set_authorize(|a| {
        a.redirect(&[
            ("error", "access_denied"),
            (
                "error_description",
                "AADB2C90091: The user has cancelled entering self-asserted information.\r\n\
                 Correlation ID: 2f4c9e0a-7b1d-4c55-9a0e-3d1f2a6b8c01\r\n\
                 Timestamp: 2026-03-01 10:11:12Z\r\n",
            ),
        ])
    });
    let e = expect_err(h.sign_in().await, "cancelled at the provider");
    let Error::Provider(p) = &e else {
        panic!("a provider error: {e:?}")
    };
    assert_eq!(p.origin, ErrorOrigin::Authorization);
    assert_eq!(p.error, "access_denied");
    assert_eq!(p.code.as_deref(), Some("AADB2C90091"));
    assert_eq!(
        p.message.as_deref(),
        Some("The user has cancelled entering self-asserted information.")
    );
    assert_eq!(
        p.correlation_id.as_deref(),
        Some("2f4c9e0a-7b1d-4c55-9a0e-3d1f2a6b8c01")
    );
    assert_eq!(p.timestamp.as_deref(), Some("2026-03-01 10:11:12Z"));
    let text = e.to_string();
    assert!(text.contains("access_denied (AADB2C90091)"), "{text}");
    assert!(text.contains("Correlation ID 2f4c9e0a"), "{text}");
    assert_eq!(h.provider.hits(TOKEN_PATH), 0);
}

#[tokio::test]
async fn provider_error_text_reaches_the_browser_page_escaped() {
    let mut h = Harness::new().await;
    let page = h.dir.join("page.html");
    h.profile.browser_command = Some(format!(
        "sh -c 'curl -s -L --max-time 10 -o \"{}.part\" \"$0\" && mv \"{0}.part\" \"{0}\"'",
        page.display()
    ));
    h.provider.set_authorize(|a| {
        a.redirect(&[
            ("error", "server_error"),
            (
                "error_description",
                "<script>alert(\"owned\")</script><img src=x onerror=alert(1)>",
            ),
        ])
    });
    let e = expect_err(h.sign_in().await, "error with markup");
    let Error::Provider(p) = &e else {
        panic!("a provider error: {e:?}")
    };
    assert_eq!(p.error, "server_error");
    let deadline = Instant::now() + Duration::from_secs(5);
    while !page.exists() && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let html = std::fs::read_to_string(&page).expect("the browser got a page");
    assert!(
        !html.contains("<script>") && !html.contains("<img"),
        "{html}"
    );
    assert!(
        html.contains("&lt;script&gt;alert(&quot;owned&quot;)&lt;/script&gt;"),
        "{html}"
    );
}

#[tokio::test]
async fn no_redirect_within_the_timeout_is_a_timeout_naming_the_redirect_uri() {
    let mut h = Harness::new().await;
    // A browser that opens nothing (it only leaves a mark that it was run).
    let marker = h.marker_browser();
    let steps = Steps::default();
    let record = steps.clone();
    let options = SignInOptions {
        timeout: Duration::from_secs(1),
        progress: Some(Arc::new(move |p| record.0.lock().unwrap().push(p))),
        ..h.options()
    };
    let started = Instant::now();
    let e = expect_err(h.engine.sign_in(&h.profile, &options).await, "timeout");
    assert!(started.elapsed() < PROMPT, "{:?}", started.elapsed());
    assert!(matches!(e, Error::Timeout(_)), "{e:?}");
    let redirect_uri = steps
        .redirect_uri()
        .expect("the engine said where it waited");
    let text = e.to_string();
    assert!(
        text.contains(&format!(
            "no redirect came back to {redirect_uri} within 1 s"
        )),
        "{text}"
    );
    assert!(marker.exists(), "the browser command was run");
    assert_eq!(h.provider.hits(AUTHORIZE_PATH), 0);
}

#[tokio::test]
async fn cancelling_ends_the_wait_with_cancelled() {
    let mut h = Harness::new().await;
    h.profile.browser_command = Some("true".into());
    let options = h.options();
    let cancel = options.cancel.clone();
    let options = SignInOptions {
        // The user presses Cancel as soon as the engine waits.
        progress: Some(Arc::new(move |p| {
            if matches!(p, Progress::WaitingForRedirect { .. }) {
                cancel.cancel();
            }
        })),
        ..options
    };
    let started = Instant::now();
    let e = expect_err(h.engine.sign_in(&h.profile, &options).await, "cancel");
    assert!(matches!(e, Error::Cancelled), "{e:?}");
    assert_eq!(e.to_string(), "sign-in cancelled");
    assert!(started.elapsed() < PROMPT);
}

#[tokio::test]
async fn a_fixed_redirect_port_already_in_use_is_a_listener_error() {
    let mut h = Harness::new().await;
    let squatter = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = squatter.local_addr().unwrap().port();
    h.profile.redirect = RedirectConfig::parse(&format!("http://127.0.0.1:{port}")).unwrap();
    let marker = h.marker_browser();
    let e = expect_err(h.sign_in().await, "port in use");
    assert!(matches!(e, Error::Listener(_)), "{e:?}");
    let text = e.to_string();
    assert!(
        text.contains(&format!("port {port} on 127.0.0.1 is already in use")),
        "{text}"
    );
    assert!(!marker.exists(), "the browser was not opened");
    drop(squatter);
}

// ---------------------------------------------------------------------------------------------
// 4. Token endpoint and metadata faults end in clear errors, promptly
// ---------------------------------------------------------------------------------------------

struct Fault {
    name: &'static str,
    token: TokenFn,
    kind: &'static str,
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
            kind: "http_status",
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
            kind: "invalid_response",
            message: "expected JSON",
            body: Some("\"token_type\": \"Bearer\""),
        },
        Fault {
            name: "302 to somewhere else",
            token: Arc::new(|ex: &Exchange| Reply::Redirect(format!("{}elsewhere", ex.issuer))),
            kind: "http_status",
            message: "elsewhere; Tokenscope never follows redirects",
            body: None,
        },
        Fault {
            name: "an endless chunked body",
            token: answer(Reply::Endless),
            kind: "invalid_response",
            message: "the body is larger than the 1048576-byte limit",
            body: None,
        },
        Fault {
            name: "a 10 GiB Content-Length",
            token: answer(Reply::HugeLength),
            kind: "invalid_response",
            message: "the body is larger than the 1048576-byte limit",
            body: None,
        },
        Fault {
            name: "a stall (request read, never answered)",
            token: answer(Reply::Stall),
            kind: "timeout",
            message: "gave no answer within 2s",
            body: None,
        },
        Fault {
            name: "a connection reset",
            token: answer(Reply::Reset),
            kind: "network",
            message: "network error talking to",
            body: None,
        },
        Fault {
            name: "an OAuth error object",
            token: answer(Reply::oauth_error(
                "invalid_grant",
                "AADB2C90090: The provided JWE is not a valid 5 segment token.",
            )),
            kind: "provider",
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
            if !e.to_string().contains(&h.provider.url(TOKEN_PATH)) && fault.kind != "provider" {
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
    let cases: [(&str, Setup, &str, &str); 3] = [
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
            "invalid_response",
            "expected JSON, got an HTML page",
        ),
        (
            "an authorization_endpoint on plain http elsewhere",
            |p| {
                p.configure(|c| {
                    c.metadata["authorization_endpoint"] = json!("http://evil.example/authorize")
                })
            },
            "metadata",
            "`authorization_endpoint` is http://evil.example/authorize: only https is allowed",
        ),
        (
            "metadata without jwks_uri",
            |p| p.configure(|c| remove(&mut c.metadata, "jwks_uri")),
            "invalid_response",
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

// ---------------------------------------------------------------------------------------------
// 5. Refresh
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn refresh_redeems_the_stored_token_and_keeps_the_rotated_one() {
    let h = Harness::new().await;
    h.sign_in_ok().await;
    let p = &h.provider;
    assert_eq!(h.stored_refresh_token(), Some(p.refresh_token(1)));

    let outcome = h
        .engine
        .refresh(&h.profile, None)
        .await
        .expect("refresh completes");

    assert!(outcome.passed(), "{:#?}", outcome.report);
    let request = &p.token_requests()[1];
    assert_eq!(request["grant_type"], "refresh_token");
    assert_eq!(request["refresh_token"], p.refresh_token(1));
    assert_eq!(request["client_id"], CLIENT_ID);
    assert_eq!(request["scope"], "openid offline_access");
    assert!(outcome.refresh_token.received && outcome.refresh_token.stored);
    assert_eq!(h.stored_refresh_token(), Some(p.refresh_token(2)));
    assert_eq!(
        outcome.access_token.as_ref().unwrap().raw.expose(),
        p.access_token(2)
    );
    let same = outcome
        .report
        .get("same_subject")
        .expect("continuity checked");
    assert!(same.ok, "{same:?}");
    assert!(outcome
        .report
        .get("nonce")
        .unwrap()
        .detail
        .contains("not checked on a refresh"));
}

#[tokio::test]
async fn refresh_refused_with_invalid_grant_deletes_the_token_and_asks_for_a_sign_in() {
    let h = Harness::new().await;
    h.sign_in_ok().await;
    h.provider.set_token(answer(Reply::oauth_error(
        "invalid_grant",
        "AADB2C90080: The provided grant has expired. Please re-authenticate and try again.\r\n\
         Correlation ID: 0b5a7a5c-0000-4f6e-9a55-d7b3c1a2e001\r\nTimestamp: 2026-03-01 10:11:12Z",
    )));

    let e = expect_err(h.engine.refresh(&h.profile, None).await, "invalid_grant");
    assert!(matches!(e, Error::SignInRequired(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("The provided grant has expired"), "{text}");
    assert!(text.contains("it was deleted, sign in again"), "{text}");
    assert_eq!(h.stored_refresh_token(), None);

    // Nothing left to redeem: the next refresh does not even ask the provider.
    let e = expect_err(h.engine.refresh(&h.profile, None).await, "nothing stored");
    assert!(matches!(e, Error::SignInRequired(_)), "{e:?}");
    assert!(e.to_string().contains("no refresh token is stored"), "{e}");
    assert_eq!(h.provider.hits(TOKEN_PATH), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_refreshes_of_one_profile_redeem_the_token_once() {
    let h = Harness::new().await;
    h.sign_in_ok().await;
    // A slow token endpoint, so the two refreshes surely overlap.
    let good = issue(|_, _| {});
    h.provider.set_token(Arc::new(move |ex: &Exchange| {
        Reply::Delay(Duration::from_millis(300), Box::new(good(ex)))
    }));

    let (a, b) = tokio::join!(
        h.engine.refresh(&h.profile, None),
        h.engine.refresh(&h.profile, None)
    );

    let (a, b) = (a.expect("first refresh"), b.expect("second refresh"));
    assert!(a.passed() && b.passed());
    let refreshes = h.provider.token_requests().len() - 1;
    assert_eq!(refreshes, 1, "one redemption for both callers");
    let p = &h.provider;
    assert_eq!(
        a.access_token.as_ref().unwrap().raw.expose(),
        p.access_token(2)
    );
    assert_eq!(
        b.access_token.as_ref().unwrap().raw.expose(),
        p.access_token(2)
    );
    assert_eq!(h.stored_refresh_token(), Some(p.refresh_token(2)));

    // A later refresh is a new redemption, of the rotated token.
    h.engine
        .refresh(&h.profile, None)
        .await
        .expect("third refresh");
    let requests = p.token_requests();
    assert_eq!(requests.len(), 3);
    assert_eq!(requests[2]["refresh_token"], p.refresh_token(2));
    assert_eq!(h.stored_refresh_token(), Some(p.refresh_token(3)));
}

#[tokio::test]
async fn a_refreshed_id_token_about_another_user_fails_same_subject() {
    let h = Harness::new().await;
    h.sign_in_ok().await;
    h.provider
        .set_token(issue(|_, c| c["sub"] = json!("user-mallory")));

    let outcome = h
        .engine
        .refresh(&h.profile, None)
        .await
        .expect("refresh completes");

    assert!(!outcome.passed());
    let same = outcome
        .report
        .get("same_subject")
        .expect("continuity checked");
    assert!(!same.ok);
    assert!(
        same.detail
            .contains(&format!("is about user-mallory at {}", h.provider.issuer())),
        "{}",
        same.detail
    );
    assert!(
        same.detail.contains(&format!("not {SUBJECT}")),
        "{}",
        same.detail
    );
    let failed: Vec<_> = outcome.report.failures().map(|c| c.name.as_str()).collect();
    assert_eq!(failed, ["same_subject"]);
    assert!(!outcome.refresh_token.stored, "{:?}", outcome.refresh_token);
    // The other user's refresh token was not stored over the first one's.
    assert_eq!(h.stored_refresh_token(), Some(h.provider.refresh_token(1)));
    let state = h.engine.profiles().state(&h.profile.name).unwrap();
    assert_eq!(state.last_identity.unwrap().sub, SUBJECT);
}

// ---------------------------------------------------------------------------------------------
// 6. Secrets stay out of debug output
// ---------------------------------------------------------------------------------------------

fn assert_no_secrets(what: &str, debug: &str, secrets: &[(&str, &str)]) {
    for (name, value) in secrets {
        assert!(!value.is_empty(), "{what}: the {name} is known");
        assert!(!debug.contains(value), "{what} shows the {name}: {debug}");
    }
}

#[tokio::test]
async fn debug_output_of_outcomes_and_errors_never_shows_codes_verifiers_or_tokens() {
    let h = Harness::new().await;
    let p = &h.provider;
    let outcome = h.sign_in_ok().await;
    let verifier = p.token_requests()[0]["code_verifier"].clone();
    let (code, at, rt) = (p.code(), p.access_token(1), p.refresh_token(1));
    let secrets = [
        ("code", code.as_str()),
        ("verifier", verifier.as_str()),
        ("access token", at.as_str()),
        ("refresh token", rt.as_str()),
    ];
    assert_no_secrets("the outcome", &format!("{outcome:?}"), &secrets);
    assert_no_secrets("the outcome", &format!("{outcome:#?}"), &secrets);

    // The refresh outcome.
    let refreshed = h.engine.refresh(&h.profile, None).await.expect("refresh");
    let rt2 = p.refresh_token(2);
    let at2 = p.access_token(2);
    let more = [
        ("access token", at2.as_str()),
        ("refresh token", rt2.as_str()),
    ];
    assert_no_secrets("the refresh outcome", &format!("{refreshed:?}"), &secrets);
    assert_no_secrets("the refresh outcome", &format!("{refreshed:?}"), &more);

    // Faults while the code, the verifier or the refresh token were in flight, including
    // providers that echo the request or send tokens in a broken response.
    let echo = |ex: &Exchange| {
        let form: Vec<String> = ex.form.iter().map(|(k, v)| format!("{k}={v}")).collect();
        format!(
            "<html><body><h1>Server Error</h1><pre>{}</pre></body></html>",
            form.join("&")
        )
    };
    let faults: Vec<(&str, TokenFn)> = vec![
        (
            "a 500 page echoing the request",
            Arc::new(move |ex: &Exchange| Reply::html(500, &echo(ex))),
        ),
        (
            "a truncated token response",
            Arc::new(|ex: &Exchange| Reply::Raw {
                status: 200,
                content_type: "application/json",
                body: format!(
                    "{{\"access_token\":\"{}\",\"refresh_token\":\"{}\",\"id_token\":",
                    ex.access_token(),
                    ex.refresh_token()
                )
                .into_bytes(),
            }),
        ),
        (
            "an error quoting the grant",
            Arc::new(|ex: &Exchange| {
                let grant = [ex.field("code"), ex.field("refresh_token")].concat();
                Reply::oauth_error("invalid_request", &format!("grant {grant} is malformed"))
            }),
        ),
        ("a connection reset", answer(Reply::Reset)),
    ];
    for (name, token) in faults {
        p.set_token(token);
        let sent_before = p.token_requests().len();
        let e = expect_err(h.sign_in().await, name);
        let call = sent_before + 1;
        let verifier = p.token_requests()[sent_before]["code_verifier"].clone();
        let (at, rt) = (p.access_token(call), p.refresh_token(call));
        let secrets = [
            ("code", code.as_str()),
            ("verifier", verifier.as_str()),
            ("access token sent back", at.as_str()),
            ("refresh token sent back", rt.as_str()),
        ];
        assert_no_secrets(
            &format!("the error for {name}"),
            &format!("{e:?}"),
            &secrets,
        );
        assert_no_secrets(&format!("the error for {name}"), &e.to_string(), &secrets);

        // The same fault while redeeming the stored refresh token.
        let stored = h.stored_refresh_token().expect("a refresh token is stored");
        let e = expect_err(h.engine.refresh(&h.profile, None).await, name);
        let call = call + 1;
        let (at, rt) = (p.access_token(call), p.refresh_token(call));
        let secrets = [
            ("stored refresh token", stored.as_str()),
            ("access token sent back", at.as_str()),
            ("refresh token sent back", rt.as_str()),
        ];
        assert_no_secrets(
            &format!("the refresh error for {name}"),
            &format!("{e:?}"),
            &secrets,
        );
    }
}
