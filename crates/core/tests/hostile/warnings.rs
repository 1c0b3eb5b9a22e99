//! Hostile provider, 7 and 8: odd answers that are warnings, not failures; keys published for
//! HMAC; secrets echoed back; sign-ins that never come back.

use super::*;

// ---------------------------------------------------------------------------------------------
// 7. Odd but not fatal: warnings, not failures
// ---------------------------------------------------------------------------------------------

/// The well-behaved token endpoint, with its JSON answer edited by `edit`.
fn issue_response(edit: impl Fn(&mut serde_json::Value) + Send + Sync + 'static) -> TokenFn {
    Arc::new(move |ex: &Exchange| {
        if let Some(problem) = ex.grant_problem() {
            return Reply::oauth_error("invalid_grant", &problem);
        }
        let mut response = ex.token_response(&testkit::sign("RS256", &ex.claims()));
        edit(&mut response);
        Reply::Json(200, response)
    })
}

#[tokio::test]
async fn an_empty_or_absent_scope_is_a_warning_and_the_sign_in_counts() {
    for (what, token, says) in [
        (
            "scope \"\"",
            issue_response(|r| r["scope"] = json!("")),
            "the token response's scope is empty",
        ),
        (
            "no scope",
            issue_response(|r| {
                r.as_object_mut().unwrap().remove("scope");
            }),
            "names no scope",
        ),
    ] {
        let h = Harness::new().await;
        h.provider.set_token(token);
        let outcome = h
            .sign_in()
            .await
            .unwrap_or_else(|e| panic!("{what}: the sign-in failed: {e}"));
        assert!(outcome.passed(), "{what}: {:#?}", outcome.report);
        let warning = outcome
            .report
            .warning(CheckId::Scope)
            .expect("a scope warning");
        assert!(warning.detail.contains(says), "{what}: {}", warning.detail);
        assert_eq!(outcome.scope, None, "{what}");
        assert_eq!(
            h.stored_refresh_token(),
            Some(h.provider.refresh_token(1)),
            "{what}: the refresh token is kept"
        );
        // A refresh answered the same way warns the same way and counts too.
        let refreshed = h.engine.refresh(&h.profile, None).await.expect(what);
        assert!(refreshed.passed(), "{what}: {:#?}", refreshed.report);
        assert!(refreshed.report.warning(CheckId::Scope).is_some(), "{what}");
    }
}

#[tokio::test]
async fn an_auth_time_of_1970_or_years_before_iat_is_a_warning() {
    for (what, auth_time, says) in [
        ("auth_time 0", 0, "auth_time is 0 (1970-01-01 00:00:00 UTC)"),
        (
            "auth_time three years before iat",
            now() - 3 * 365 * 86_400,
            "before the token was issued",
        ),
    ] {
        let h = Harness::new().await;
        h.provider
            .set_token(issue(move |_, c| c["auth_time"] = json!(auth_time)));
        let outcome = h.sign_in().await.expect(what);
        assert!(outcome.passed(), "{what}: {:#?}", outcome.report);
        let warning = outcome
            .report
            .warning(CheckId::AuthTime)
            .unwrap_or_else(|| panic!("{what}: no warning in {:#?}", outcome.report));
        assert!(warning.detail.contains(says), "{what}: {}", warning.detail);
    }
    // A recent sign-in, and one 60 days old (a long session), are not odd.
    for age in [60, 60 * 86_400] {
        let h = Harness::new().await;
        h.provider
            .set_token(issue(move |_, c| c["auth_time"] = json!(now() - age)));
        let outcome = h.sign_in_ok().await;
        assert_eq!(outcome.report.warnings, [], "auth_time {age} s ago");
    }
}

// ---------------------------------------------------------------------------------------------
// 8. Keys published for HMAC, secrets echoed back, sign-ins that never come back
// ---------------------------------------------------------------------------------------------

/// An HMAC secret, as an `oct` JWK.
const HMAC_SECRET: &[u8] = b"a-shared-secret-of-32-bytes-long";

fn oct_jwk(kid: &str) -> serde_json::Value {
    json!({"kty": "oct", "kid": kid, "alg": "HS256", "use": "sig",
           "k": tokenscope_core::jose::jwt::b64_encode(HMAC_SECRET)})
}

