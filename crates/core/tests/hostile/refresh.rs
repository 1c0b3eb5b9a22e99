//! Hostile provider, 5: refresh.

use super::*;

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
        .get(CheckId::SameSubject)
        .expect("continuity checked");
    assert!(same.ok, "{same:?}");
    assert!(outcome
        .report
        .get(CheckId::Nonce)
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
        .get(CheckId::SameSubject)
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
    let failed: Vec<_> = outcome.report.failures().map(|c| c.name).collect();
    assert_eq!(failed, [CheckId::SameSubject]);
    assert!(!outcome.refresh_token.stored, "{:?}", outcome.refresh_token);
    // The other user's refresh token was not stored, and the first one's, spent by the
    // rotation, was deleted (tests/refresh.rs).
    assert_eq!(h.stored_refresh_token(), None);
    let state = h.engine.profiles().state(&h.profile.name).unwrap();
    assert_eq!(state.last_identity.unwrap().sub, SUBJECT);
}
