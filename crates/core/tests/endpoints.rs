//! Revocation (RFC 7009) and introspection (RFC 7662) against the test provider's generic
//! OpenID provider (`tests/idp`, `/oidc`: the one with both endpoints), the refresh token in
//! the real keyring; a B2C policy (neither endpoint) and a hand-made hostile endpoint.
//!
//! Ignored by a plain `cargo test` (they need node, `npm ci --prefix tests/idp` and a keyring):
//! `scripts/with-keyring.sh cargo test -p tokenscope-core --test endpoints -- --include-ignored`.

mod common;

use common::{assert_passed, engine_with, keyring_engine, keyring_has, options, temp_dir};
use std::sync::Arc;
use tokenscope_core::api::introspect::{IntrospectTarget, IntrospectToken};
use tokenscope_core::api::revoke::RevokeToken;
use tokenscope_core::clock::SystemClock;
use tokenscope_core::engine::Engine;
use tokenscope_core::http::{HttpError, HttpRequest, HttpResponse};
use tokenscope_core::oidc::token::{self, ClientAuth};
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};
use tokenscope_core::{Error, Secret};
use url::Url;

const NEEDS: &str = "needs tests/idp (npm) and a keyring: run scripts/test.sh";

fn profile(name: &str, metadata_url: &str) -> Profile {
    let mut p = Profile::new(name, metadata_url, &idp().client_id());
    p.scopes = vec!["offline_access".into()];
    p.browser_command = Some(CURL_BROWSER.into());
    p
}

fn service() -> String {
    format!(
        "tokenscope-test-endpoints-{}",
        tokenscope_core::oidc::pkce::random_token()
    )
}

/// The access token of a sign-in that passed.
async fn signed_in(engine: &Engine, p: &Profile) -> Secret {
    let o = engine.sign_in(p, &options()).await.unwrap();
    assert_passed(&o);
    o.access_token.expect("an access token").raw
}

fn claim<'a>(
    i: &'a tokenscope_core::api::introspect::Introspection,
    name: &str,
) -> Option<&'a serde_json::Value> {
    i.claims.iter().find(|c| c.name == name).map(|c| &c.value)
}