fn hs256(claims: &serde_json::Value, kid: &str) -> String {
    let mut header = jsonwebtoken::Header::new(jsonwebtoken::Algorithm::HS256);
    header.kid = Some(kid.into());
    jsonwebtoken::encode(
        &header,
        claims,
        &jsonwebtoken::EncodingKey::from_secret(HMAC_SECRET),
    )
    .unwrap()
}

#[tokio::test]
async fn an_hmac_key_in_the_published_jwks_is_refused_only_a_given_one_verifies() {
    use tokenscope_core::inspect::verify::{verify, KeySource};
    use tokenscope_core::inspect::{inspect_token, InspectOptions};
    use tokenscope_core::oidc::metadata::Jwks;
    use tokenscope_core::oidc::netguard::{discovery_client, NetworkPolicy};

    let provider = FakeProvider::start().await;
    let mut published = testkit::jwks();
    published.keys.push(oct_jwk("hmac1"));
    provider.configure(|c| c.jwks = vec![published]);
    let now = chrono::Utc::now();
    let claims = json!({"iss": provider.issuer(), "sub": SUBJECT, "aud": CLIENT_ID,
                        "iat": now.timestamp(), "exp": now.timestamp() + 600});
    let token = inspect_token("token", &hs256(&claims, "hmac1"), &InspectOptions::at(now));
    let http: Arc<dyn tokenscope_core::http::HttpClient> =
        Arc::new(discovery_client(NetworkPolicy::PUBLIC).unwrap());

    let v = verify(
        &token,
        &KeySource::Discover(NetworkPolicy::PUBLIC),
        http.clone(),
        now,
        Duration::from_secs(300),
    )
    .await;
    assert!(!v.signature_valid && !v.passed, "{v:#?}");
    let alg = v.checks.iter().find(|c| c.name == CheckId::Alg).unwrap();
    assert!(!alg.ok, "{alg:?}");
    assert!(
        alg.detail
            .contains("A published key set never supplies a symmetric key"),
        "{}",
        alg.detail
    );
    assert!(
        alg.detail.contains(&provider.url(JWKS_PATH)),
        "{}",
        alg.detail
    );
    assert!(
        v.summary
            .contains("a published JWKS never holds the secret"),
        "{}",
        v.summary
    );
    let everything = format!("{v:?}");
    assert!(!everything.contains("you gave"), "{everything}");

    // The same secret given by the user verifies the same token: the refusal is about where
    // the key came from, not the token.
    let given = KeySource::Given(
        Jwks {
            keys: vec![oct_jwk("hmac1")],
        },
        "--key secret.jwk".into(),
    );
    let v = verify(&token, &given, http, now, Duration::from_secs(300)).await;
    assert!(v.signature_valid && v.passed, "{v:#?}");
    let alg = v.checks.iter().find(|c| c.name == CheckId::Alg).unwrap();
    assert!(
        alg.detail
            .contains("checked with the shared secret in --key secret.jwk"),
        "{}",
        alg.detail
    );
}

#[tokio::test]
async fn the_sign_in_refuses_an_hs256_id_token_even_with_an_oct_key_published() {
    let h = Harness::new().await;
    let mut published = testkit::jwks();
    published.keys.push(oct_jwk("hmac1"));
    h.provider.configure(|c| {
        c.jwks = vec![published];
        c.metadata["id_token_signing_alg_values_supported"] = json!(["RS256", "HS256"]);
    });
    h.provider
        .set_token(issue_signed(|c| hs256(c, "hmac1"), |_, _| {}));
    let outcome = h.sign_in().await.expect("tokens come back");
    assert!(!outcome.passed());
    let alg = outcome.report.get(CheckId::Alg).unwrap();
    assert!(!alg.ok && alg.detail.contains("HMAC"), "{alg:?}");
    assert_eq!(h.stored_refresh_token(), None);
}

/// Every run of 8 characters of `secret`, for "no part of it leaked" checks.
fn runs_of(secret: &str) -> Vec<String> {
    let chars: Vec<char> = secret.chars().collect();
    chars
        .windows(8)
        .map(|w| w.iter().collect::<String>())
        .collect()
}

