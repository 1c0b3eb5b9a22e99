//! Hostile provider, 2: every validation check fails when it should.

use super::*;

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