#[tokio::test]
#[ignore = "needs tests/idp (npm) and a keyring: run scripts/test.sh"]
async fn the_revoked_refresh_token_leaves_the_keyring_and_is_refused_after() {
    let _ = NEEDS;
    common::require_harness();
    let service = service();
    let dir = temp_dir("tokenscope-endpoints");
    let engine = keyring_engine(&service, &dir);
    let p = profile("generic", &idp().generic_metadata_url());
    let access = signed_in(&engine, &p).await;
    let account = p.refresh_account();
    assert!(keyring_has(&service, &account));
    let stored = Vault::open(&service)
        .load(&account)
        .unwrap()
        .unwrap()
        .secret;

    // The provider advertises both endpoints.
    let support = engine.provider_endpoints(&p).await.unwrap();
    assert!(support.revocation.is_some() && support.introspection.is_some());
    assert_eq!(support.revocation_missing, None);

    // Introspection with the public client's client_id: active, with its scope.
    let i = engine
        .introspect(&p, &IntrospectTarget::Profile(IntrospectToken::Access))
        .await
        .unwrap();
    assert_eq!(i.active, Some(true), "{:?}", i.error);
    let scope = claim(&i, "scope").and_then(|v| v.as_str()).unwrap_or("");
    assert!(scope.split(' ').any(|s| s == "openid"), "{scope}");
    assert_eq!(claim(&i, "client_id").unwrap(), &idp().client_id());
    let exp = i.claims.iter().find(|c| c.name == "exp").unwrap();
    assert!(exp.time.is_some(), "exp shown as a date");
    let i = engine
        .introspect(&p, &IntrospectTarget::Profile(IntrospectToken::Refresh))
        .await
        .unwrap();
    assert_eq!(i.active, Some(true));
    assert_eq!(claim(&i, "client_id").unwrap(), &idp().client_id());

    // Revoked: removed from the keyring and said so.
    let r = engine.revoke(&p, RevokeToken::Refresh).await.unwrap();
    assert!(r.revoked && r.removed_from_vault, "{r:?}");
    assert!(
        r.message.contains("removed from the OS keyring"),
        "{}",
        r.message
    );
    assert!(!keyring_has(&service, &account));

    // The provider refuses the revoked token: invalid_grant.
    let authority = tokenscope_core::oidc::authority::Authority::parse(&p.authority).unwrap();
    let http = tokenscope_core::http::ReqwestClient::new(Default::default()).unwrap();
    let metadata = tokenscope_core::oidc::metadata::ProviderMetadata::fetch(&http, &authority)
        .await
        .unwrap();
    let e = token::redeem_refresh(
        &http,
        &metadata.token_endpoint,
        &p.client_id,
        &ClientAuth::None,
        &stored,
        "openid offline_access",
    )
    .await
    .unwrap_err();
    assert!(
        matches!(&e, Error::Provider(pe) if pe.is_invalid_grant()),
        "{e:?}"
    );
    // And the grant's access token is no longer active.
    let i = engine
        .introspect(&p, &IntrospectTarget::Given(access.clone()))
        .await
        .unwrap();
    assert_eq!(i.active, Some(false));
    assert!(i.notes[0].contains("not active"), "{:?}", i.notes);
    // Nothing left to revoke: a sign-in is needed.
    let e = engine.revoke(&p, RevokeToken::Refresh).await.unwrap_err();
    assert!(matches!(e, Error::SignInRequired(_)), "{e}");
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_revoked_access_token_is_inactive_and_its_grant_may_go_with_it() {
    let engine = engine_with(
        Vault::session_only("test"),
        ProfileStore::new(temp_dir("tokenscope-endpoints")),
    );
    let p = profile("access", &idp().generic_metadata_url());
    let access = signed_in(&engine, &p).await;
    let r = engine.revoke(&p, RevokeToken::Access).await.unwrap();
    assert!(r.revoked && !r.removed_from_vault, "{r:?}");
    let i = engine
        .introspect(&p, &IntrospectTarget::Given(access))
        .await
        .unwrap();
    assert_eq!(i.active, Some(false));
    // The message says the provider may have revoked the grant's refresh token too (RFC 7009
    // §2.1 allows it), and oidc-provider does: the next refresh is refused.
    assert!(
        r.message.contains("refresh token of the same grant"),
        "{}",
        r.message
    );
    let e = engine.refresh(&p, None).await.unwrap_err();
    assert!(matches!(e, Error::SignInRequired(_)), "{e}");
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_b2c_profile_says_its_provider_has_neither_endpoint_and_sends_nothing() {
    let engine = engine_with(
        Vault::session_only("test"),
        ProfileStore::new(temp_dir("tokenscope-endpoints")),
    );
    let p = profile("b2c", &idp().metadata_url("B2C_1_auto"));
    let support = engine.provider_endpoints(&p).await.unwrap();
    assert_eq!(support.revocation, None);
    assert!(support
        .revocation_missing
        .as_deref()
        .unwrap()
        .contains("this provider has no revocation endpoint"));
    assert!(support
        .introspection_missing
        .as_deref()
        .unwrap()
        .contains("this provider has no introspection endpoint"));
    // Not even signed in: the missing endpoint is said first.
    let e = engine.revoke(&p, RevokeToken::Refresh).await.unwrap_err();
    assert!(
        e.to_string()
            .contains("this provider has no revocation endpoint"),
        "{e}"
    );
    assert!(e.to_string().contains("B2C has none"), "{e}");
    let e = engine
        .introspect(&p, &IntrospectTarget::Given(Secret::new("x.y.z")))
        .await
        .unwrap_err();
    assert!(
        e.to_string()
            .contains("this provider has no introspection endpoint"),
        "{e}"
    );
}

/// A hand-made provider whose metadata is good and whose introspection endpoint answers with a
/// login page (a proxy or portal in the way).
#[tokio::test]
async fn an_introspection_endpoint_answering_html_is_a_clear_error() {
    let base = "https://hostile.example";
    let client = move |r: HttpRequest| async move {
        let (ct, body) = if r.url.path().ends_with("openid-configuration") {
            (
                "application/json",
                serde_json::json!({
                    "issuer": base,
                    "authorization_endpoint": format!("{base}/authorize"),
                    "token_endpoint": format!("{base}/token"),
                    "jwks_uri": format!("{base}/keys"),
                    "introspection_endpoint": format!("{base}/introspect"),
                    "revocation_endpoint": format!("{base}/revoke"),
                })
                .to_string(),
            )
        } else {
            (
                "text/html",
                "<!DOCTYPE html><html><body>Please sign in to the proxy</body></html>".into(),
            )
        };
        Ok::<_, HttpError>(HttpResponse {
            status: 200,
            headers: vec![("content-type".into(), ct.into())],
            body: body.into_bytes(),
        })
    };
    let engine = Engine::new(
        Arc::new(client),
        Arc::new(SystemClock),
        Vault::session_only("test"),
        ProfileStore::new(temp_dir("tokenscope-endpoints")),
    );
    let p = Profile::new(
        "hostile",
        &format!("{base}/.well-known/openid-configuration"),
        "app",
    );
    let token = "opaque-token-4b7c9e2a1d";
    let e = engine
        .introspect(&p, &IntrospectTarget::Given(Secret::new(token)))
        .await
        .unwrap_err();
    let shown = e.to_string();
    assert!(shown.contains("expected JSON, got an HTML page"), "{shown}");
    assert!(shown.contains("/introspect"), "{shown}");
    assert!(!format!("{shown} {e:?}").contains(token));
    let _ = Url::parse(base);
}
