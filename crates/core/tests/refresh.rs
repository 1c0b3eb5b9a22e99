//! Refresh against hand-made providers on 127.0.0.1 (the hostile suite's provider): a token and a
//! client secret never follow a profile to another provider, `invalid_grant` deletes only the
//! token that was redeemed, a response without an ID token is valid (OpenID Connect Core §12.2)
//! and an ID token that comes back is held to §12.2, a rejected response leaves no spent token
//! behind, and a bare 400 is a refused refresh.
//!
//! Run with `cargo test -p tokenscope-core --test refresh`.

#[path = "hostile/util.rs"]
#[allow(dead_code)]
mod util;

use serde_json::json;
use std::sync::Arc;
use tokenscope_core::error::Error;
use tokenscope_core::oidc::request::ClientAuthMethod;
use tokenscope_core::validate::CheckId;
use tokenscope_core::Secret;
use util::*;

fn sign_in_required(
    result: tokenscope_core::Result<tokenscope_core::engine::outcome::Outcome>,
) -> String {
    match result {
        Ok(o) => panic!(
            "expected a refused refresh, got an outcome: {:#?}",
            o.report
        ),
        Err(Error::SignInRequired(m)) => m,
        Err(e) => panic!("expected SignInRequired, got {e:?}"),
    }
}

