//! The browser sign-in's request forms against the real provider (`tests/idp`, the generic
//! provider under `/oidc` with oidc-provider's `pushedAuthorizationRequests` and
//! `requestObjects`): each client there refuses the plain form, so each test fails if
//! Tokenscope stops pushing (PAR, RFC 9126), signing (JAR, RFC 9101) or encrypting.
//!
//! Ignored by a plain `cargo test` (they need node and `npm ci --prefix tests/idp`);
//! `scripts/test.sh` runs them with `--include-ignored`, or:
//! `cargo test -p tokenscope-core --test request_forms -- --include-ignored`.

mod common;

use common::{assert_passed, engine_with, options, temp_dir};
use serde_json::Value;
use tokenscope_core::engine::Engine;
use tokenscope_core::oidc::request_form::{JarMode, ParMode, RequestForm};
use tokenscope_core::store::profile::{Profile, ProfileStore};
use tokenscope_core::store::vault::Vault;
use tokenscope_core::testkit::fixture_path;
use tokenscope_core::testkit::idp::{shared as idp, CURL_BROWSER};
use tokenscope_core::{Error, Secret};

fn engine() -> Engine {
    engine_with(
        Vault::session_only("test"),
        ProfileStore::new(temp_dir("tokenscope-forms")),
    )
}

/// The request-form client whose note starts with `note`.
fn client(note: &str) -> Value {
    idp().info["request_form_clients"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["note"].as_str().unwrap().starts_with(note))
        .unwrap_or_else(|| panic!("no client `{note}` in tests/idp"))
        .clone()
}

/// A saved profile on the generic provider for `client`, with this form.
async fn profile(
    engine: &Engine,
    name: &str,
    client: &Value,
    par: ParMode,
    jar: JarMode,
) -> Profile {
    let mut p = Profile::new(
        name,
        &idp().generic_metadata_url(),
        client["client_id"].as_str().unwrap(),
    );
    p.browser_command = Some(CURL_BROWSER.into());
    p.request_form = RequestForm { par, jar };
    engine.profiles().save(&p).unwrap();
    p
}

async fn with_key(engine: &Engine, p: &Profile) {
    let pem = std::fs::read_to_string(fixture_path("keys/rsa2.pem")).unwrap();
    engine
        .set_client_key(&p.name, &Secret::new(pem))
        .await
        .unwrap();
}