#[tokio::test]
async fn secrets_echoed_by_the_provider_are_scrubbed_from_errors_and_the_support_bundle() {
    use base64::Engine as _;
    const SECRET: &str = "Zq8-client-secret-4f2b9c71e0aa";
    let h = Harness::new().await;
    h.provider.configure(|c| {
        c.metadata["token_endpoint_auth_methods_supported"] = json!(["client_secret_basic"])
    });
    // The secret is bound to the saved profile's client and authority: the profile first.
    h.engine.profiles().save(&h.profile).unwrap();
    h.engine
        .set_client_secret(&h.profile.name, &tokenscope_core::Secret::new(SECRET))
        .await
        .unwrap();
    let basic = base64::engine::general_purpose::STANDARD.encode(format!("{CLIENT_ID}:{SECRET}"));
    let faults: Vec<(&str, TokenFn)> = vec![
        (
            "a 500 page echoing the Authorization header",
            Arc::new(|ex: &Exchange| {
                Reply::html(
                    500,
                    &format!(
                        "<html><body><h1>Server Error</h1><pre>POST /token\nAuthorization: {}\n\
                         </pre></body></html>",
                        ex.authorization.clone().unwrap_or_default()
                    ),
                )
            }),
        ),
        (
            "an error quoting part of the secret",
            Arc::new(|ex: &Exchange| {
                let (_, secret) = ex.basic().unwrap_or_default();
                Reply::oauth_error(
                    "invalid_client",
                    &format!("client secret '{}…' has expired", &secret[3..15]),
                )
            }),
        ),
        (
            "an error quoting part of the Basic credentials",
            Arc::new(|ex: &Exchange| {
                let header = ex.authorization.clone().unwrap_or_default();
                let credentials = header.trim_start_matches("Basic ");
                Reply::Json(
                    401,
                    json!({"error": "invalid_client",
                           "error_description": format!("bad credentials …{}…", &credentials[10..30])}),
                )
            }),
        ),
    ];
    let mut forbidden = vec![SECRET.to_owned(), basic.clone()];
    forbidden.extend(runs_of(SECRET));
    forbidden.extend(runs_of(&basic));
    for (name, token) in faults {
        h.provider.set_token(token);
        let e = expect_err(
            h.engine.sign_in_tracked(&h.profile, &h.options()).await,
            name,
        );
        let bundle = h
            .engine
            .support_bundle(&h.profile, "0.0.0")
            .expect("a bundle of the failed sign-in")
            .to_text();
        let shown = [
            e.to_string(),
            format!("{e:?}"),
            e.raw_body().unwrap_or_default().to_owned(),
            bundle.clone(),
        ];
        for text in &shown {
            for secret in &forbidden {
                assert!(
                    !text.contains(secret.as_str()),
                    "{name}: {secret:?} leaked in\n{text}"
                );
            }
        }
        // The rest of the error is still there to read.
        let readable = format!("{} {}", shown[0], shown[2]);
        assert!(
            readable.contains("Server Error")
                || readable.contains("has expired")
                || readable.contains("bad credentials"),
            "{name}: {readable}"
        );
        // Provider errors carry their description into the bundle: scrubbed, not dropped.
        if matches!(e, Error::Provider(_)) {
            assert!(bundle.contains("[redacted]"), "{name}: {bundle}");
        } else {
            assert!(readable.contains("[redacted]"), "{name}: {readable}");
        }
        let sent = h.provider.token_requests().len();
        assert!(sent > 0, "{name}: the token endpoint was reached");
    }
}

#[tokio::test]
async fn a_provider_error_page_instead_of_a_redirect_advises_a_fixed_registered_port() {
    let h = Harness::new().await;
    // Like a provider that matches redirect URIs exactly: the free port is not registered.
    h.provider.set_authorize(|a| {
        Reply::html(
            400,
            &format!(
                "<h1>Invalid parameter: redirect_uri</h1><p>{} is not registered</p>",
                a.param("redirect_uri")
            ),
        )
    });
    let options = SignInOptions {
        timeout: Duration::from_secs(2),
        ..h.options()
    };
    let e = expect_err(h.engine.sign_in(&h.profile, &options).await, "error page");
    assert_eq!(e.kind(), ErrorKind::Timeout, "{e}");
    let text = e.to_string();
    for want in [
        "no redirect came back to http://127.0.0.1:",
        "match redirect URIs exactly",
        "RFC 8252 §7.3",
        "--redirect-uri http://127.0.0.1:8400/callback",
        "the profile's port field",
    ] {
        assert!(text.contains(want), "{want:?} missing in {text}");
    }
    assert_eq!(h.provider.hits(TOKEN_PATH), 0);
}
