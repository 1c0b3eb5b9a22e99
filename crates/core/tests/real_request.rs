//! The request builder against the real B2C-shaped provider (`tests/idp`, oidc-provider from
//! npm): `form_post` through headless Chromium, confidential clients with `client_secret_basic`
//! and `client_secret_post` (the secret in the real keyring), and the logout test.
//!
//! Ignored by a plain `cargo test`; `scripts/test.sh` runs them through `scripts/with-keyring.sh`
//! with `--include-ignored` (or: `scripts/with-keyring.sh cargo test -p tokenscope-core --test
//! real_request -- --include-ignored`).

mod common;

use std::time::Duration;

use common::{assert_passed, keyring_engine, options, require_harness, temp_dir};
use tokenscope_core::engine::{Engine, LogoutOptions, SignInOptions};
use tokenscope_core::oidc::redirect::ResponseMode;
use tokenscope_core::oidc::request::{client_secret_account, ClientAuthMethod};
use tokenscope_core::store::profile::Profile;
use tokenscope_core::testkit::idp::{browser_command, shared as idp, CURL_BROWSER};
use tokenscope_core::{Error, Secret};

const SERVICE: &str = "tokenscope-itest-request";

fn engine() -> (Engine, std::path::PathBuf) {
    require_harness();
    let dir = temp_dir("tokenscope-itest-req");
    (keyring_engine(SERVICE, &dir), dir)
}

fn keyring_has(account: &str) -> bool {
    common::keyring_has(SERVICE, account)
}

/// `(client_id, client_secret)` of the test provider's confidential client using `method`.
fn confidential(method: &str) -> (String, String) {
    let c = idp().info["confidential_clients"]
        .as_array()
        .expect("the provider lists its confidential clients")
        .iter()
        .find(|c| c["token_endpoint_auth_method"] == method)
        .expect("a client for the method")
        .clone();
    (
        c["client_id"].as_str().unwrap().to_owned(),
        c["client_secret"].as_str().unwrap().to_owned(),
    )
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn form_post_through_a_real_browser() {
    let (engine, _dir) = engine();
    let mut p = Profile::new(
        "form-post",
        &idp().metadata_url("B2C_1_auto"),
        &idp().client_id(),
    );
    p.scopes = vec!["offline_access".into(), idp().api_scope()];
    p.params.response_mode = ResponseMode::FormPost;
    p.browser_command = Some(browser_command(""));
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    assert!(o.refresh_token.stored);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn confidential_clients_sign_in_and_refresh_with_the_secret_from_the_keyring() {
    let (engine, dir) = engine();
    // client_secret_basic, chosen from the metadata (which announces both methods).
    let (id, secret) = confidential("client_secret_basic");
    let mut p = Profile::new("itsme-basic", &idp().metadata_url("B2C_1_auto"), &id);
    p.scopes = vec!["offline_access".into(), idp().api_scope()];
    p.browser_command = Some(CURL_BROWSER.into());
    engine.profiles().save(&p).unwrap();
    // Without the secret the provider refuses the client.
    match engine.sign_in(&p, &options()).await {
        Err(Error::Provider(e)) => assert_eq!(e.error, "invalid_client"),
        other => panic!("expected invalid_client, got {:?}", other.map(|o| o.report)),
    }
    engine
        .set_client_secret(&p.name, &Secret::new(&secret))
        .await
        .unwrap();
    assert!(keyring_has(&client_secret_account(&p.name)));
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    let r = engine.refresh(&p, None).await.unwrap();
    assert_passed(&r);
    assert!(r.refresh_token.received && r.refresh_token.stored);
    let files: String = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| std::fs::read_to_string(e.path()).unwrap_or_default())
        .collect();
    assert!(
        !files.contains(&secret),
        "the secret is in a profile file: {files}"
    );

    // client_secret_post: the metadata announces both, so the profile names it.
    let (id, secret) = confidential("client_secret_post");
    let mut p = Profile::new("itsme-post", &idp().metadata_url("B2C_1_auto"), &id);
    p.scopes = vec!["offline_access".into()];
    p.browser_command = Some(CURL_BROWSER.into());
    engine.profiles().save(&p).unwrap();
    engine
        .set_client_secret(&p.name, &Secret::new(&secret))
        .await
        .unwrap();
    // Auto picks client_secret_basic, which this client does not use: a clear provider error
    // that does not show the secret.
    let e = engine.sign_in(&p, &options()).await.unwrap_err();
    let shown = format!("{e} {e:?}");
    assert!(shown.contains("invalid_client"), "{shown}");
    assert!(!shown.contains(&secret), "{shown}");
    p.client_auth = ClientAuthMethod::ClientSecretPost;
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);

    for name in ["itsme-basic", "itsme-post"] {
        assert!(engine.delete_client_secret(name).await.unwrap());
        assert!(!keyring_has(&client_secret_account(name)));
        engine
            .sign_out(&engine.profiles().get(name).unwrap_or_else(|_| p.clone()))
            .await
            .ok();
    }
    let _ = std::fs::remove_dir_all(dir);
}

#[tokio::test]
#[ignore = "needs tests/idp (npm), Chromium and a keyring: run scripts/test.sh"]
async fn logout_test_comes_back_to_the_loopback_listener_with_the_state_sent() {
    let (engine, dir) = engine();
    let mut p = Profile::new(
        "logout",
        &idp().metadata_url("B2C_1_susi"),
        &idp().client_id(),
    );
    p.scopes = vec!["offline_access".into()];
    p.browser_command = Some(browser_command(""));
    let o = engine.sign_in(&p, &options()).await.unwrap();
    assert_passed(&o);
    let report = engine
        .logout_test(
            &p,
            &LogoutOptions {
                timeout: Duration::from_secs(60),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(report.passed, "{report:#?}");
    assert!(report.id_token_hint_sent, "the last ID token is the hint");
    let back = report.returned.unwrap();
    assert_eq!(back.state.as_deref(), Some(report.state_sent.as_str()));
    // The provider's session is gone: a clean sign-in is needed (the login page shows again,
    // which the browser stand-in passes through) and the local refresh token is untouched.
    assert!(engine.stored_refresh("logout").await.unwrap().is_some());
    let clean = SignInOptions {
        clean: true,
        ..options()
    };
    assert_passed(&engine.sign_in(&p, &clean).await.unwrap());
    engine.sign_out(&p).await.unwrap();

    // A hint the provider does not accept: it shows an error page and never comes back.
    let bad = engine
        .logout_test(
            &p,
            &LogoutOptions {
                id_token_hint: Some(Secret::new("not.a.token")),
                timeout: Duration::from_secs(5),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert!(!bad.passed && bad.returned.is_none(), "{bad:#?}");
    let _ = std::fs::remove_dir_all(dir);
}