fn refusal(result: tokenscope_core::Result<impl std::fmt::Debug>) -> String {
    match result {
        Err(e @ Error::Provider(_)) => e.to_string(),
        other => panic!("expected the provider to refuse, got {other:?}"),
    }
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_client_that_requires_par_signs_in_only_when_the_request_is_pushed() {
    let engine = engine();
    let c = client("requires PAR");
    let plain = profile(&engine, "plain", &c, ParMode::Never, JarMode::Off).await;
    let e = refusal(engine.sign_in(&plain, &options()).await);
    assert!(
        e.contains("Pushed Authorization Request must be used"),
        "{e}"
    );

    let pushed = profile(&engine, "pushed", &c, ParMode::Always, JarMode::Off).await;
    let o = engine.sign_in(&pushed, &options()).await.unwrap();
    assert_passed(&o);
    let used = o.request_form.as_ref().unwrap();
    assert!(
        used.pushed_to
            .as_deref()
            .unwrap()
            .ends_with("/oidc/oauth2/v2.0/par"),
        "{used:?}"
    );
    assert!(used
        .request_uri
        .as_deref()
        .unwrap()
        .starts_with("urn:ietf:params:oauth:request_uri:"));
    assert!(used.request_uri_expires_in.unwrap() > 0, "{used:?}");
    assert!(
        used.summary().contains("the request_uri expires in"),
        "{}",
        used.summary()
    );
    // The browser got the client ID and the request_uri, nothing else.
    let authorize = o
        .exchanges
        .entries
        .iter()
        .find(|x| x.step == tokenscope_core::exchange::Step::Authorize)
        .unwrap();
    let url = url::Url::parse(&authorize.url).unwrap();
    let mut names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    names.sort();
    assert_eq!(names, ["client_id", "request_uri"], "{url}");
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_client_that_requires_a_signed_request_object_gets_one_signed_with_its_key() {
    let engine = engine();
    let c = client("requires a signed request object");
    let plain = profile(&engine, "plain", &c, ParMode::Never, JarMode::Off).await;
    with_key(&engine, &plain).await;
    let e = refusal(engine.sign_in(&plain, &options()).await);
    assert!(e.contains("Request Object must be used"), "{e}");

    let signed = profile(&engine, "signed", &c, ParMode::Never, JarMode::Signed).await;
    with_key(&engine, &signed).await;
    let o = engine.sign_in(&signed, &options()).await.unwrap();
    assert_passed(&o);
    let used = o.request_form.as_ref().unwrap();
    assert_eq!(used.signed_alg.as_deref(), Some("RS256"));
    assert!(
        used.pushed_to.is_none() && used.encrypted.is_none(),
        "{used:?}"
    );
    // The browser got the request object, with the client ID, response_type and scope beside
    // it (OpenID Connect Core §6.1) and nothing else: state, nonce and PKCE are inside.
    let authorize = o
        .exchanges
        .entries
        .iter()
        .find(|x| x.step == tokenscope_core::exchange::Step::Authorize)
        .unwrap();
    let url = url::Url::parse(&authorize.url).unwrap();
    let names: Vec<String> = url.query_pairs().map(|(k, _)| k.into_owned()).collect();
    assert_eq!(
        names,
        ["client_id", "response_type", "scope", "request"],
        "{url}"
    );

    // Pushed and signed: the same client, the same key.
    let both = profile(&engine, "both", &c, ParMode::Always, JarMode::Signed).await;
    with_key(&engine, &both).await;
    assert_passed(&engine.sign_in(&both, &options()).await.unwrap());
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn an_itsme_style_client_needs_the_request_object_signed_then_encrypted_and_pushed() {
    let engine = engine();
    let c = client("requires a signed and encrypted request object");
    // Signed only: refused, and the refusal says what was sent.
    let signed = profile(&engine, "signed", &c, ParMode::Always, JarMode::Signed).await;
    with_key(&engine, &signed).await;
    let e = refusal(engine.sign_in(&signed, &options()).await);
    assert!(e.contains("invalid_request_object"), "{e}");
    assert!(
        e.contains("request object signed RS256 with the profile's client key (an RSA key"),
        "{e}"
    );

    let encrypted = profile(
        &engine,
        "enc",
        &c,
        ParMode::Always,
        JarMode::SignedEncrypted,
    )
    .await;
    with_key(&engine, &encrypted).await;
    let o = engine.sign_in(&encrypted, &options()).await.unwrap();
    assert_passed(&o);
    let used = o.request_form.as_ref().unwrap();
    let enc = used.encrypted.as_deref().unwrap();
    assert!(
        enc.starts_with("RSA-OAEP-256/A256GCM to the provider's key enc-"),
        "{enc}"
    );
    assert!(used.pushed_to.is_some());
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_request_object_is_signed_hs256_with_the_client_secret_when_there_is_no_key() {
    let engine = engine();
    let c = client("requires a request object signed HS256");
    let secret = Secret::new(c["client_secret"].as_str().unwrap());
    let plain = profile(&engine, "plain", &c, ParMode::Never, JarMode::Off).await;
    engine
        .set_client_secret(&plain.name, &secret)
        .await
        .unwrap();
    let e = refusal(engine.sign_in(&plain, &options()).await);
    assert!(e.contains("Request Object must be used"), "{e}");

    let signed = profile(&engine, "signed", &c, ParMode::Never, JarMode::Signed).await;
    engine
        .set_client_secret(&signed.name, &secret)
        .await
        .unwrap();
    let o = engine.sign_in(&signed, &options()).await.unwrap();
    assert_passed(&o);
    let used = o.request_form.as_ref().unwrap();
    assert_eq!(used.signed_alg.as_deref(), Some("HS256"));
    assert_eq!(used.signed_with.as_deref(), Some("the client secret"));
    // The secret never shows in what was logged.
    let log = serde_json::to_string(&o.exchanges).unwrap();
    assert!(!log.contains(secret.expose()));
}

#[tokio::test]
#[ignore = "needs tests/idp (npm): run scripts/test.sh"]
async fn a_public_client_cannot_sign_a_request_object_and_is_told_what_to_store() {
    let engine = engine();
    let c = client("requires PAR");
    let p = profile(&engine, "nokey", &c, ParMode::Always, JarMode::Signed).await;
    let e = engine
        .sign_in(&p, &options())
        .await
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("profiles key set") && e.contains("client secret"),
        "{e}"
    );
}
