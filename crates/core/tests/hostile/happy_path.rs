//! Hostile provider, 1: the happy path.

use super::*;

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
    let made: Vec<CheckId> = outcome.report.checks.iter().map(|c| c.name).collect();
    // Every check but those made only in other cases (testkit::NOT_IN_A_GOOD_SIGN_IN).
    for id in testkit::checks_of_a_good_sign_in() {
        assert!(made.contains(&id), "check {id} was made: {made:?}");
    }
    assert_eq!(outcome.report.warnings, [], "nothing odd in a good answer");
    let detail = |name: CheckId| outcome.report.get(name).unwrap().detail.clone();
    assert!(
        detail(CheckId::Signature).contains("valid RS256 signature by key rsa1"),
        "{}",
        detail(CheckId::Signature)
    );
    assert!(
        detail(CheckId::Nonce).contains("matches the nonce sent"),
        "{}",
        detail(CheckId::Nonce)
    );
    assert!(
        detail(CheckId::AtHash).contains("matches the access token"),
        "{}",
        detail(CheckId::AtHash)
    );
    assert!(
        detail(CheckId::AuthTime).contains("within max_age 3600 s"),
        "{}",
        detail(CheckId::AuthTime)
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