/// The token endpoint of [`issue`], answering a refresh with `refresh` instead.
fn on_refresh(refresh: impl Fn(&Exchange) -> Reply + Send + Sync + 'static) -> TokenFn {
    let good = issue(|_, _| {});
    Arc::new(move |ex: &Exchange| {
        if ex.grant() == "refresh_token" {
            refresh(ex)
        } else {
            good(ex)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Issue 13, item 1: secrets are bound to the provider and client they were issued for.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_profile_moved_to_another_provider_sends_it_nothing_and_loses_its_token_and_secret() {
    let mut h = Harness::new().await;
    h.profile.client_auth = ClientAuthMethod::ClientSecretPost;
    h.engine.profiles().save(&h.profile).unwrap();
    h.engine
        .set_client_secret(&h.profile.name, &Secret::new("secret-for-provider-a"))
        .await
        .unwrap();
    h.sign_in_ok().await;
    let basic = h.provider.token_requests().len();
    assert_eq!(basic, 1);
    assert!(h.stored_refresh_token().is_some());

    // The same name, another provider (`profiles add P --authority B`, or Save in the desktop).
    let b = FakeProvider::start().await;
    h.profile.authority = b.issuer();
    h.engine.profiles().save(&h.profile).unwrap();

    let message = sign_in_required(h.engine.refresh(&h.profile, None).await);
    assert!(
        message.contains("changed since its refresh token was stored"),
        "{message}"
    );
    assert!(
        message.contains(&format!("authority {}", h.provider.issuer())),
        "{message}"
    );
    assert!(message.contains("nothing was sent"), "{message}");
    assert!(
        message.contains("the token was deleted, sign in again"),
        "{message}"
    );
    assert!(message.contains("client secret"), "{message}");
    assert!(message.contains("enter it again"), "{message}");
    // B saw nothing at all: no metadata fetch, no token request, no Basic header.
    assert_eq!(b.hits(TOKEN_PATH), 0);
    assert_eq!(b.hits(METADATA_PATH), 0);
    assert!(b.token_requests().is_empty());
    // Nothing went to A either.
    assert_eq!(h.provider.token_requests().len(), basic);
    assert_eq!(h.stored_refresh_token(), None);
    assert!(!h.engine.has_client_secret(&h.profile.name).await.unwrap());
}

#[tokio::test]
async fn a_changed_client_id_or_token_endpoint_sends_nothing() {
    // Another client ID at the same provider.
    let mut h = Harness::new().await;
    h.sign_in_ok().await;
    h.profile.client_id = "another-client".into();
    let message = sign_in_required(h.engine.refresh(&h.profile, None).await);
    assert!(
        message.contains(&format!("client ID {CLIENT_ID} (now another-client)")),
        "{message}"
    );
    assert_eq!(h.provider.hits(TOKEN_PATH), 1, "only the sign-in's request");
    assert_eq!(h.stored_refresh_token(), None);

    // The same authority whose metadata now names another token endpoint.
    let h = Harness::new().await;
    h.sign_in_ok().await;
    let b = FakeProvider::start().await;
    let elsewhere = b.url(TOKEN_PATH);
    h.provider
        .configure(|c| c.metadata["token_endpoint"] = json!(elsewhere));
    // A fresh engine (the metadata is cached per process) on the same vault and profiles.
    let engine = tokenscope_core::engine::Engine::new(
        h.engine.http(),
        Arc::new(tokenscope_core::clock::SystemClock),
        h.engine.vault().clone(),
        h.engine.profiles().clone(),
    );
    let message = sign_in_required(engine.refresh(&h.profile, None).await);
    assert!(message.contains(&format!("(now {elsewhere})")), "{message}");
    assert_eq!(b.hits(TOKEN_PATH), 0);
    assert_eq!(h.stored_refresh_token(), None);
}

#[tokio::test]
async fn a_client_secret_set_for_one_provider_is_not_sent_to_another_at_sign_in() {
    let mut h = Harness::new().await;
    h.profile.client_auth = ClientAuthMethod::ClientSecretPost;
    h.engine.profiles().save(&h.profile).unwrap();
    h.engine
        .set_client_secret(&h.profile.name, &Secret::new("secret-for-provider-a"))
        .await
        .unwrap();
    let b = FakeProvider::start().await;
    h.profile.authority = b.issuer();
    let marker = h.marker_browser();
    let e = h.sign_in().await.unwrap_err();
    let text = e.to_string();
    assert!(text.contains("client secret"), "{text}");
    assert!(text.contains("enter it again"), "{text}");
    assert!(!marker.exists(), "the browser was not opened");
    assert_eq!(b.hits(TOKEN_PATH), 0);
}

// ---------------------------------------------------------------------------------------------
// Issue 13, item 2: `invalid_grant` deletes only the token that was redeemed.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn invalid_grant_keeps_a_token_stored_while_the_refused_one_was_in_flight() {
    let h = Harness::new().await;
    h.sign_in_ok().await;
    let account = h.profile.refresh_account();
    // While the provider refuses the old token, another process stores a fresh one.
    let vault = h.engine.vault().clone();
    h.provider.set_token(on_refresh(move |_| {
        vault
            .store(&account, &Secret::new("rt-stored-meanwhile"))
            .unwrap();
        Reply::oauth_error("invalid_grant", "grant request is invalid")
    }));

    let message = sign_in_required(h.engine.refresh(&h.profile, None).await);
    assert!(
        message.contains("a newer one stored meanwhile was kept"),
        "{message}"
    );
    assert_eq!(
        h.stored_refresh_token().as_deref(),
        Some("rt-stored-meanwhile")
    );
}

// ---------------------------------------------------------------------------------------------
// Issue 19, items 1 to 3.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn a_refresh_without_an_id_token_is_valid_and_keeps_the_rotated_token_and_the_identity() {
    let h = Harness::new().await;
    h.sign_in_ok().await;
    h.provider.set_token(on_refresh(|ex| {
        if let Some(problem) = ex.grant_problem() {
            return Reply::oauth_error("invalid_grant", &problem);
        }
        let mut body = ex.token_response("unused");
        body.as_object_mut().unwrap().remove("id_token");
        Reply::Json(200, body)
    }));

    let outcome = h.engine.refresh(&h.profile, None).await.expect("refresh");
    assert!(outcome.passed(), "{:#?}", outcome.report);
    assert!(outcome.id_token.is_none());
    let id = outcome.report.get(CheckId::IdToken).expect("says so");
    assert!(id.ok && id.detail.contains("§12.2"), "{id:?}");
    assert!(
        id.detail.contains(&format!(
            "the session stays {SUBJECT} at {}",
            h.provider.issuer()
        )),
        "{id:?}"
    );
    let names: Vec<CheckId> = outcome.report.checks.iter().map(|c| c.name).collect();
    assert_eq!(
        names,
        [CheckId::IdToken, CheckId::Response, CheckId::AccessToken]
    );
    // The rotated token was stored; a second refresh redeems it.
    assert!(outcome.refresh_token.stored, "{:?}", outcome.refresh_token);
    assert_eq!(h.stored_refresh_token(), Some(h.provider.refresh_token(2)));
    let state = h.engine.profiles().state(&h.profile.name).unwrap();
    assert_eq!(state.last_identity.unwrap().sub, SUBJECT);
    h.engine.refresh(&h.profile, None).await.expect("again");
    assert_eq!(h.stored_refresh_token(), Some(h.provider.refresh_token(3)));
}

#[tokio::test]
async fn a_refreshed_id_token_with_another_auth_time_or_an_older_iat_fails_section_12_2() {
    for (name, edit) in [
        (
            CheckId::SameAuthTime,
            Box::new(|c: &mut serde_json::Value| c["auth_time"] = json!(now() - 5))
                as Box<dyn Fn(&mut serde_json::Value) + Send + Sync>,
        ),
        (
            CheckId::NewIat,
            Box::new(|c: &mut serde_json::Value| c["iat"] = json!(now() - 3000)),
        ),
    ] {
        let h = Harness::new().await;
        // A fixed auth_time at sign-in, so the refresh can keep or change it.
        let fixed = now() - 600;
        h.provider
            .set_token(issue(move |_, c| c["auth_time"] = json!(fixed)));
        h.sign_in_ok().await;
        let edit = Arc::new(edit);
        h.provider.set_token(issue(move |_, c| {
            c["auth_time"] = json!(fixed);
            edit(c)
        }));
        let outcome = h.engine.refresh(&h.profile, None).await.expect("refresh");
        let failed: Vec<CheckId> = outcome.report.failures().map(|c| c.name).collect();
        assert_eq!(failed, [name], "{:#?}", outcome.report);
    }
    // Kept auth_time and a newer iat pass.
    let h = Harness::new().await;
    let fixed = now() - 600;
    h.provider
        .set_token(issue(move |_, c| c["auth_time"] = json!(fixed)));
    h.sign_in_ok().await;
    let outcome = h.engine.refresh(&h.profile, None).await.expect("refresh");
    assert!(outcome.passed(), "{:#?}", outcome.report);
    for check in [
        CheckId::SameSubject,
        CheckId::SameAud,
        CheckId::SameAuthTime,
        CheckId::NewIat,
    ] {
        assert!(outcome.report.get(check).is_some_and(|c| c.ok), "{check}");
    }
}

#[tokio::test]
async fn a_rejected_refresh_response_leaves_no_spent_token_behind() {
    // Rotated, then rejected (another user's ID token): the old token is spent.
    let h = Harness::new().await;
    h.sign_in_ok().await;
    h.provider
        .set_token(issue(|_, c| c["sub"] = json!("user-mallory")));
    let outcome = h.engine.refresh(&h.profile, None).await.expect("refresh");
    assert!(!outcome.passed());
    let rt = &outcome.refresh_token;
    assert!(rt.received && !rt.stored, "{rt:?}");
    assert!(
        rt.note.contains("failed validation (same_subject)"),
        "{}",
        rt.note
    );
    assert!(
        rt.note.contains("stored refresh token was deleted"),
        "{}",
        rt.note
    );
    assert!(rt.note.contains("rotated"), "{}", rt.note);
    assert!(rt.note.contains("sign in again"), "{}", rt.note);
    assert_eq!(h.stored_refresh_token(), None);

    // Rejected without a rotation: deleted too.
    let h = Harness::new().await;
    h.sign_in_ok().await;
    h.provider.set_token(on_refresh(|ex| {
        let mut claims = ex.claims();
        claims["aud"] = json!("someone-else");
        let mut body = ex.token_response(&tokenscope_core::testkit::sign("RS256", &claims));
        body.as_object_mut().unwrap().remove("refresh_token");
        Reply::Json(200, body)
    }));
    let outcome = h.engine.refresh(&h.profile, None).await.expect("refresh");
    assert!(!outcome.passed());
    assert!(!outcome.refresh_token.received && !outcome.refresh_token.stored);
    assert!(outcome.refresh_token.note.contains("sign in again"));
    assert_eq!(h.stored_refresh_token(), None);
}

#[tokio::test]
async fn a_bare_400_on_refresh_is_a_refused_refresh() {
    let h = Harness::new().await;
    h.sign_in_ok().await;
    h.provider.set_token(on_refresh(|_| Reply::Raw {
        status: 400,
        content_type: "text/plain",
        body: Vec::new(),
    }));
    let message = sign_in_required(h.engine.refresh(&h.profile, None).await);
    assert!(
        message.contains(
            "the provider refused the refresh token without saying why (HTTP 400, empty \
             body); sign in again"
        ),
        "{message}"
    );
    assert_eq!(h.stored_refresh_token(), None);
}
